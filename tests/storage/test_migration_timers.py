"""Migrations 0013 (session_timers) and 0014 (step_down_plans): the tables come and go, and
nothing else is lost."""

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


def test_step_down_plans_come_and_go(tmp_path: Path) -> None:
    db, config, before = logged_before("0014_step_down_plans", tmp_path)
    db.upgrade()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM step_down_plans").scalar() == 0
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    command.downgrade(config, before)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM pump_sessions").scalar() == 1
