"""The database: SQLite in WAL mode with foreign keys, migrations from the first table on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bot.storage.db import Database
from bot.storage.models import PumpSession
from bot.storage.repo import (
    ChatRepo,
    NudgeRepo,
    PlanRepo,
    SessionRepo,
    TimerRepo,
    read_chat_rows,
)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    db.upgrade()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert {"chats", "pump_sessions"} <= set(sa.inspect(db.engine).get_table_names())


def test_times_come_back_aware_in_utc_and_chats_stay_apart(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    db.upgrade()
    moment = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    with db.session() as session:
        for chat_id in (1, 2):
            ChatRepo(session).get_or_create(chat_id, language="en", timezone="Europe/Oslo")
        SessionRepo(session, 1).add(PumpSession(chat_id=1, started_at=moment, total_ml=100))
    with db.session() as session:
        mine = SessionRepo(session, 1).latest()
        assert mine is not None and mine.started_at == moment
        assert SessionRepo(session, 2).latest() is None
        assert SessionRepo(session, 2).get(mine.id or 0) is None


def test_a_chats_rows_read_together_follow_writes_in_the_same_unit_of_work(
    tmp_path: Path,
) -> None:
    """`read_chat_rows` answers the repositories' gets; a row added or deleted later in the
    same session is read again, not taken from what was read before."""
    db = Database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    db.upgrade()
    moment = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)
    with db.session() as session:
        assert read_chat_rows(session, 1).chat is None
        chat = ChatRepo(session).get_or_create(1, language="en", timezone="Europe/Oslo")
        assert read_chat_rows(session, 1).chat is chat
        assert TimerRepo(session, 1).get() is None
        timer = TimerRepo(session, 1).start(moment)
        assert TimerRepo(session, 1).get() is timer
        assert NudgeRepo(session, 1).get() is None
        state = NudgeRepo(session, 1).mark_sent("few_sessions", moment)
        assert read_chat_rows(session, 1).nudges is state
        TimerRepo(session, 1).delete()
        assert TimerRepo(session, 1).get() is None
        assert PlanRepo(session).get(1) is None
        plan = PlanRepo(session).get_or_create(1)
        assert PlanRepo(session).get(1) is plan
    with db.session() as session:
        rows = read_chat_rows(session, 1)
        assert rows.chat is not None and rows.timer is None and rows.step_down is None
        assert rows.nudges is not None and rows.plan is not None


def test_a_message_is_inserted_once_and_recent_sessions_answer_as_the_queries_do(
    tmp_path: Path,
) -> None:
    """`insert_once` writes a message's session once; the recent sessions read for a typed log
    give what `between` and `latest` give, and a write forgets them."""
    db = Database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    db.upgrade()
    now = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)
    hour = timedelta(hours=1)
    with db.session() as session:
        for chat_id in (1, 2):
            ChatRepo(session).get_or_create(chat_id, language="en", timezone="UTC")
        SessionRepo(session, 2).add(PumpSession(chat_id=2, started_at=now, total_ml=500))
        repo = SessionRepo(session, 1)
        for hours_ago in (200, 30, 3):
            repo.add(PumpSession(chat_id=1, started_at=now - hours_ago * hour, total_ml=100))
        entry = PumpSession(chat_id=1, started_at=now, total_ml=90, source_message_id=7)
        assert repo.insert_once(entry) and entry.id is not None
        again = PumpSession(chat_id=1, started_at=now, total_ml=90, source_message_id=7)
        assert not repo.insert_once(again) and again.id is None
        repo.read_recent(now - 48 * hour)
        assert [s.total_ml for s in repo.amounts(now - 24 * hour, now + hour)] == [100, 90]
        before = repo.amounts_before(now)
        assert before is not None and before.started_at == now - 3 * hour
        far_back = repo.amounts_before(now - 30 * hour)  # older than what was read: a query
        assert far_back is not None and far_back.started_at == now - 200 * hour
        assert repo.last_started_at() == now
        assert SessionRepo(session, 2).amounts(now - hour, now + hour)[0].total_ml == 500
        repo.add(PumpSession(chat_id=1, started_at=now + hour, total_ml=10))
        assert repo.last_started_at() == now + hour  # the write forgot what was read
    with db.session() as session:
        assert SessionRepo(session, 1).count() == 5
