"""Stopping a bot in the middle of a reminder fan-out, then starting it again on the same
database: no reminder is sent twice.

A real `python -m bot` against the fake Bot API over loopback (with Telegram's flood limits),
on the test's database (SQLite, or PostgreSQL with PUMPBOT_TEST_BACKEND=postgresql). Every plan
is owed a reminder when the bot starts, so it fans out at once.

- `kill -9` after a third: the restarted bot sends what was claimed but never handed over, and
  logs how many were on the wire; only those may be lost.
- A clean stop (SIGINT, as Ctrl-C and `systemctl stop` send): the bot exits within seconds
  rather than sending the whole fan-out first, and the restart sends the rest, each once.
"""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.backends import database_url_for
from tests.support.fakeserver import FakeBotApiServer, FloodLimits
from tests.support.processes import (
    BENCH_TOKEN,
    bot_env,
    on_the_wire,
    start_process,
    stop_process_async,
)
from tests.support.seeding import seed_plans

pytestmark = pytest.mark.slow  # starts real bot processes

TIMEOUT = 90.0


class FanOut:
    """`chats` plans owed a reminder, a fake server with Telegram's limits, and bot processes
    started on the test's database."""

    def __init__(self, tmp_path: Path, chats: range) -> None:
        self.tmp_path = tmp_path
        self.chats = chats
        self.database_url = database_url_for(tmp_path)
        due = datetime.now(UTC) - timedelta(minutes=1)  # owed at start: it fans out at once
        seed_plans(self.database_url, chats, lambda _chat: due)
        self.processes: list[subprocess.Popen[bytes]] = []

    async def __aenter__(self) -> FanOut:
        self.server = await FakeBotApiServer(limits=FloodLimits()).start()
        self.env = bot_env(
            self.server.base_url, self.server.file_url, self.database_url, LOG_LEVEL="INFO"
        )
        return self

    async def __aexit__(self, *_exc: object) -> None:
        for process in self.processes:
            await stop_process_async(process)  # a clean stop: anything doubled has arrived
        await self.server.stop()

    @property
    def accepted(self) -> Counter[str]:
        return self.server.stats.accepted

    def start(self, log_name: str) -> subprocess.Popen[bytes]:
        process = start_process(["-m", "bot"], self.env, self.tmp_path / log_name)
        self.processes.append(process)
        return process

    async def until(self, reminders: int) -> None:
        """Until the server accepted reminders in this many chats."""
        await self.server.telegram.wait_for(lambda _calls: len(self.accepted) >= reminders, TIMEOUT)


async def test_kill_9_mid_fanout_doubles_none_and_loses_at_most_those_on_the_wire(
    tmp_path: Path,
) -> None:
    chats = range(7001, 7091)  # 90 reminders: about three seconds at 29 a second
    async with FanOut(tmp_path, chats) as fanout:
        first = fanout.start("first.log")
        await fanout.until(len(chats) // 3)
        await stop_process_async(first, kill=True)
        at_kill = len(fanout.accepted)
        assert at_kill < len(chats), "the kill came after the fan-out"
        fanout.start("second.log")
        second_log = tmp_path / "second.log"
        await fanout.server.telegram.wait_for(
            lambda _calls: "Reminder jobs rebuilt" in second_log.read_text(), TIMEOUT
        )
        wire = on_the_wire(second_log.read_text())
        await fanout.until(len(chats) - wire)
    accepted = fanout.accepted
    lost = [chat for chat in chats if accepted[str(chat)] == 0]
    doubled = {chat: count for chat, count in accepted.items() if count > 1}
    print(f"killed after {at_kill} of {len(chats)}: {wire} on the wire, {len(lost)} lost")
    assert doubled == {}
    assert len(lost) <= wire
    assert wire <= 8  # at most the reminders in flight at once (DELIVERING_AT_ONCE)
    for log in ("first.log", "second.log"):
        assert BENCH_TOKEN.split(":", 1)[1] not in (tmp_path / log).read_text()


async def test_a_stop_mid_fanout_is_quick_and_the_restart_sends_the_rest_once(
    tmp_path: Path,
) -> None:
    chats = range(8001, 8301)  # 300 reminders: about ten seconds at 29 a second
    async with FanOut(tmp_path, chats) as fanout:
        first = fanout.start("first.log")
        await fanout.until(50)
        asked = time.monotonic()
        await stop_process_async(first)  # SIGINT, then wait for it to exit
        stopping = time.monotonic() - asked
        at_stop = len(fanout.accepted)
        fanout.start("second.log")
        await fanout.until(len(chats))
    assert stopping < 5.0  # the rest of the fan-out alone would take about 8 s
    assert at_stop < len(chats) - 100  # and it was left to the restart
    assert [chat for chat in chats if fanout.accepted[str(chat)] != 1] == []  # each exactly once
