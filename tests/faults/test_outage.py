"""Telegram's Bot API away, before the bot starts and in the middle of a reminder fan-out: the
bot keeps running, tells the outage in two lines (one WARNING when it starts, one INFO when it
ends, no traceback), and afterwards every log is stored and confirmed and every reminder sent
exactly once.

A real `python -m bot` against the fake Bot API over loopback, on the test's database (SQLite,
or PostgreSQL with PUMPBOT_TEST_BACKEND=postgresql). The outage is the fake server itself
going away (connections reset, new ones refused) for `OUTAGE` seconds of real time, and coming
back on the same port: short, to keep the test quick. What a longer outage changes is only how
long python-telegram-bot waits between tries (its backoff grows by half from 1 s up to 30 s)
and how long reminders wait, unclaimed.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.terminal.fakeapi import FakeTelegram
from tests.support.backends import database_url_for
from tests.support.fakeserver import FakeBotApiServer, FloodLimits
from tests.support.processes import (
    BENCH_TOKEN,
    LEADS,
    bot_env,
    free_port,
    start_process,
    stop_process_async,
    until,
)
from tests.support.seed import stored_logs
from tests.support.seeding import seed_plans

pytestmark = pytest.mark.slow

OUTAGE = 4.0  # seconds the API is away, after the bot noticed
TIMEOUT = 60.0
OUTAGE_STARTS = "Telegram's Bot API cannot be reached"
OUTAGE_ENDS = "Telegram's Bot API answers again"
LOUD = re.compile(r" (WARNING|ERROR|CRITICAL) ")


def log_lines_about_trouble(text: str) -> list[str]:
    """Every line at WARNING or above, and every traceback line (on PostgreSQL, taking the
    lead is told at WARNING too: that is no trouble)."""
    return [
        line
        for line in text.splitlines()
        if (LOUD.search(line) or "Traceback" in line) and LEADS not in line
    ]


def confirmed_logs(telegram: FakeTelegram, chats: range) -> int:
    return sum(
        1
        for call in telegram.calls
        if call.method == "sendMessage"
        and call.result is not None
        and call.chat_id in chats
        and call.text.startswith("✅")
    )


class Outage:
    """A fake Bot API that the test takes away and brings back on the same port."""

    def __init__(self, limits: FloodLimits | None = None) -> None:
        self.port = free_port()
        self.telegram = FakeTelegram()
        self.server = FakeBotApiServer(self.telegram, limits)
        self.up = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def come_back(self) -> None:
        await self.server.start(self.port)
        self.up = True

    async def go_away(self) -> None:
        await self.server.stop()
        self.up = False

    def send_logs(self, chats: range, ml: int) -> list[tuple[int, int]]:
        """Each chat's parent logs a session (Telegram keeps it until the bot fetches it)."""
        sent = []
        for chat_id in chats:
            update = self.telegram.message_update(chat_id, f"{ml} ml", self.telegram.user(chat_id))
            self.telegram.queue_update(update)
            sent.append((chat_id, ml))
        return sent


def start_bot(outage: Outage, database_url: str, log_path: Path) -> subprocess.Popen[bytes]:
    env = bot_env(outage.base_url, outage.file_url, database_url, LOG_LEVEL="INFO")
    return start_process(["-m", "bot"], env, log_path)


def assert_told_once_each(log_path: Path, outages: int, ended: int) -> None:
    """Each outage told in one WARNING line, each that ended in one INFO line; nothing else
    at WARNING or above, no traceback."""
    text = log_path.read_text()
    trouble = log_lines_about_trouble(text)
    print("\n".join(line for line in text.splitlines() if "Bot API" in line))
    assert text.count(OUTAGE_STARTS) == outages
    assert text.count(OUTAGE_ENDS) == ended
    assert len(trouble) == outages and all(OUTAGE_STARTS in line for line in trouble), trouble
    assert BENCH_TOKEN.split(":", 1)[1] not in text


async def test_the_api_away_at_start_keeps_the_bot_waiting_and_loses_nothing(
    tmp_path: Path,
) -> None:
    log_chats, plan_chats = range(6001, 6011), range(6101, 6111)
    database_url = database_url_for(tmp_path)
    seed_plans(database_url, plan_chats, lambda _chat: datetime.now(UTC) - timedelta(minutes=1))
    outage = Outage()
    sent = outage.send_logs(log_chats, 70)  # sent while the API was away
    log_path = tmp_path / "bot.log"
    bot = start_bot(outage, database_url, log_path)
    try:
        await until(lambda: OUTAGE_STARTS in log_path.read_text(), TIMEOUT, "the outage is told")
        await asyncio.sleep(OUTAGE)
        assert bot.poll() is None, "the bot ended while Telegram was away"
        await outage.come_back()
        await outage.telegram.wait_for(
            lambda calls: (
                confirmed_logs(outage.telegram, log_chats) >= len(sent)
                and len(outage.server.stats.accepted) >= len(log_chats) + len(plan_chats)
            ),
            TIMEOUT,
        )
    finally:
        await stop_process_async(bot)
        await outage.server.stop()
    logs = stored_logs(sa.create_engine(database_url))
    assert sorted((chat, int(ml)) for chat, _message, ml, _ in logs) == sorted(sent)
    accepted = outage.server.stats.accepted
    assert {chat: accepted[str(chat)] for chat in plan_chats} == dict.fromkeys(plan_chats, 1)
    assert_told_once_each(log_path, outages=1, ended=1)


async def test_the_api_away_mid_fanout_loses_and_doubles_no_reminder_and_no_log(
    tmp_path: Path,
) -> None:
    log_chats, plan_chats = range(6201, 6211), range(6301, 6421)  # 120 reminders: about 4 s
    database_url = database_url_for(tmp_path)
    seed_plans(database_url, plan_chats, lambda _chat: datetime.now(UTC))  # owed at start
    outage = Outage(FloodLimits())
    await outage.come_back()
    log_path = tmp_path / "bot.log"
    bot = start_bot(outage, database_url, log_path)
    accepted: Counter[str] = outage.server.stats.accepted
    try:
        await outage.telegram.wait_for(lambda _calls: len(accepted) >= 30, TIMEOUT)
        await outage.go_away()
        at_outage = len(accepted)
        sent = outage.send_logs(log_chats, 80)  # sent while the API is away
        await until(lambda: OUTAGE_STARTS in log_path.read_text(), TIMEOUT, "the outage is told")
        await asyncio.sleep(OUTAGE)
        assert bot.poll() is None
        await outage.come_back()
        await outage.telegram.wait_for(
            lambda calls: (
                confirmed_logs(outage.telegram, log_chats) >= len(sent)
                and len(accepted) >= len(plan_chats) + len(log_chats)
            ),
            TIMEOUT,
        )
        # Away again, and the bot is stopped meanwhile: python-telegram-bot's last getUpdates
        # fails too, and that is no news either.
        await outage.go_away()
        await until(lambda: log_path.read_text().count(OUTAGE_STARTS) == 2, TIMEOUT, "told again")
    finally:
        await stop_process_async(bot)  # a clean stop: anything doubled has arrived
        await outage.server.stop()
    print(f"the API went away after {at_outage} of {len(plan_chats)} reminders")
    assert at_outage < len(plan_chats)
    assert {chat: accepted[str(chat)] for chat in plan_chats} == dict.fromkeys(plan_chats, 1)
    logs = stored_logs(sa.create_engine(database_url))
    assert sorted((chat, int(ml)) for chat, _message, ml, _ in logs) == sorted(sent)
    assert_told_once_each(log_path, outages=2, ended=1)
