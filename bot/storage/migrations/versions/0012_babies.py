"""How many babies a chat's milk is for (`chats.babies`, 1-3; NULL: never asked, one).

Revision ID: 0012_babies
Revises: 0011_imports

Plain ADD/DROP COLUMN, not batch mode, for the reason 0006 gives: a batch copy of `chats`
would cascade and delete every logged session on SQLite.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_babies"
down_revision = "0011_imports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("chats", sa.Column("babies", sa.SmallInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("chats", "babies")
