"""Two bot processes on one PostgreSQL database: each reminder is sent once, even when one dies.

Both instances rebuild every plan's job from the database at start, so both try every reminder;
the claim in `scheduler.delivery` (a conditional UPDATE on the plan's due time) lets exactly one
of them send it. One instance is killed with SIGKILL in the middle of the burst, between two due
times; the other delivers the rest.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage.db import Database
from bot.storage.models import Chat, ReminderPlan, Unit
from tests.support.backends import postgres_database, require_postgres
from tests.support.fakeserver import FakeBotApiServer
from tests.support.processes import bot_env, start_process, stop_process

CHATS = 16
SPACING = timedelta(milliseconds=300)
READY_LINE = "Reminder jobs rebuilt from the database"


def seed_plans(db: Database, first_due: datetime) -> dict[int, datetime]:
    """Chats on a 3-hour plan whose reminders fall due one after another from `first_due`."""
    due_times: dict[int, datetime] = {}
    with db.session() as session:
        for index in range(CHATS):
            chat_id = 9_000 + index
            due = first_due + index * SPACING
            session.add(Chat(id=chat_id, language="en", timezone="Europe/Oslo", unit=Unit.ML))
            session.flush()
            session.add(
                ReminderPlan(
                    chat_id=chat_id,
                    enabled=True,
                    preset="established",
                    kind="interval",
                    interval_min=180,
                    night_start=None,
                    night_end=None,
                    timezone="Europe/Oslo",
                    counted_from=due - timedelta(hours=3),
                    next_due_at=due,
                )
            )
            due_times[chat_id] = due
    return due_times


async def until(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_two_instances_send_each_reminder_exactly_once(tmp_path: Path) -> None:
    require_postgres()
    url = postgres_database(f"{tmp_path}-two-instances")
    db = Database(url)
    db.upgrade()
    server = await FakeBotApiServer().start()
    env = bot_env(server.base_url, server.file_url, url, LOG_LEVEL="INFO")
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    first_due = datetime.now(UTC) + timedelta(seconds=6)
    due_times = seed_plans(db, first_due)
    processes = [start_process(["-m", "bot"], env, log) for log in logs]
    accepted = server.stats.accepted
    try:
        await until(
            lambda: all(READY_LINE in log.read_text() for log in logs), 30, "both instances"
        )
        assert datetime.now(UTC) < first_due, "the instances took too long to start"
        # Kill the first instance halfway, between two due times (not while it sends).
        half = CHATS // 2
        await until(lambda: len(accepted) >= half, 30, "the first half of the reminders")
        kill_at = first_due + (half + 0.5) * SPACING
        await asyncio.sleep(max(0.0, (kill_at - datetime.now(UTC)).total_seconds()))
        stop_process(processes[0], kill=True)
        delivered_before_kill = sum(accepted.values())
        assert delivered_before_kill < CHATS
        await until(lambda: len(accepted) >= CHATS, 30, "every reminder")
        # A duplicate would come within moments of the original; give it the time to show.
        await asyncio.sleep(2 * SPACING.total_seconds())
    finally:
        for process in processes:
            stop_process(process)
        await server.stop()
        db.dispose()
    assert {int(chat) for chat in accepted} == set(due_times)
    assert set(accepted.values()) == {1}, f"sent more than once: {dict(accepted)}"
    for log in logs:
        assert env["BOT_TOKEN"] not in log.read_text()
