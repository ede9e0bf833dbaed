"""How long stats and charts take: `python -m bench.run` prints a table.

A year of logs (8 sessions a day, about 3000) in a temporary SQLite database, driven through the
real Application and the fake Bot API (the test kit), so each command row is the whole path a
user waits for: query, stats, text or PNG, and the send. The chart rows also time the plain
render on its own. The machine is printed with the figures, since they mean little without it.
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import matplotlib

from bot.models import PumpSession
from bot.repo import ChatRepo, SessionRepo
from tests.kit import PARENT_CHAT, BotHarness

DAYS = 365
PER_DAY = 8


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = "/".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, nproc {nproc}, load {load}; "
        f"Python {platform.python_version()}, matplotlib {matplotlib.__version__}"
    )


def seed_a_year(bot: BotHarness) -> int:
    """Eight sessions a day, every three hours with a little jitter, for a year up to now."""
    now = bot.clock.now()
    first = now - timedelta(days=DAYS)
    with bot.services.db.session() as session:
        ChatRepo(session).get_or_create(PARENT_CHAT, language="en", timezone="Europe/Oslo")
        repo = SessionRepo(session, PARENT_CHAT)
        count = 0
        for i in range(DAYS * PER_DAY):
            moment = first + timedelta(hours=3 * i, minutes=(i * 37) % 50)
            if moment > now:
                break
            left, right = 40 + (i * 7) % 50, 45 + (i * 11) % 50
            repo.add(
                PumpSession(
                    chat_id=PARENT_CHAT,
                    started_at=moment,
                    left_ml=left,
                    right_ml=right,
                    total_ml=left + right,
                    duration_min=15 + i % 15,
                    note="bench" if i % 5 == 0 else None,
                    logged_by_name="Parent",
                )
            )
            count += 1
    return count


async def timed(action: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    await action()  # warm-up: imports, font cache, SQLite page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await action()
        times.append(time.perf_counter() - start)
    return times


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bot = await BotHarness(Path(tmp), clock=None).start()
        try:
            count = seed_a_year(bot)

            async def say(text: str) -> None:
                await bot.say(text)

            def render(n_days: int) -> None:
                from bot.charts import render_daily_chart
                from bot.i18n import translator
                from bot.models import Unit

                today = date(2026, 3, 10)
                days = [today - timedelta(days=n_days - 1 - i) for i in range(n_days)]
                totals = [600 + (i * 53) % 300 for i in range(n_days)]
                render_daily_chart(
                    days, totals, tr=translator("en"), unit=Unit.ML, today=today, show_band=True
                )

            rows = [
                ("chart, 7 days (render only)", lambda: asyncio.to_thread(render, 7), 10),
                ("chart, 30 days (render only)", lambda: asyncio.to_thread(render, 30), 10),
                ("/chart 30 (query, render, send)", lambda: say("/chart 30"), 10),
                ("/week (query, stats, text, send)", lambda: say("/week"), 30),
                ("/month (query, stats, text, send)", lambda: say("/month"), 30),
                ("/history (first page)", lambda: say("/history"), 30),
                ("/export (whole year, CSV)", lambda: say("/export"), 10),
            ]
            started = datetime.now(UTC)
            results = [(name, await timed(action, runs)) for name, action, runs in rows]
        finally:
            await bot.stop()

    print(f"pumpbot benchmark, {started:%Y-%m-%d %H:%M} UTC")
    print(f"machine: {machine()}")
    print(f"data: {count} sessions over {DAYS} days in SQLite (temporary file)")
    print()
    print(f"| {'what':<34} | {'median':>8} | {'min':>8} | {'max':>8} | runs |")
    print(f"|{'-' * 36}|{'-' * 9}:|{'-' * 9}:|{'-' * 9}:|-----:|")
    for name, times in results:
        med, low, high = (
            f"{t * 1000:.0f} ms" for t in (statistics.median(times), min(times), max(times))
        )
        print(f"| {name:<34} | {med:>8} | {low:>8} | {high:>8} | {len(times):>4} |")


if __name__ == "__main__":
    # python-telegram-bot logs every fake API call at DEBUG; keep the table readable.
    import logging

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(main())
