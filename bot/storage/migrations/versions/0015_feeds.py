"""Bottle feeds from the stash: the `feeds` table, and `feed_takes`, the milk each feed took.

Revision ID: 0015_feeds
Revises: 0014_step_down_plans
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_feeds"
down_revision = "0014_step_down_plans"
branch_labels = None
depends_on = None


def _chat_id() -> sa.Column[int]:
    return sa.Column(
        "chat_id", sa.BigInteger(), sa.ForeignKey("chats.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer(), primary_key=True),
        _chat_id(),
        sa.Column("fed_at", sa.DateTime(), nullable=False),
        sa.Column("amount_ml", sa.Float(), nullable=False),
        sa.Column("from_stash_ml", sa.Float(), nullable=False),
        sa.Column("fed_by_name", sa.String(128), nullable=True),
        sa.Column("source_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("source_message_id", sa.BigInteger(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "chat_id", "source_chat_id", "source_message_id", name="uq_feeds_source"
        ),
    )
    op.create_index("ix_feeds_chat_fed", "feeds", ["chat_id", "fed_at"])
    op.create_index("ix_feeds_import_id", "feeds", ["import_id"])
    op.create_table(
        "feed_takes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _chat_id(),
        sa.Column(
            "feed_id",
            sa.Integer(),
            sa.ForeignKey("feeds.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "portion_id",
            sa.Integer(),
            sa.ForeignKey("stash_portions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "used_portion_id",
            sa.Integer(),
            sa.ForeignKey("stash_portions.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("amount_ml", sa.Float(), nullable=False),
        sa.Column("use_by_before", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_feed_takes_feed_id", "feed_takes", ["feed_id"])


def downgrade() -> None:
    op.drop_index("ix_feed_takes_feed_id", "feed_takes")
    op.drop_table("feed_takes")
    op.drop_index("ix_feeds_import_id", "feeds")
    op.drop_index("ix_feeds_chat_fed", "feeds")
    op.drop_table("feeds")
