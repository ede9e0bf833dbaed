"""A family group linked to the parent who pumps: `chat_links`, and the one-time `link_codes`.

Revision ID: 0016_family_links
Revises: 0015_feeds
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_family_links"
down_revision = "0015_feeds"
branch_labels = None
depends_on = None


def _chat(name: str, **options: object) -> sa.Column[int]:
    return sa.Column(
        name, sa.BigInteger(), sa.ForeignKey("chats.id", ondelete="CASCADE"), **options
    )


def upgrade() -> None:
    op.create_table(
        "chat_links",
        _chat("group_chat_id", primary_key=True, autoincrement=False),
        _chat("parent_chat_id", nullable=False),
        sa.Column("group_title", sa.String(128), nullable=True),
        sa.Column("shares_log", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_chat_links_parent_chat_id", "chat_links", ["parent_chat_id"])
    op.create_table(
        "link_codes",
        _chat("parent_chat_id", primary_key=True, autoincrement=False),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("link_codes")
    op.drop_index("ix_chat_links_parent_chat_id", "chat_links")
    op.drop_table("chat_links")
