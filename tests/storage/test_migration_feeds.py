"""Migrations 0015_feeds and 0016_family_links (bottle feeds, what each took, family links and
codes): a database from before them keeps its log, the schema matches the models, and going
back down keeps every session too."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from tests.storage.old_database import logged_before


def test_upgrade_and_downgrade_keep_every_session(tmp_path: Path) -> None:
    db, config, before = logged_before("0015_feeds", tmp_path)

    db.upgrade()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT total_ml FROM pump_sessions").all() == [(120,)]
        for table in ("feeds", "feed_takes", "chat_links", "link_codes"):
            assert connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []

    command.downgrade(config, before)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM pump_sessions").scalar() == 1
        tables = {
            name
            for (name,) in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        }
        assert not tables & {"feeds", "feed_takes", "chat_links", "link_codes"}
