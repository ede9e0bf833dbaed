"""Reminders handed to Telegram, and the send pace shared by every instance.

Revision ID: 0010_handover
Revises: 0008_stash

`reminder_handovers`: one row per reminder between its claim and Telegram's answer, with the
moment its request went out (`handed_over_at`), so a restart or a new leader sends what was
claimed but never handed over (scheduler/handover.py).

`send_pace` (PostgreSQL only): the next free turn on the one send grid that every instance of
the bot shares (bot/ratelimit.py). UNLOGGED: it is written for every message and worth nothing
after a crash, so it skips the write-ahead log.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_handover"
down_revision = "0008_stash"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_handovers",
        sa.Column(
            "chat_id",
            sa.BigInteger(),
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("due_for", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(80), nullable=False),
        sa.Column("handed_over_at", sa.DateTime(), nullable=True),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE UNLOGGED TABLE send_pace (id integer PRIMARY KEY, "
            "next_turn timestamptz NOT NULL, resume_at timestamptz NOT NULL)"
        )
        op.execute("INSERT INTO send_pace VALUES (1, clock_timestamp(), clock_timestamp())")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE send_pace")
    op.drop_table("reminder_handovers")
