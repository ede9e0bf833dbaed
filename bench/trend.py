"""Trend: one chat with a year of logs. How long does /trend take, and its pieces?

The year of `bench.history` (8 sessions a day, about 3000) in a temporary SQLite database,
driven through the real Application and the fake Bot API, so `/trend` is the whole path a
parent waits for: the query, the numbers, the chart (in the chart process) and the send. The
other rows time the numbers alone and the drawing alone. Medians of several runs after a
warm-up.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from bench.history import Timing, seed_a_year, timed
from bot.domain.chats import ChatSettings
from bot.periods import supply_trend_of
from bot.storage.repo import ChatRepo
from bot.text.charts import render_trend_chart
from tests.support.kit import PARENT_CHAT, BotHarness


async def run() -> tuple[int, list[Timing]]:
    """The number of sessions seeded, and the timings."""
    with tempfile.TemporaryDirectory() as tmp:
        bot = await BotHarness(Path(tmp), clock=None).start()
        try:
            count = seed_a_year(bot)
            with bot.services.db.session() as session:
                chat = ChatRepo(session).get(PARENT_CHAT)
                assert chat is not None
                settings = ChatSettings.of(chat)
            now = bot.clock.now()

            async def say(text: str) -> None:
                await bot.say(text)

            def numbers(weeks: int) -> None:
                supply_trend_of(bot.services.db, settings, now, weeks)

            def draw(weeks: int) -> None:
                trend = supply_trend_of(bot.services.db, settings, now, weeks)
                render_trend_chart(trend, tr=settings.tr, unit=settings.unit)

            rows = [
                (
                    "trend numbers, 8 weeks (query and sums)",
                    lambda: asyncio.to_thread(numbers, 8),
                    30,
                ),
                (
                    "trend chart, 8 weeks (query, sums, render)",
                    lambda: asyncio.to_thread(draw, 8),
                    10,
                ),
                ("/trend (4 weeks: query, chart, send)", lambda: say("/trend"), 15),
                ("/trend 8 (query, chart, send)", lambda: say("/trend 8"), 15),
            ]
            timings = [Timing(name, await timed(action, runs)) for name, action, runs in rows]
        finally:
            await bot.stop()
    return count, timings
