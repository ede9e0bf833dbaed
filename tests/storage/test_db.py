"""The database: SQLite in WAL mode with foreign keys, migrations from the first table on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

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


async def test_writes_that_come_together_share_a_transaction_and_keep_their_own_errors(
    tmp_path: Path,
) -> None:
    """`work_together`: logs' last writes asked for while one transaction is under way go
    together in the next; one that fails leaves the others written."""
    db = Database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    db.upgrade()
    moment = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)
    with db.session() as session:
        ChatRepo(session).get_or_create(1, language="en", timezone="Europe/Oslo")
    transactions = 0

    def begun(_connection: object) -> None:
        nonlocal transactions
        transactions += 1

    def log(minutes: int) -> Callable[[Session], int]:
        def write(session: Session) -> int:
            entry = PumpSession(
                chat_id=1, started_at=moment + timedelta(minutes=minutes), total_ml=minutes
            )
            SessionRepo(session, 1).add(entry)
            return minutes

        return write

    def broken(_session: Session) -> int:
        raise ValueError("this one fails")

    sa.event.listen(db.engine, "begin", begun)
    try:
        writes = [log(10), log(20), broken, log(30)]
        results = await asyncio.gather(
            *(db.work_together(write) for write in writes), return_exceptions=True
        )
        with_a_failure = transactions
        transactions = 0
        await asyncio.gather(*(db.work_together(log(m)) for m in (40, 50, 60, 70)))
    finally:
        sa.event.remove(db.engine, "begin", begun)
        db.dispose()
    assert results[:2] == [10, 20] and results[3] == 30
    assert isinstance(results[2], ValueError)
    # The four asked for at once went together, rolled back as one failed, then one by one
    # (the failing one fails before it writes, so it begins no transaction).
    assert with_a_failure == 1 + 3
    assert transactions == 1  # four writes, one transaction
    with db.session() as session:
        stored = SessionRepo(session, 1).between(moment, moment + timedelta(hours=2))
        assert sorted(s.total_ml for s in stored) == [10, 20, 30, 40, 50, 60, 70]
