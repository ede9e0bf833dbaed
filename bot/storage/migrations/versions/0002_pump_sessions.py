"""Logged pumping sessions.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pump_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "chat_id",
            sa.BigInteger(),
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("left_ml", sa.Float(), nullable=True),
        sa.Column("right_ml", sa.Float(), nullable=True),
        sa.Column("total_ml", sa.Float(), nullable=False),
        sa.Column("duration_min", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("logged_by_id", sa.BigInteger(), nullable=True),
        sa.Column("logged_by_name", sa.String(128), nullable=True),
        sa.Column("source_message_id", sa.BigInteger(), nullable=True),
        sa.Column("confirmation_message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("chat_id", "source_message_id", name="uq_pump_sessions_source"),
    )
    op.create_index("ix_pump_sessions_chat_started", "pump_sessions", ["chat_id", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_pump_sessions_chat_started", "pump_sessions")
    op.drop_table("pump_sessions")
