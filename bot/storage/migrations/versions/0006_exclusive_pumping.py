"""Whether a chat pumps exclusively (stats then show the daily guideline band).

Revision ID: 0006
Revises: 0002

Plain ADD/DROP COLUMN, not batch mode: batch mode copies `chats` and drops the old table, and
with SQLite's foreign keys on, dropping `chats` cascades and deletes every logged session.
SQLite has both statements natively (DROP COLUMN since 3.35).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "chats",
        sa.Column("exclusive_pumping", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("chats", "exclusive_pumping")
