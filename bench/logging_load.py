"""Logging load: many parents log at once; how fast and how soon does each get a confirmation?

Messages are offered at a steady rate that keeps within Telegram's limits (each chat at most one a
second, all chats together below 30 a second), so the fake server's 429s don't decide the result.
The same load is offered to a bare python-telegram-bot echo bot as the baseline.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.fakeserver import FakeBotApiServer, FloodLimits
from tests.support.processes import bot_env, start_process, stop_process_async

LOG_TEXTS = ["L 60 R 70 20min", "120 ml", "pumpet 90 ml", "v 50 h 55 15 min", "begge 140"]


@dataclass
class LoadResult:
    name: str
    messages: int
    replies: int
    per_second: float
    p50_ms: float
    p99_ms: float


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def offer_load(
    args: list[str], name: str, chats: int, messages: int, rate: float, workdir: Path
) -> LoadResult:
    server = await FakeBotApiServer(limits=FloodLimits()).start()
    telegram = server.telegram
    env = bot_env(server.base_url, server.file_url, f"sqlite:///{workdir / (name + '.sqlite3')}")
    process = start_process(args, env, workdir / f"{name}.log")
    sent_at: dict[str, list[float]] = {}
    try:
        await telegram.wait_for(lambda calls: any(c.method == "getUpdates" for c in calls), 60)
        start = time.monotonic()
        for i in range(messages):
            chat_id = 10_000 + i % chats
            await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
            user = telegram.user(chat_id, "en" if i % 2 else "nb")
            text = LOG_TEXTS[i % len(LOG_TEXTS)]
            telegram.queue_update(telegram.message_update(chat_id, text, user))
            sent_at.setdefault(str(chat_id), []).append(time.monotonic())
        deadline = time.monotonic() + 60
        while sum(server.stats.accepted.values()) < messages and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
    finally:
        await stop_process_async(process)
        await server.stop()
    latencies = [
        (reply - sent) * 1000
        for chat, times in sent_at.items()
        for sent, reply in zip(times, server.stats.accepted_at.get(chat, []), strict=False)
    ]
    replies = sum(server.stats.accepted.values())
    last = server.stats.last_accept or start
    return LoadResult(
        name=name,
        messages=messages,
        replies=replies,
        per_second=replies / (last - start) if last > start else 0.0,
        p50_ms=statistics.median(latencies) if latencies else float("nan"),
        p99_ms=percentile(latencies, 0.99) if latencies else float("nan"),
    )


async def run(chats: int = 200, messages: int = 2000, rate: float = 25.0) -> list[LoadResult]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        bot = await offer_load(["-m", "bot"], "pumpbot", chats, messages, rate, workdir)
        echo = await offer_load(["-m", "bench.echo_bot"], "echo", chats, messages, rate, workdir)
    return [bot, echo]
