"""Restart: how long until a bot with a million active plans has every one scheduled, and how
much memory does that take? On SQLite and on PostgreSQL.

The database holds the chats and their plans (due over the next three hours, as interval plans
spread out), seeded in bulk (COPY on PostgreSQL). A `/start` from a parent is waiting at the
fake server before the process starts; python-telegram-bot processes updates only after the
start-up work (schema, menus, every reminder job rebuilt, the JobQueue started), so the reply to
it marks the moment the bot is
ready. The bot's own log line says how many plans it scheduled.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.backends import drop_created_databases, postgres_database
from tests.support.fakeserver import FakeBotApiServer
from tests.support.processes import bot_env, peak_rss_mb, start_process, stop_process_async
from tests.support.seeding import seed_plans

FIRST_CHAT = 1_000_000
PARENT = 42
REBUILT = re.compile(rb"Reminder jobs rebuilt from the database: (\d+) chats, (\d+) armed now")


@dataclass
class RestartResult:
    backend: str
    plans: int
    scheduled: int  # plans owed a reminder, as the bot counted them at start
    armed: int  # of which had a job at once (the sweep arms the others as they come near)
    seed_seconds: float
    ready_seconds: float
    peak_rss_mb: float


def database_for(backend: str, workdir: Path, name: str) -> str:
    """A fresh database: a SQLite file in `workdir`, or a PostgreSQL database of its own on the
    server named by PUMPBOT_TEST_POSTGRES_URL (dropped by `drop_created_databases`)."""
    if backend == "postgresql":
        return postgres_database(f"bench-{name}-{time.time()}")
    return f"sqlite:///{workdir / (name + '.sqlite3')}"


async def run(
    chats: int = 1_000_000, backend: str = "sqlite", timeout: float = 180.0
) -> RestartResult:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_url = database_for(backend, workdir, "restart")
        now = datetime.now(UTC)
        seeding = time.monotonic()
        # Due from 10 minutes to 3 hours from now: nothing falls due while we measure.
        seed_plans(
            database_url,
            range(FIRST_CHAT, FIRST_CHAT + chats),
            lambda chat_id: now + timedelta(minutes=10, seconds=(chat_id * 7919) % 10_200),
        )
        seed_seconds = time.monotonic() - seeding
        server = await FakeBotApiServer().start()
        telegram = server.telegram
        telegram.queue_update(telegram.message_update(PARENT, "/start", telegram.user(PARENT)))
        log_path = workdir / "restart.log"
        env = bot_env(server.base_url, server.file_url, database_url, LOG_LEVEL="INFO")
        started = time.monotonic()
        process = start_process(["-m", "bot"], env, log_path)
        try:
            await telegram.wait_for(
                lambda calls: any(c.method == "sendMessage" for c in calls), timeout
            )
            ready = (server.stats.first_accept or time.monotonic()) - started
            await asyncio.sleep(0.5)  # whatever start-up still allocates
            peak = peak_rss_mb(process.pid)
        finally:
            await stop_process_async(process)
            await server.stop()
        match = REBUILT.search(log_path.read_bytes())
    drop_created_databases()
    return RestartResult(
        backend=backend,
        plans=chats,
        scheduled=int(match[1]) if match else 0,
        armed=int(match[2]) if match else 0,
        seed_seconds=seed_seconds,
        ready_seconds=ready,
        peak_rss_mb=peak,
    )
