"""Migration 0012 (chats.day_start_min): existing chats keep midnight, and nothing is lost
going up or down."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from bot.domain.chats import ChatSettings
from bot.domain.daybook import MIDNIGHT
from bot.storage.repo import ChatRepo
from tests.storage.old_database import logged_before


def test_upgrade_and_downgrade_keep_every_chat_and_session(tmp_path: Path) -> None:
    db, config, before = logged_before("0012_day_start", tmp_path)

    db.upgrade()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT day_start_min FROM chats").all() == [(0,)]
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    with db.session() as session:
        chat = ChatRepo(session).get(1)
        assert chat is not None and ChatSettings.of(chat).day_start == MIDNIGHT

    command.downgrade(config, before)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM chats").scalar() == 1
        assert connection.exec_driver_sql("SELECT count(*) FROM pump_sessions").scalar() == 1
