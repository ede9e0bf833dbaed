"""Imports from a CSV file: the `imports` table, and `pump_sessions.import_id` to undo one.

Revision ID: 0011_imports
Revises: 0010_handover

`import_id` is a plain indexed column, not a foreign key: SQLite can drop a plain column in
place (3.35+) but not one in a foreign key, and a batch-mode copy of `pump_sessions` is not
worth the risk for a downgrade.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_imports"
down_revision = "0010_handover"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "chat_id",
            sa.BigInteger(),
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("requested_by_id", sa.BigInteger(), nullable=False),
        sa.Column("file_id", sa.String(256), nullable=False),
        sa.Column("file_name", sa.String(256), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("session_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=True),
    )
    op.add_column("pump_sessions", sa.Column("import_id", sa.Integer(), nullable=True))
    op.create_index("ix_pump_sessions_import_id", "pump_sessions", ["import_id"])


def downgrade() -> None:
    op.drop_index("ix_pump_sessions_import_id", table_name="pump_sessions")
    op.drop_column("pump_sessions", "import_id")
    op.drop_table("imports")
