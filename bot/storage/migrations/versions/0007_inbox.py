"""The durable inbox: every update Telegram hands over, stored before it is acknowledged.

Revision ID: 0007_inbox
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_inbox"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("update_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_inbox_handled_at", "inbox", ["handled_at"])


def downgrade() -> None:
    op.drop_index("ix_inbox_handled_at", table_name="inbox")
    op.drop_table("inbox")
