"""Two bot processes on one PostgreSQL database: one leads and sends the reminders; killed with
SIGKILL in the middle of a fan-out, the other takes over within seconds, and no reminder is sent
twice. Only a request on the wire at the kill may be lost, and the new leader counts those.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.backends import postgres_database, require_postgres
from tests.support.fakeserver import FakeBotApiServer, FloodLimits
from tests.support.processes import (
    FOLLOWS,
    LEADS,
    bot_env,
    on_the_wire,
    start_process,
    stop_process_async,
)
from tests.support.seeding import bring_forward, seed_plans

pytestmark = pytest.mark.slow  # two bot processes on PostgreSQL

CHATS = 120  # about four seconds of sending at 29 a second
FIRST_CHAT = 9_000
TAKEOVER_LIMIT = 15.0


async def until(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def test_the_leader_dies_mid_fanout_and_the_other_takes_over_sending_none_twice(
    tmp_path: Path,
) -> None:
    require_postgres()
    url = postgres_database(f"{tmp_path}-two-instances")
    chats = range(FIRST_CHAT, FIRST_CHAT + CHATS)
    seed_plans(url, chats, lambda _chat: datetime.now(UTC) + timedelta(hours=1))
    server = await FakeBotApiServer(limits=FloodLimits()).start()
    env = bot_env(server.base_url, server.file_url, url, LOG_LEVEL="INFO")
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    processes = [start_process(["-m", "bot"], env, log) for log in logs]
    accepted = server.stats.accepted
    try:

        def roles() -> list[str]:
            return [log.read_text() for log in logs]

        await until(
            lambda: all(LEADS in text or FOLLOWS in text for text in roles()), 30, "both up"
        )
        bring_forward(url, chats, datetime.now(UTC) + timedelta(seconds=1))
        leaders = [i for i, text in enumerate(roles()) if LEADS in text]
        assert len(leaders) == 1, "exactly one instance leads"
        leader, follower = leaders[0], 1 - leaders[0]
        await until(lambda: len(accepted) >= CHATS // 3, 60, "a third of the reminders")
        await stop_process_async(processes[leader], kill=True)
        killed_at = time.monotonic()
        sent_before_kill = len(accepted)
        assert sent_before_kill < CHATS, "the kill came after the fan-out"
        await until(lambda: LEADS in logs[follower].read_text(), TAKEOVER_LIMIT, "a takeover")
        takeover = time.monotonic() - killed_at
        await until(
            lambda: len(accepted) + on_the_wire(logs[follower].read_text()) >= CHATS,
            60,
            "the rest of the reminders",
        )
        await asyncio.sleep(2.0)  # a duplicate would come within moments of the original
    finally:
        for process in processes:
            await stop_process_async(process)
        await server.stop()
    assert takeover < TAKEOVER_LIMIT
    wire = on_the_wire(logs[follower].read_text())
    lost = [chat for chat in chats if accepted[str(chat)] == 0]
    doubled = {chat: n for chat, n in accepted.items() if n > 1}
    assert doubled == {}, f"sent more than once: {doubled}"
    assert len(lost) <= wire <= 8, f"lost {len(lost)}, {wire} on the wire"
    assert len(accepted) > sent_before_kill, "the new leader sent the rest"
    for log in logs:
        assert env["BOT_TOKEN"] not in log.read_text()
