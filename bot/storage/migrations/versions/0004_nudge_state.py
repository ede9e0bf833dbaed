"""Gentle nudges: the off switch and when each kind was last sent, per chat.

Revision ID: 0004
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nudge_state",
        sa.Column(
            "chat_id",
            sa.BigInteger(),
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("overproduction_sent_at", sa.DateTime(), nullable=True),
        sa.Column("few_sessions_sent_at", sa.DateTime(), nullable=True),
        sa.Column("volume_drop_sent_at", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("nudge_state")
