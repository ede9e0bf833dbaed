"""Logs under load: how soon is a parent's log confirmed while 3,000 reminders fan out, and while
one chat keeps drawing 30-day charts?

The bot runs as in production against the fake server with Telegram's flood limits. Forty
parents (chats of their own, no reminder plan) log at a steady 4 a second in all; the latency
is from the log reaching the server to its confirmation being accepted there.

- **alone**: the logs and nothing else, the baseline.
- **fan-out**: 3,000 other chats are owed a reminder at the same moment; the logs start with
  the fan-out and end before it does, so every one competes with reminders for Telegram's 30
  messages a second.
- **chart**: one more chat, with a year of logs, asks for `/chart 30` again as soon as the last
  chart arrived (waiting out Telegram's one message a second per chat), so a chart is being
  drawn most of the time. A first chart, before the logs start, starts the process that
  draws charts.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bot.storage.db import Database
from bot.storage.models import Chat, PumpSession
from bot.terminal.fakeapi import ApiCall, FakeTelegram
from tests.support.fakeserver import FakeBotApiServer, FloodLimits
from tests.support.processes import bot_env, start_process, stop_process_async
from tests.support.seeding import seed_plans

LOG_CHATS = range(9_000_001, 9_000_041)
RATE = 4.0  # logs a second, all parents together
CHART_CHAT = 9_100_000
FANOUT_CHATS = 3000
FANOUT_FIRST = 2_000_000
LEAD = timedelta(seconds=15)


@dataclass
class ContentionResult:
    name: str
    logs: int
    confirmed: int
    p50_ms: float
    p99_ms: float
    charts: int = 0
    reminders: int = 0
    rejected_429: int = 0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def seed_chart_chat(database_url: str, now: datetime) -> None:
    """A year of logs, eight a day, for the chart chat."""
    db = Database(database_url)
    try:
        db.upgrade()
        chats = Chat.__table__  # type: ignore[attr-defined]
        sessions = PumpSession.__table__  # type: ignore[attr-defined]
        first = now - timedelta(days=365)
        rows = [
            {
                "chat_id": CHART_CHAT,
                "started_at": first + timedelta(hours=3 * i, minutes=(i * 37) % 50),
                "left_ml": 40 + (i * 7) % 50,
                "right_ml": 45 + (i * 11) % 50,
                "total_ml": 85 + (i * 7) % 50 + (i * 11) % 50,
                "duration_min": 15,
                "method": "pump",
                "created_at": now,
            }
            for i in range(365 * 8)
        ]
        with db.engine.begin() as connection:
            connection.execute(
                sa.insert(chats),
                [
                    {
                        "id": CHART_CHAT,
                        "language": "en",
                        "timezone": "Europe/Oslo",
                        "unit": "ml",
                        "exclusive_pumping": True,
                        "created_at": now,
                        "updated_at": now,
                    }
                ],
            )
            connection.execute(sa.insert(sessions), rows)
    finally:
        db.dispose()


async def measure(name: str, workdir: Path, duration: float) -> ContentionResult:
    database_url = f"sqlite:///{workdir / (name + '.sqlite3')}"
    now = datetime.now(UTC)
    due = now.replace(microsecond=0) + LEAD
    if name == "fan-out":
        fanout = range(FANOUT_FIRST, FANOUT_FIRST + FANOUT_CHATS)
        seed_plans(database_url, fanout, lambda _chat: due)
    if name == "chart":
        seed_chart_chat(database_url, now)
    server = await FakeBotApiServer(limits=FloodLimits()).start()
    telegram = server.telegram
    confirmed_at: dict[int, list[float]] = {}
    charts: list[float] = []
    reminders = 0

    def on_call(call: ApiCall) -> None:
        nonlocal reminders
        chat = call.chat_id
        if call.method == "sendMessage" and chat in LOG_CHATS and call.text.startswith("✅"):
            confirmed_at.setdefault(chat, []).append(time.monotonic())
        elif call.method == "sendPhoto" and chat == CHART_CHAT:
            charts.append(time.monotonic())
        elif call.method == "sendMessage" and chat is not None and chat >= FANOUT_FIRST:
            reminders += 1

    telegram.listeners.append(on_call)
    env = bot_env(server.base_url, server.file_url, database_url)
    process = start_process(["-m", "bot"], env, workdir / f"{name}.log")
    sent_at: dict[int, list[float]] = {}
    try:
        await telegram.wait_for(lambda calls: any(c.method == "getUpdates" for c in calls), 60)
        if name == "fan-out":  # the logs start with the reminders
            await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
        chart_task = None
        if name == "chart":
            # A first chart starts the drawing process (and imports matplotlib there): the
            # measure is of the steady state.
            chart = telegram.message_update(CHART_CHAT, "/chart 30", telegram.user(CHART_CHAT))
            telegram.queue_update(chart)
            await telegram.wait_for(lambda calls: any(c.method == "sendPhoto" for c in calls), 120)
            await asyncio.sleep(1.0)
            charts.clear()
            chart_task = asyncio.create_task(ask_for_charts(telegram, charts))
        start = time.monotonic()
        count = int(duration * RATE)
        for i in range(count):
            await asyncio.sleep(max(0.0, start + i / RATE - time.monotonic()))
            chat_id = LOG_CHATS[i % len(LOG_CHATS)]
            user = telegram.user(chat_id, "en")
            telegram.queue_update(telegram.message_update(chat_id, f"{60 + i % 90} ml", user))
            sent_at.setdefault(chat_id, []).append(time.monotonic())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and sum(map(len, confirmed_at.values())) < count:
            await asyncio.sleep(0.05)
        if chart_task is not None:
            chart_task.cancel()
    finally:
        await stop_process_async(process)
        await server.stop()
    latencies = [
        (confirmed - sent) * 1000
        for chat, times in sent_at.items()
        for sent, confirmed in zip(times, confirmed_at.get(chat, []), strict=False)
    ]
    return ContentionResult(
        name=name,
        logs=count,
        confirmed=sum(map(len, confirmed_at.values())),
        p50_ms=statistics.median(latencies) if latencies else float("nan"),
        p99_ms=percentile(latencies, 0.99) if latencies else float("nan"),
        charts=len(charts),
        reminders=reminders,
        rejected_429=server.stats.rejected_429,
    )


async def ask_for_charts(telegram: FakeTelegram, charts: list[float]) -> None:
    """`/chart 30` again as soon as the last chart arrived and a second has passed."""
    user = telegram.user(CHART_CHAT, "en")
    while True:
        seen = len(charts)
        telegram.queue_update(telegram.message_update(CHART_CHAT, "/chart 30", user))
        while len(charts) == seen:
            await asyncio.sleep(0.01)
        await asyncio.sleep(1.0)  # Telegram allows one message a second per chat


async def run(duration: float = 60.0) -> list[ContentionResult]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        return [await measure(name, workdir, duration) for name in ("alone", "fan-out", "chart")]
