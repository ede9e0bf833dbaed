"""Where a typed log's CPU goes: the real Application in this process (the fake Bot API of the
test kit, no network), N logs from many chats handed over as the Updater does (stored in the
inbox, handled, marked handled), with the process's CPU time a log and, with --profile, a
cProfile of the logs.

    python -m bench.log_profile                   # 1,000 logs from 200 chats, CPU a log
    python -m bench.log_profile --profile out --logs 2000   # out.loop, out.threads
    PUMPBOT_TEST_POSTGRES_URL=... python -m bench.log_profile --postgres

It leaves out what the bench's ingest row also counts (HTTP to the fake server, getUpdates):
the bare echo bot's 1.7 ms a message is about that part. Run it before and after a change to
the log path; the ingest row (`python -m bench --only ingest`) is the figure that counts.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from bench.logging_load import LOG_TEXTS
from bot.clock import FakeClock
from tests.support.backends import drop_created_databases, postgres_database
from tests.support.kit import BotHarness, through_the_inbox

FIRST_CHAT = 10_000
START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


class ThreadProfile:
    """One worker thread for the units of work and everything `asyncio.to_thread` runs,
    profiled on its own (cProfile sees only the thread that enabled it)."""

    def __init__(self) -> None:
        self.profile = cProfile.Profile()
        self.executor = ThreadPoolExecutor(1, initializer=self.profile.enable)

    async def dump(self, path: str) -> None:
        def stop() -> None:
            self.profile.disable()
            self.profile.dump_stats(path)

        await asyncio.get_running_loop().run_in_executor(self.executor, stop)


async def send_logs(bot: BotHarness, count: int, chats: int, offset: int) -> None:
    telegram = bot.telegram
    for n in range(offset, offset + count):
        chat_id = FIRST_CHAT + n % chats
        user = telegram.user(chat_id, "en" if n % 2 else "nb")
        raw = telegram.message_update(chat_id, LOG_TEXTS[n % len(LOG_TEXTS)], user)
        await through_the_inbox(bot, raw)
        if n % 50 == 0:
            telegram.calls.clear()  # the fake API keeps every call; a long run would grow it


async def run(logs: int, chats: int, database_url: str | None, profile: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        overrides = {"database_url": database_url} if database_url else {}
        bot = await BotHarness(Path(tmp), FakeClock(START), **overrides).start()
        try:
            await send_logs(bot, chats, chats, 0)  # every chat exists, as most do
            profiler = cProfile.Profile() if profile else None
            worker = ThreadProfile() if profile else None
            if worker:
                asyncio.get_running_loop().set_default_executor(worker.executor)
                bot.services.db.executor = worker.executor
            cpu, wall = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            await send_logs(bot, logs, chats, chats)
            if profiler and worker and profile:
                profiler.disable()
                profiler.dump_stats(profile + ".loop")
                await worker.dump(profile + ".threads")
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        finally:
            await bot.stop()
    print(f"{logs} logs: {cpu * 1000 / logs:.2f} ms CPU a log, {wall * 1000 / logs:.2f} ms wall")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logs", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--postgres", action="store_true", help="on PUMPBOT_TEST_POSTGRES_URL")
    parser.add_argument(
        "--profile", help="write cProfiles of the logs: PROFILE.loop, PROFILE.threads"
    )
    args = parser.parse_args()
    url = postgres_database(f"log-profile-{time.time()}") if args.postgres else None
    try:
        asyncio.run(run(args.logs, args.chats, url, args.profile))
    finally:
        if url:
            drop_created_databases()


if __name__ == "__main__":
    main()
