"""Ingest ceiling: the most logs a second one instance confirms with p99 under 1 s, beside the
ceiling of a bare python-telegram-bot echo bot (bench/echo_bot.py) in the same run.

Each bot runs as its own process, polling the fake Bot API server in this process. The server
has no flood limits here and pumpbot runs without its pacer (bench/unpaced_bot.py): both would
hold it to Telegram's 30 messages a second, which is the token's ceiling, not the bot's.

Parents' typed logs (`L 60 R 70 20min`, `120 ml`, ...) from CHATS chats are offered at a steady
rate for STEP_SECONDS, one step after another at rising rates (RATES). A step passes when every
log got its reply and the 99th percentile of the latency (a log queued at the server to its
reply accepted there) is under 1 s. At the first step that fails, the backlog is worked off and
the rate halfway (geometrically) between the last pass and that failure is tried once. The
ceiling is the highest rate that passed. Every chat logs once before the steps (not measured),
so the steps measure chats that already exist, as most are.

On a machine shared with other work the ceilings move with the load; the CPU time the bot
process spends a message (read from /proc over the steps) moves far less, so it is reported
too, and its ratio is the steadier comparison. (It leaves out the database server's own CPU.)
"""

from __future__ import annotations

import asyncio
import math
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.logging_load import LOG_TEXTS, percentile
from tests.support.backends import drop_created_databases, postgres_database
from tests.support.fakeserver import FakeBotApiServer
from tests.support.processes import bot_env, start_process, stop_process_async

CHATS = 500
STEP_SECONDS = 8.0
RATES = (10, 15, 20, 30, 40, 60, 80, 120, 160, 240, 320, 480, 640, 960)
P99_LIMIT_MS = 1000.0
TICK = 0.01  # seconds between batches of offered messages
DRAIN_SECONDS = 60.0  # how long a failed step's backlog may take to be worked off
FIRST_CHAT = 10_000

PUMPBOT = ("pumpbot", ["-m", "bench.unpaced_bot"])
ECHO = ("echo bot", ["-m", "bench.echo_bot"])
# The same echo bot on pumpbot's HTTP client (bench/echo_bot.py): a reference, not the target's.
ECHO_HTTPX2 = ("echo bot on httpx2", ["-m", "bench.echo_bot"])
ECHO_ENV = {ECHO_HTTPX2[0]: {"ECHO_HTTP_CLIENT": "httpx2"}}


@dataclass
class Step:
    rate: float
    offered: int
    confirmed: int
    p99_ms: float

    @property
    def passed(self) -> bool:
        return self.confirmed == self.offered and self.p99_ms < P99_LIMIT_MS


@dataclass
class Ceiling:
    name: str
    backend: str
    steps: list[Step] = field(default_factory=list)
    cpu_ms_per_message: float | None = None  # the bot process's CPU over the steps

    @property
    def best(self) -> Step | None:
        passed = [step for step in self.steps if step.passed]
        return max(passed, key=lambda step: step.rate) if passed else None

    @property
    def per_second(self) -> float:
        best = self.best
        return best.rate if best else 0.0

    @property
    def topped_out(self) -> bool:
        """Every step passed: the ceiling is above the highest rate tried."""
        return bool(self.steps) and all(step.passed for step in self.steps)


class Offer:
    """Offers logs to a running bot and matches each to its reply, per chat, in order."""

    def __init__(self, server: FakeBotApiServer) -> None:
        self.server = server
        self.sent = 0
        self.sent_at: dict[str, list[float]] = {}

    def replied(self) -> int:
        return sum(self.server.stats.accepted.values())

    async def at_rate(self, rate: float, count: int) -> list[tuple[str, int]]:
        """Queue `count` logs evenly at `rate` a second; the (chat, index in chat) of each."""
        telegram = self.server.telegram
        offered: list[tuple[str, int]] = []
        start = time.monotonic()
        while len(offered) < count:
            due = min(count, int((time.monotonic() - start) * rate) + 1)
            while len(offered) < due:
                chat_id = FIRST_CHAT + self.sent % CHATS
                user = telegram.user(chat_id, "en" if self.sent % 2 else "nb")
                text = LOG_TEXTS[self.sent % len(LOG_TEXTS)]
                telegram.queue_update(telegram.message_update(chat_id, text, user))
                times = self.sent_at.setdefault(str(chat_id), [])
                times.append(time.monotonic())
                offered.append((str(chat_id), len(times) - 1))
                self.sent += 1
            await asyncio.sleep(TICK)
        return offered

    async def settle(self, timeout: float) -> None:
        """Wait until every log offered so far has its reply, or `timeout` passed."""
        deadline = time.monotonic() + timeout
        while self.replied() < self.sent and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    def step(self, rate: float, offered: list[tuple[str, int]]) -> Step:
        accepted = self.server.stats.accepted_at
        latencies = []
        for chat, index in offered:
            replies = accepted.get(chat, [])
            if index < len(replies):
                latencies.append((replies[index] - self.sent_at[chat][index]) * 1000)
        unanswered = len(offered) - len(latencies)
        latencies += [math.inf] * unanswered
        return Step(rate, len(offered), len(offered) - unanswered, percentile(latencies, 0.99))

    async def run_step(self, rate: float) -> Step:
        offered = await self.at_rate(rate, max(1, round(rate * STEP_SECONDS)))
        # A log still unanswered a few seconds after the last was offered is over the limit.
        await self.settle(3.0)
        return self.step(rate, offered)


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a running process, from /proc (None where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # After the command name: state is field 3, utime 14 and stime 15 (1-based, man proc).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def climb(name: str, args: list[str], database_url: str, workdir: Path) -> Ceiling:
    """One bot process, its steps from the lowest rate up, then one try between."""
    server = await FakeBotApiServer(limits=None).start()
    env = bot_env(server.base_url, server.file_url, database_url, **ECHO_ENV.get(name, {}))
    process = start_process(args, env, workdir / f"{name.replace(' ', '-')}.log")
    backend = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    result = Ceiling(name, backend)
    offer = Offer(server)
    try:
        await server.telegram.wait_for(
            lambda calls: any(c.method == "getUpdates" for c in calls), 60
        )
        # Every chat says hello once, at a rate any bot keeps up with in time.
        await offer.at_rate(100, CHATS)
        await offer.settle(DRAIN_SECONDS)
        cpu_before, replied_before = cpu_seconds(process.pid), offer.replied()
        for rate in RATES:
            step = await offer.run_step(rate)
            result.steps.append(step)
            if not step.passed:
                break
        last_pass = result.best
        failed = result.steps[-1]
        if last_pass is not None and not failed.passed:
            await offer.settle(DRAIN_SECONDS)
            await asyncio.sleep(1.0)
            result.steps.append(
                await offer.run_step(round(math.sqrt(last_pass.rate * failed.rate)))
            )
        await offer.settle(DRAIN_SECONDS)
        cpu_after, replied = cpu_seconds(process.pid), offer.replied() - replied_before
        if cpu_before is not None and cpu_after is not None and replied:
            result.cpu_ms_per_message = (cpu_after - cpu_before) * 1000 / replied
    finally:
        await stop_process_async(process)
        await server.stop()
    return result


async def run(postgres: bool) -> list[Ceiling]:
    """The echo bot's ceiling (as installed, and on httpx2), then pumpbot's on SQLite (and on
    PostgreSQL, if asked)."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for echo in (ECHO, ECHO_HTTPX2):
            results.append(await climb(*echo, f"sqlite:///{workdir / 'echo.sqlite3'}", workdir))
        results.append(await climb(*PUMPBOT, f"sqlite:///{workdir / 'pumpbot.sqlite3'}", workdir))
        if postgres:
            try:
                url = postgres_database(f"bench-ingest-{time.time()}")
                results.append(await climb(*PUMPBOT, url, workdir))
            finally:
                drop_created_databases()
    return results
