"""Step-down plans: `step_down_plans`, one row per chat stepping down.

Revision ID: 0014_step_down_plans
Revises: 0013_session_timers
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_step_down_plans"
down_revision = "0013_session_timers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "step_down_plans",
        sa.Column(
            "chat_id",
            sa.BigInteger(),
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("start_sessions", sa.Integer(), nullable=False),
        sa.Column("target_sessions", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("next_step_at", sa.DateTime(), nullable=True),
        sa.Column("paused_at", sa.DateTime(), nullable=True),
        sa.Column("feeling", sa.String(8), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("step_down_plans")
