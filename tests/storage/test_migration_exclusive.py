"""Migration 0006 (chats.exclusive_pumping): existing chats default to no, and nothing is lost
going up or down."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from tests.storage.old_database import logged_before


def test_upgrade_and_downgrade_keep_every_chat_and_session(tmp_path: Path) -> None:
    db, config, before = logged_before("0006", tmp_path)

    db.upgrade()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT exclusive_pumping FROM chats").all() == [(0,)]
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []

    # Batch mode would copy and drop `chats`, and the cascade would take every session with it.
    command.downgrade(config, before)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM chats").scalar() == 1
        assert connection.exec_driver_sql("SELECT count(*) FROM pump_sessions").scalar() == 1
