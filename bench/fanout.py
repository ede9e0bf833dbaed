"""Fan-out: thousands of reminders fall due in the same moment. How fast do they go out, with one
bot instance or several, and does every parent get exactly one? And when the instance sending
them is killed: how soon does another take over, and what is lost or doubled?

The database holds N chats, each with an interval plan owed a reminder at the same moment. The
bots run as in production (`python -m bot`) against the fake server, which enforces Telegram's
flood limits with 429s and counts the messages it accepts per chat: a chat with none lost its
reminder, a chat with two got a duplicate.

One instance runs on SQLite, the reminders due 15 s after it starts. Several run on one
PostgreSQL database: the first to start leads (it sends the reminders), the others follow; once
all are up the reminders are brought forward to a moment 2 s away and the leader is told with
NOTIFY, as a follower tells it of a changed plan. With `parents`, parents log by message while
the reminders go out, through the instance started last (a follower, when there are several;
the others run in webhook mode and get no updates): their confirmations share Telegram's limit
with the reminders, and the time from a message reaching the server to its confirmation being
accepted is measured.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.logging_load import LOG_TEXTS, percentile
from tests.support.backends import drop_created_databases, postgres_database
from tests.support.fakeserver import FakeBotApiServer, FloodLimits
from tests.support.processes import (
    FOLLOWS,
    LEADS,
    bot_env,
    on_the_wire,
    start_process,
    stop_process_async,
)
from tests.support.seeding import bring_forward, seed_plans

FIRST_CHAT = 2_000_000
FIRST_PARENT = 3_000_000
FIRST_TIMER = 4_000_000
TIMER_MINUTES = 2  # run until every timer's message was edited this many times after the start
# One instance: up and waiting well before the reminders fall due. Start-up trains the
# understanding models (15 s on a busy 2-core machine), so 15 s was not always enough: parents
# then logged to a bot not yet up, and their confirmations measured its start-up.
LEAD = timedelta(seconds=45)
STARTED = "pumpbot started as"
QUIET_AFTER = 5.0  # seconds without a message once every chat has one: late duplicates show
PARENT_EVERY = 0.25  # seconds between two parents' logs (4 a second, each parent every 5 s)
PARENTS = 20


@dataclass
class FanoutResult:
    chats: int
    instances: int
    delivered: int
    per_second: float  # reminders accepted a second, first to last
    all_per_second: float  # every message accepted a second (reminders and replies)
    to_last_seconds: float
    rejected_429: int
    lost: int
    duplicated: int
    confirmations: int = 0
    confirmation_p50_ms: float = 0.0
    confirmation_p99_ms: float = 0.0
    takeover_seconds: float | None = None  # from the kill to the new leader's first reminder
    on_the_wire: int = 0
    messages: int = 0  # every message accepted
    timers: int = 0
    timer_edits: int = 0  # edits of the timers' messages accepted
    timers_edited_on_time: int = 0  # timers edited at least TIMER_MINUTES times
    shortest_edit_gap: float | None = None  # seconds between two edits of one message
    # Each 429: method, chat, the limit broken, seconds since the chat's last accepted message
    rejections: list[tuple[str, str, str, float | None]] = field(default_factory=list)

    @property
    def per_thousand_429(self) -> float:
        return 1000 * self.rejected_429 / self.messages if self.messages else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_until(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def run(
    chats: int = 3000,
    instances: int = 1,
    parents: bool = False,
    kill_leader: bool = False,
    timers: int = 0,
) -> FanoutResult:
    """`timers`: that many more chats each have a live session timer running, started so that
    their messages' first edit falls due with the reminders (the edits share Telegram's limit
    with them and with the parents' confirmations)."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            return await _run(Path(tmp), chats, instances, parents, kill_leader, timers)
        finally:
            drop_created_databases()


async def _run(
    workdir: Path, chats: int, instances: int, parents: bool, kill_leader: bool, timers: int = 0
) -> FanoutResult:
    shared = instances > 1 or kill_leader
    if shared:
        database_url = postgres_database(f"bench-fanout-{instances}-{time.time()}")
    else:
        database_url = f"sqlite:///{workdir / 'fanout.sqlite3'}"
    chat_range = range(FIRST_CHAT, FIRST_CHAT + chats)
    chat_ids = [str(chat) for chat in chat_range]
    due = datetime.now(UTC).replace(microsecond=0) + LEAD
    seed_due = due + timedelta(hours=1) if shared else due  # brought forward once all are up
    seed_plans(database_url, chat_range, lambda _chat: seed_due)
    timer_ids = [str(chat) for chat in range(FIRST_TIMER, FIRST_TIMER + timers)]
    if timers:
        seed_timers(database_url, range(FIRST_TIMER, FIRST_TIMER + timers), due)
    server = await FakeBotApiServer(limits=FloodLimits()).start()
    stats = server.stats
    env = bot_env(server.base_url, server.file_url, database_url, LOG_LEVEL="INFO")
    logs = [workdir / f"bot{i}.log" for i in range(instances)]
    processes = []
    try:
        for index, log in enumerate(logs):
            extra: dict[str, str] = {}
            if index < instances - 1:  # webhook mode: no updates come to it
                port = free_port()
                extra = {"WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram", "PORT": str(port)}
            processes.append(start_process(["-m", "bot"], {**env, **extra}, log))
            if shared:  # one at a time, so the first leads
                up = await wait_until(
                    lambda log=log: LEADS in log.read_text() or FOLLOWS in log.read_text(), 90
                )
                if not up:
                    raise RuntimeError(f"instance {index} did not start")
        if not shared:
            await wait_until(lambda: STARTED in logs[0].read_text(), LEAD.total_seconds() + 60)
            late = (datetime.now(UTC) - due).total_seconds()
            if late > 0:
                print(
                    f"fanout: the bot was up {late:.1f} s after the reminders fell due; the "
                    "confirmations include its start-up",
                    file=sys.stderr,
                    flush=True,
                )
        if shared:
            due = datetime.now(UTC) + timedelta(seconds=2)
            bring_forward(database_url, chat_range, due)
        due_monotonic = time.monotonic() + (due - datetime.now(UTC)).total_seconds()
        asked: dict[str, list[float]] = {}
        parent_task = None
        if parents:
            parent_task = asyncio.create_task(
                offer_logs(server, asked, due_monotonic, lambda: everyone(stats, chat_ids))
            )
        killed_at = None
        if kill_leader:
            await wait_until(lambda: len(stats.accepted) >= chats // 3, chats / 10 + 60)
            await stop_process_async(processes[0], kill=True)
            killed_at = time.monotonic()
        deadline = due_monotonic + chats / 15 + 90 + (60 * TIMER_MINUTES if timers else 0)
        while time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            last = stats.last_accept or 0.0
            timers_done = all(
                len(stats.accepted_at.get(chat, [])) >= TIMER_MINUTES for chat in timer_ids
            )
            quiet = time.monotonic() - last > QUIET_AFTER
            # Timers keep editing: with them, done once each was edited often enough.
            if everyone(stats, chat_ids) and timers_done and (quiet or timer_ids):
                break
            # After a kill, those on the wire may never come: done once the rest have.
            wire = on_the_wire_in(logs)
            settled = killed_at and wire and lost(stats, chat_ids) <= wire
            if settled and time.monotonic() - last > QUIET_AFTER:
                break
        if parent_task is not None:
            await parent_task
    finally:
        for process in processes:
            await stop_process_async(process)
        await server.stop()
    reminder_times = sorted(t for chat in chat_ids for t in stats.accepted_at.get(chat, []))
    all_times = sorted(t for times in stats.accepted_at.values() for t in times)
    delivered = len(reminder_times)
    latencies = confirmation_latencies(asked, stats.accepted_at)
    takeover = None
    if killed_at is not None:
        after = [t for t in reminder_times if t > killed_at + 0.5]
        takeover = (after[0] - killed_at) if after else None
    return FanoutResult(
        chats=chats,
        instances=instances,
        delivered=delivered,
        per_second=rate(reminder_times),
        all_per_second=rate(all_times),
        to_last_seconds=(reminder_times[-1] - due_monotonic) if reminder_times else 0.0,
        rejected_429=stats.rejected_429,
        lost=lost(stats, chat_ids),
        duplicated=sum(1 for chat in chat_ids if stats.accepted[chat] > 1),
        confirmations=len(latencies),
        confirmation_p50_ms=1000 * percentile(latencies, 0.5) if latencies else 0.0,
        confirmation_p99_ms=1000 * percentile(latencies, 0.99) if latencies else 0.0,
        takeover_seconds=takeover,
        on_the_wire=on_the_wire_in(logs),
        messages=len(all_times),
        timers=timers,
        timer_edits=sum(len(stats.accepted_at.get(chat, [])) for chat in timer_ids),
        timers_edited_on_time=sum(
            1 for chat in timer_ids if len(stats.accepted_at.get(chat, [])) >= TIMER_MINUTES
        ),
        shortest_edit_gap=shortest_gap([stats.accepted_at.get(chat, []) for chat in timer_ids]),
        rejections=list(stats.rejections),
    )


def shortest_gap(times_per_chat: list[list[float]]) -> float | None:
    gaps = [
        later - earlier
        for times in map(sorted, times_per_chat)
        for earlier, later in itertools.pairwise(times)
    ]
    return min(gaps) if gaps else None


def seed_timers(database_url: str, chat_ids: range, due: datetime) -> None:
    """A chat and a running timer for each id, started 59 s before `due` (so its next edit is
    due then), its message already sent (id 1)."""
    import sqlalchemy as sa

    from bot.storage.db import Database

    started = (due - timedelta(seconds=59)).astimezone(UTC).replace(tzinfo=None)
    db = Database(database_url)
    try:
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO chats (id, language, timezone, unit, exclusive_pumping, "
                    "day_start_min, created_at, updated_at) VALUES (:id, 'en', 'Europe/Oslo', "
                    "'ml', false, 0, :at, :at)"
                ),
                [{"id": chat, "at": started} for chat in chat_ids],
            )
            connection.execute(
                sa.text(
                    "INSERT INTO session_timers (chat_id, started_at, paused_seconds, "
                    "message_id, edited_at) VALUES (:id, :at, 0, 1, :at)"
                ),
                [{"id": chat, "at": started} for chat in chat_ids],
            )
    finally:
        db.dispose()


def everyone(stats: object, chat_ids: list[str]) -> bool:
    return all(stats.accepted[chat] for chat in chat_ids)  # type: ignore[attr-defined]


def lost(stats: object, chat_ids: list[str]) -> int:
    return sum(1 for chat in chat_ids if stats.accepted[chat] == 0)  # type: ignore[attr-defined]


def on_the_wire_in(logs: list[Path]) -> int:
    return sum(on_the_wire(log.read_text()) for log in logs if log.exists())


def rate(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


async def offer_logs(
    server: FakeBotApiServer,
    asked: dict[str, list[float]],
    due_monotonic: float,
    done: object,
) -> None:
    """From the due moment until every reminder went out: a parent's log every PARENT_EVERY s,
    from PARENTS chats in turn (each well under one a second)."""
    telegram = server.telegram
    await asyncio.sleep(max(0.0, due_monotonic - time.monotonic()))
    index = 0
    while not done() and index < 2000:  # type: ignore[operator]
        chat_id = FIRST_PARENT + index % PARENTS
        text = LOG_TEXTS[index % len(LOG_TEXTS)]
        telegram.queue_update(telegram.message_update(chat_id, text, telegram.user(chat_id)))
        asked.setdefault(str(chat_id), []).append(time.monotonic())
        index += 1
        await asyncio.sleep(PARENT_EVERY)


def confirmation_latencies(
    asked: dict[str, list[float]], accepted_at: dict[str, list[float]]
) -> list[float]:
    """For each parent's log, the time until the next message the server accepted in that chat
    (the bot writes nothing else there)."""
    latencies = []
    for chat, times in asked.items():
        replies = sorted(accepted_at.get(chat, []))
        for sent in times:
            reply = next((r for r in replies if r >= sent), None)
            if reply is not None:
                replies.remove(reply)
                latencies.append(reply - sent)
    return latencies
