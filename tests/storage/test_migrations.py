"""Alembic migrations run on SQLite and PostgreSQL, and an old database keeps its rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from bot.storage.db import Database, alembic_config
from tests.support.backends import postgres_database

FIRST = "0001"
CHATS = [
    {"id": 501, "language": "en", "timezone": "Europe/Oslo", "unit": "ml"},
    {"id": -1001234567890, "language": "nb", "timezone": "Europe/Oslo", "unit": "oz"},
]
STAMP = datetime(2026, 1, 5, 12, 0)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    if request.param == "sqlite":
        return Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    return Database(postgres_database(f"{tmp_path}-migrations"))


def test_a_first_migration_database_with_data_upgrades_intact(database: Database) -> None:
    database.upgrade(FIRST)
    with database.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO chats (id, language, timezone, unit, created_at, updated_at) "
                "VALUES (:id, :language, :timezone, :unit, :stamp, :stamp)"
            ),
            [{**chat, "stamp": STAMP} for chat in CHATS],
        )
    database.upgrade("head")
    head = ScriptDirectory.from_config(alembic_config(database.engine)).get_current_head()
    with database.engine.connect() as connection:
        version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        chats = sa.Table("chats", sa.MetaData(), autoload_with=connection)
        columns = [chats.c[name] for name in ("id", "language", "timezone", "unit", "created_at")]
        rows = connection.execute(sa.select(*columns).order_by(chats.c.id)).all()
    assert version == head != FIRST
    assert [tuple(row) for row in rows] == sorted(
        (c["id"], c["language"], c["timezone"], c["unit"], STAMP) for c in CHATS
    )
    database.dispose()


def test_the_migration_history_is_one_line() -> None:
    script = ScriptDirectory.from_config(alembic_config(sa.create_engine("sqlite://")))
    assert len(script.get_heads()) == 1
    assert [rev.revision for rev in script.walk_revisions()][-1] == FIRST
