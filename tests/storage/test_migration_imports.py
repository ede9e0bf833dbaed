"""Migration 0011_imports (the `imports` table, `pump_sessions.import_id`): sessions logged
before it are kept and belong to no import; going back down keeps every session too."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from tests.storage.old_database import logged_before


def test_upgrade_and_downgrade_keep_every_session(tmp_path: Path) -> None:
    db, config, before = logged_before("0011_imports", tmp_path)

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
