"""Migration 0013 (session_timers): the table comes and goes, and nothing else is lost."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from tests.storage.old_database import logged_before


def test_upgrade_and_downgrade_keep_every_chat_and_session(tmp_path: Path) -> None:
    db, config, before = logged_before("0013_session_timers", tmp_path)
    db.upgrade()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM session_timers").scalar() == 0
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    command.downgrade(config, before)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM pump_sessions").scalar() == 1
