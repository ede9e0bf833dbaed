"""Fan-out: thousands of reminders fall due in the same minute. How fast do they go out, and
does every parent get exactly one?

The database holds N chats, each with an interval plan owed a reminder at the same moment, a
little after the bot has started. The bot runs as in production (polling, python-telegram-bot's
rate limiter) against the fake server, which enforces Telegram's flood limits with 429s and
counts the messages it accepts per chat: a chat with none lost its reminder, a chat with two got
a duplicate.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.fakeserver import FakeBotApiServer, FloodLimits
from tests.support.processes import bot_env, start_process, stop_process_async
from tests.support.seeding import seed_plans

FIRST_CHAT = 2_000_000
LEAD = timedelta(seconds=15)  # the bot is up and waiting well before the reminders fall due
QUIET_AFTER = 5.0  # seconds without a message once every chat has one: late duplicates show


@dataclass
class FanoutResult:
    chats: int
    delivered: int
    per_second: float
    to_last_seconds: float
    rejected_429: int
    lost: int
    duplicated: int


async def run(chats: int = 3000) -> FanoutResult:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_url = f"sqlite:///{workdir / 'fanout.sqlite3'}"
        due = datetime.now(UTC).replace(microsecond=0) + LEAD
        chat_ids = [str(chat) for chat in range(FIRST_CHAT, FIRST_CHAT + chats)]
        seed_plans(database_url, map(int, chat_ids), lambda _chat: due)
        due_monotonic = time.monotonic() + (due - datetime.now(UTC)).total_seconds()
        server = await FakeBotApiServer(limits=FloodLimits()).start()
        stats = server.stats
        env = bot_env(server.base_url, server.file_url, database_url, LOG_LEVEL="INFO")
        process = start_process(["-m", "bot"], env, workdir / "fanout.log")
        # Generous: at 20 messages a second the last one goes out after chats / 20 s.
        deadline = due_monotonic + chats / 20 + 60
        try:
            while time.monotonic() < deadline:
                await asyncio.sleep(0.2)
                everyone = all(stats.accepted[chat] for chat in chat_ids)
                last = stats.last_accept or 0.0
                if everyone and time.monotonic() - last > QUIET_AFTER:
                    break
        finally:
            await stop_process_async(process)
            await server.stop()
    delivered = sum(stats.accepted[chat] for chat in chat_ids)
    first, last = stats.first_accept or 0.0, stats.last_accept or 0.0
    return FanoutResult(
        chats=chats,
        delivered=delivered,
        per_second=(delivered - 1) / (last - first) if last > first else 0.0,
        to_last_seconds=last - due_monotonic,
        rejected_429=stats.rejected_429,
        lost=sum(1 for chat in chat_ids if stats.accepted[chat] == 0),
        duplicated=sum(1 for chat in chat_ids if stats.accepted[chat] > 1),
    )
