"""Migration 0011_imports (the `imports` table, `pump_sessions.import_id`): sessions logged
before it are kept and belong to no import; going back down keeps every session too."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from bot.storage.db import Database, alembic_config


def test_upgrade_and_downgrade_keep_every_session(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    config = alembic_config(db.engine)
    before = ScriptDirectory.from_config(config).get_revision("0011_imports").down_revision
    assert isinstance(before, str)
    db.upgrade(before)
    with db.engine.begin() as connection:
        now = datetime(2026, 3, 10, 9, tzinfo=UTC).replace(tzinfo=None)
        connection.exec_driver_sql(
            "INSERT INTO chats (id, language, timezone, unit, created_at, updated_at) "
            "VALUES (1, 'nb', 'Europe/Oslo', 'ml', ?, ?)",
            (now, now),
        )
        connection.exec_driver_sql(
            "INSERT INTO pump_sessions (chat_id, started_at, total_ml, method, created_at) "
            "VALUES (1, ?, 120, 'pump', ?)",
            (now, now),
        )

    db.upgrade()
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT total_ml, import_id FROM pump_sessions").all()
        assert rows == [(120, None)]
        assert connection.exec_driver_sql("SELECT count(*) FROM imports").scalar() == 0
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []

    command.downgrade(config, before)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM pump_sessions").scalar() == 1
        assert connection.exec_driver_sql("SELECT count(*) FROM chats").scalar() == 1
