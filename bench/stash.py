"""The milk stash: how long /stash and a tap take with a full freezer, and how long the start
takes to arm the morning notes of many chats.

One chat with 200 portions (a large freezer and a week of fridge milk), driven through the real
Application and the fake Bot API (the test kit): /stash (query, text, buttons, send) and
"use the oldest" (the write path, the re-armed note job, the edited stash). Then 10,000 chats
each with milk running out within two days, in one SQLite file, and the time
`rebuild_note_jobs` takes to read them and arm a note job for each (what a restart waits for).
Each command figure is the median of several runs after a warm-up.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bench.history import Timing, timed
from bot.clock import FakeClock
from bot.domain.stash import Place, use_by
from bot.domain.units import Unit
from bot.storage.models import Chat, StashPortion
from bot.storage.repo import ChatRepo, StashRepo
from scheduler.stash_notes import note_job_name, rebuild_note_jobs
from tests.support.kit import PARENT_CHAT, BotHarness

PORTIONS = 200
CHATS = 10_000


@dataclass
class Result:
    portions: int
    timings: list[Timing]
    chats: int
    rebuild_seconds: float
    armed: int


def seed_one_chat(bot: BotHarness) -> int:
    now = bot.clock.now()
    tz = bot.services.config.default_timezone
    with bot.services.db.session() as session:
        settings = ChatRepo(session).get_or_create(PARENT_CHAT, language="en", timezone=tz)
        repo = StashRepo(session, PARENT_CHAT)
        for i in range(PORTIONS):
            place = Place.FRIDGE if i % 10 == 0 else Place.FREEZER
            pumped = now - timedelta(hours=3 * (PORTIONS - i) if place == Place.FREEZER else i)
            repo.add(
                StashPortion(
                    chat_id=PARENT_CHAT,
                    place=place,
                    amount_ml=60 + i % 90,
                    pumped_at=pumped,
                    use_by=use_by(place, pumped, None, ZoneInfo(settings.timezone)),
                )
            )
    return PORTIONS


def seed_many_chats(bot: BotHarness) -> None:
    """CHATS chats, each with one fridge portion running out within two days (bulk inserts)."""
    now = bot.clock.now()
    chats = sa.Table(Chat.__tablename__, sa.MetaData(), autoload_with=bot.services.db.engine)
    portions = sa.Table(
        StashPortion.__tablename__, sa.MetaData(), autoload_with=bot.services.db.engine
    )
    with bot.services.db.engine.begin() as connection:
        connection.execute(
            sa.insert(chats),
            [
                {
                    "id": 10_000_000 + i,
                    "language": "en",
                    "timezone": "Europe/Oslo",
                    "unit": Unit.ML.value,
                    "exclusive_pumping": False,
                    "created_at": now.replace(tzinfo=None),
                    "updated_at": now.replace(tzinfo=None),
                }
                for i in range(CHATS)
            ],
        )
        connection.execute(
            sa.insert(portions),
            [
                {
                    "chat_id": 10_000_000 + i,
                    "place": "fridge",
                    "state": "stored",
                    "amount_ml": 90.0,
                    "pumped_at": (now - timedelta(days=3, minutes=i % 600)).replace(tzinfo=None),
                    # Within two days, and its note's morning still ahead (no note is sent).
                    "use_by": (now + timedelta(hours=47, minutes=-(i % 600))).replace(tzinfo=None),
                    "created_at": now.replace(tzinfo=None),
                }
                for i in range(CHATS)
            ],
        )


async def run() -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        # Today's date: the morning notes armed below then fall due tomorrow, not at once on
        # the running scheduler (the harness's default date is in the past).
        clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
        bot = await BotHarness(Path(tmp), clock=clock).start()
        try:
            count = seed_one_chat(bot)

            async def say(text: str) -> None:
                await bot.say(text)

            async def use_oldest() -> None:
                await bot.say("fridge 90")  # keeps one usable portion in the fridge
                await bot.press("Use the oldest")

            rows = [
                (f"/stash ({PORTIONS} portions: query, text, send)", lambda: say("/stash"), 30),
                ("fridge 90, then use the oldest (two writes and replies)", use_oldest, 20),
            ]
            await say("/stash")
            timings = [Timing(name, await timed(action, runs)) for name, action, runs in rows]
            seed_many_chats(bot)
            queue = bot.app.job_queue
            assert queue is not None
            # A running scheduler, as in production: a stopped one keeps its jobs in a list
            # that every lookup searches, which measures the test kit, not the bot.
            await queue.start()
            start = time.perf_counter()
            await rebuild_note_jobs(bot.app)
            seconds = time.perf_counter() - start
            armed = sum(
                1 for i in range(CHATS) if queue.scheduler.get_job(note_job_name(10_000_000 + i))
            )
            await queue.stop()
        finally:
            await bot.stop()
    return Result(count, timings, CHATS, seconds, armed)


if __name__ == "__main__":
    print(asyncio.run(run()))
