"""The milk stash: portions in the fridge and freezer, and the per-chat stash state.

Revision ID: 0008_stash
Revises: 0007_inbox
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_stash"
down_revision = "0007_inbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stash_portions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "chat_id",
            sa.BigInteger(),
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("place", sa.String(8), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("amount_ml", sa.Float(), nullable=False),
        sa.Column("pumped_at", sa.DateTime(), nullable=False),
        sa.Column("thawed_at", sa.DateTime(), nullable=True),
        sa.Column("use_by", sa.DateTime(), nullable=False),
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey("pump_sessions.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("added_by_name", sa.String(128), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
    )
    op.create_index(
        "ix_stash_portions_chat_state", "stash_portions", ["chat_id", "state", "pumped_at"]
    )
    op.create_index("ix_stash_portions_use_by", "stash_portions", ["state", "use_by"])
    op.create_table(
        "stash_state",
        sa.Column(
            "chat_id",
            sa.BigInteger(),
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("intro_shown_at", sa.DateTime(), nullable=True),
        sa.Column("note_sent_for", sa.DateTime(), nullable=True),
        sa.Column("last_message_id", sa.BigInteger(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("stash_state")
    op.drop_index("ix_stash_portions_use_by", "stash_portions")
    op.drop_index("ix_stash_portions_chat_state", "stash_portions")
    op.drop_table("stash_portions")
