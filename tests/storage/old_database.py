"""An old database for migration tests: SQLite just before a given revision, holding what a
parent had logged by then (one chat and one session)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from alembic.config import Config
from alembic.script import ScriptDirectory

from bot.storage.db import Database, alembic_config


class OldDatabase(NamedTuple):
    db: Database
    config: Config  # for `alembic.command.downgrade(config, before)`
    before: str  # the revision just before the one under test


def logged_before(revision: str, tmp_path: Path) -> OldDatabase:
    """A database at the revision before `revision`, with chat 1 (nb, Europe/Oslo, ml) and
    one 120 ml pump session it logged."""
    db = Database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    config = alembic_config(db.engine)
    before = ScriptDirectory.from_config(config).get_revision(revision).down_revision
    assert isinstance(before, str)
    db.upgrade(before)
    # Raw SQL: the models describe the newest schema, not this one.
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
    return OldDatabase(db, config, before)
