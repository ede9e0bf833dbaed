"""When a chat's day starts (`chats.day_start_min`): midnight (0) for every existing chat.

Revision ID: 0012_day_start
Revises: 0012_babies

Plain ADD/DROP COLUMN, not batch mode, for the reason 0006 gives: a batch copy of `chats`
would cascade and delete every logged session on SQLite.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_day_start"
down_revision = "0012_babies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "chats",
        sa.Column("day_start_min", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )


def downgrade() -> None:
    op.drop_column("chats", "day_start_min")
