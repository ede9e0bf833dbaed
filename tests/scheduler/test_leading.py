"""Two instances on one PostgreSQL database, in one process: a plan changed at the follower is
armed by the leader (told by NOTIFY), the follower arming nothing itself; a burst of such
changes is armed in one pass."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.terminal.fakeapi import FakeTelegram
from scheduler.delivery import job_name
from scheduler.leading import watch
from tests.support.backends import postgres_database, require_postgres
from tests.support.kit import PARENT_CHAT, BotHarness

pytestmark = pytest.mark.slow  # PostgreSQL only

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
OTHER_PARENTS = range(5_000, 5_040)


def job_time(bot: BotHarness, chat_id: int = PARENT_CHAT) -> datetime | None:
    jobs = bot.app.job_queue.get_jobs_by_name(job_name(chat_id))
    return jobs[0].job.trigger.run_date if jobs else None


async def until_armed(leader: BotHarness, chats: list[int]) -> bool:
    """The leader's watch, as its one-second job runs it, until every chat has its job (a
    notification reaches the leader's connection within milliseconds)."""
    for _ in range(100):
        await watch(leader.app)
        if all(job_time(leader, chat) is not None for chat in chats):
            return True
        await asyncio.sleep(0.02)
    return False


async def test_plans_changed_at_a_follower_are_armed_by_the_leader(tmp_path: Path) -> None:
    require_postgres()
    url = postgres_database(f"{tmp_path}-leading")
    clock = FakeClock(START)
    telegram = FakeTelegram()
    leader = await BotHarness(tmp_path / "a", clock, telegram, database_url=url).start()
    follower = await BotHarness(tmp_path / "b", clock, telegram, database_url=url).start()
    try:
        assert leader.services.leadership.leading
        assert not follower.services.leadership.leading
        reply = await follower.say("/remind every 2h")
        assert reply.text.startswith("Reminders on.")
        for chat in OTHER_PARENTS:  # a burst of changes, read by the leader in one go
            await follower.say("/remind every 3h", chat_id=chat)
        assert job_time(follower) is None  # the follower sends no reminders
        assert await until_armed(leader, [PARENT_CHAT, *OTHER_PARENTS])
        assert job_time(leader) == START + timedelta(hours=2)
        assert job_time(leader, OTHER_PARENTS[-1]) == START + timedelta(hours=3)
    finally:
        await follower.stop()
        await leader.stop()
