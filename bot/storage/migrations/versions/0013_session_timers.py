"""Live session timers: `session_timers`, one row per chat with a timer.

Revision ID: 0013_session_timers
Revises: 0012_day_start
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_session_timers"
down_revision = "0012_day_start"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session_timers",
        sa.Column(
            "chat_id",
            sa.BigInteger(),
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("paused_at", sa.DateTime(), nullable=True),
        sa.Column("paused_seconds", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(5), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("edited_at", sa.DateTime(), nullable=True),
        sa.Column("stopped_at", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("session_timers")
