"""Bottle feeds: how long a feed takes against a full stash.

One chat with 500 portions (100 in the fridge over the last four days, a tenth of them thawed,
and 400 in the freezer), driven through the real Application and the fake Bot API (the test
kit): `/feed 30` is read, the stash locked and read, the portions taken (a split every few
feeds), the feed written, the morning note re-armed and the reply sent. FEEDS feeds, one after
another, each timed; the row reports the 99th percentile.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import FakeClock
from bot.domain.stash import Place, use_by
from bot.storage.models import StashPortion
from bot.storage.repo import ChatRepo, StashRepo
from tests.support.kit import PARENT_CHAT, BotHarness

PORTIONS = 500
FRIDGE = 100
FEEDS = 200


@dataclass
class Result:
    portions: int
    times: list[float]

    @property
    def p99_ms(self) -> float:
        return statistics.quantiles(self.times, n=100)[98] * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000


def seed(bot: BotHarness) -> None:
    now = bot.clock.now()
    tz = bot.services.config.default_timezone
    with bot.services.db.session() as session:
        ChatRepo(session).get_or_create(PARENT_CHAT, language="en", timezone=tz)
        repo = StashRepo(session, PARENT_CHAT)
        for i in range(PORTIONS):
            fridge = i < FRIDGE
            place = Place.FRIDGE if fridge else Place.FREEZER
            pumped = now - (timedelta(minutes=50 * i) if fridge else timedelta(hours=3 * i))
            thawed = now - timedelta(hours=1) if fridge and i % 10 == 0 else None
            repo.add(
                StashPortion(
                    chat_id=PARENT_CHAT,
                    place=place,
                    amount_ml=60 + i % 90,
                    pumped_at=pumped,
                    thawed_at=thawed,
                    use_by=use_by(place, pumped, thawed, ZoneInfo(tz)),
                )
            )


async def run() -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
        bot = await BotHarness(Path(tmp), clock=clock).start()
        try:
            seed(bot)
            await bot.say("/feed 30")  # warm-up
            times = []
            for _ in range(FEEDS):
                start = time.perf_counter()
                await bot.say("/feed 30")
                times.append(time.perf_counter() - start)
                bot.clock.advance(minutes=1)
        finally:
            await bot.stop()
    return Result(PORTIONS, times)


if __name__ == "__main__":
    result = asyncio.run(run())
    print(f"p50 {result.median_ms:.1f} ms, p99 {result.p99_ms:.1f} ms")
