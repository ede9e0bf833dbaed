"""Migration 0012 (chats.babies): existing chats count as one baby, not yet asked, and
nothing is lost going up or down."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from bot.domain.chats import ChatSettings
from bot.storage.repo import ChatRepo
from tests.storage.old_database import logged_before


def test_an_existing_chat_counts_one_baby_and_is_asked_later(tmp_path: Path) -> None:
    db, config, before = logged_before("0012_babies", tmp_path)

    db.upgrade()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT babies FROM chats").all() == [(None,)]
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    with db.session() as session:
        chat = ChatRepo(session).get(1)
        assert chat is not None
        settings = ChatSettings.of(chat)
    assert (settings.babies, settings.babies_asked) == (1, False)

    command.downgrade(config, before)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM chats").scalar() == 1
        assert connection.exec_driver_sql("SELECT count(*) FROM pump_sessions").scalar() == 1
    db.dispose()
