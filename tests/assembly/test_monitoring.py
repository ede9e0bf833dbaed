"""Health and metrics through the real process: `python -m bot` with METRICS_PORT, against the
fake Bot API over loopback. The counters an operator watches move when a parent's log is stored
and a reminder is sent, and /healthz turns unready when the database is gone.

The database going away: on SQLite its directory is moved away under the running bot (a volume
unmounted, a path removed); the bot's own open connection would still read the old file, so the
health check opens the path afresh, as a restart would. On PostgreSQL (with
PUMPBOT_TEST_BACKEND=postgresql) the bot reaches the server through a loopback proxy that the
test cuts, as a stopped or unreachable server looks to the bot.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.backends import bot_tests_use_postgres, postgres_database
from tests.support.fakeserver import FakeBotApiServer
from tests.support.processes import (
    bot_env,
    free_port,
    http_get,
    start_process,
    stop_process_async,
)
from tests.support.seed import stored_logs
from tests.support.seeding import seed_plans
from tests.support.tcpproxy import TcpProxy

pytestmark = pytest.mark.slow

PARENT = 5101
PLANNED = 5102
TIMEOUT = 60.0


def sample(metrics: str, name: str) -> float:
    """The value of one sample in Prometheus' text format (0 if absent)."""
    match = re.search(rf"^{re.escape(name)} (\S+)$", metrics, re.MULTILINE)
    return float(match[1]) if match else 0.0


async def metrics_once(port: int, holds: Callable[[str], bool]) -> str:
    """The metrics, once `holds`: what the test waits for, by scraping every 0.1 s."""
    for _ in range(100):
        metrics = (await http_get(port, "/metrics"))[1]
        if holds(metrics):
            return metrics
        await asyncio.sleep(0.1)
    raise TimeoutError("the metrics never showed what was expected")


async def test_metrics_move_with_a_log_and_a_reminder_and_health_follows_the_database(
    tmp_path: Path,
) -> None:
    proxy = None
    if bot_tests_use_postgres():
        database_url = postgres_database(str(tmp_path))
        real = sa.make_url(database_url)
        proxy = await TcpProxy(real.host or "127.0.0.1", real.port or 5432).start()
        bot_database_url = real.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
    else:
        (tmp_path / "db").mkdir()
        database_url = bot_database_url = f"sqlite:///{tmp_path / 'db' / 'pumpbot.sqlite3'}"
    seed_plans(database_url, [PLANNED], lambda _chat: datetime.now(UTC) + timedelta(seconds=3))
    server = await FakeBotApiServer().start()
    telegram = server.telegram
    port = free_port()
    env = bot_env(server.base_url, server.file_url, bot_database_url, METRICS_PORT=str(port))
    env["METRICS_LISTEN"] = "127.0.0.1"
    process = start_process(["-m", "bot"], env, tmp_path / "bot.log")
    try:
        await telegram.wait_for(lambda calls: any(c.method == "getUpdates" for c in calls), TIMEOUT)
        before = (await http_get(port, "/metrics"))[1]
        assert sample(before, "pumpbot_logs_stored_total") == 0

        telegram.queue_update(telegram.message_update(PARENT, "120 ml", telegram.user(PARENT)))
        await telegram.wait_for(
            lambda calls: (
                {c.chat_id for c in calls if c.method == "sendMessage"} >= {PARENT, PLANNED}
            ),
            TIMEOUT,
        )
        moved = (
            "pumpbot_logs_stored_total",
            "pumpbot_reminders_sent_total",
            "pumpbot_confirmation_latency_seconds_count",
        )
        # Counted just after Telegram's answer, and the update marked handled after its reply.
        after = await metrics_once(
            port,
            lambda m: (
                sample(m, "pumpbot_inbox_depth") == 0
                and all(sample(m, name) >= 1 for name in moved)
            ),
        )
        status, health = await http_get(port, "/healthz")
        assert status == 200, health
        assert "database: answers" in health and "role: leader, scheduler running" in health
        assert len(stored_logs(sa.create_engine(database_url))) == 1
        # A fresh process counts from 0 (the reminder may have gone before the first scrape).
        for name in moved:
            assert sample(after, name) == 1, name
        assert sample(after, "pumpbot_updates_handled_total") >= 1
        assert sample(after, "pumpbot_leader") == 1
        assert sample(after, "pumpbot_inbox_depth") == 0
        assert sample(after, "pumpbot_reminders_owed") == 0
        print(
            "metrics after one log and one reminder:\n"
            + "\n".join(line for line in after.splitlines() if line.startswith("pumpbot_"))
        )

        # The database goes away: unready, and back again when it returns.
        if proxy is not None:
            await proxy.cut()
        else:
            (tmp_path / "db").rename(tmp_path / "db-gone")
        status, health = await http_get(port, "/healthz")
        print(f"/healthz with the database gone: {status}\n{health}")
        assert status == 503
        assert health.startswith("unready") and "database: does not answer" in health
        if proxy is not None:
            await proxy.resume()
        else:
            (tmp_path / "db-gone").rename(tmp_path / "db")
        status, health = await http_get(port, "/healthz")
        assert status == 200, health
    finally:
        await stop_process_async(process)
        await server.stop()
        if proxy is not None:
            await proxy.stop()
