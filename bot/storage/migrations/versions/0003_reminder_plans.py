"""Reminder plans: one per chat, with the next due time the scheduler is rebuilt from.

Revision ID: 0003
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "chat_id",
            sa.BigInteger(),
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("off_reason", sa.String(16), nullable=True),
        sa.Column("preset", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("interval_min", sa.Integer(), nullable=True),
        sa.Column("night_interval_min", sa.Integer(), nullable=True),
        sa.Column("times", sa.String(100), nullable=True),
        sa.Column("night_start", sa.String(5), nullable=True),
        sa.Column("night_end", sa.String(5), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("counted_from", sa.DateTime(), nullable=True),
        sa.Column("next_due_at", sa.DateTime(), nullable=True),
        sa.Column("snoozed_until", sa.DateTime(), nullable=True),
        sa.Column("paused_until", sa.DateTime(), nullable=True),
        sa.Column("last_sent_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("power_started_at", sa.DateTime(), nullable=True),
        sa.Column("power_step", sa.Integer(), nullable=False),
        sa.Column("power_note_shown_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("chat_id", name="uq_reminder_plans_chat"),
    )
    op.create_index("ix_reminder_plans_next_due", "reminder_plans", ["next_due_at"])


def downgrade() -> None:
    op.drop_index("ix_reminder_plans_next_due", "reminder_plans")
    op.drop_table("reminder_plans")
