"""Keeping within Telegram's flood limits: messages evenly spaced, and one shared pause after a 429.

Telegram allows a bot about 30 messages a second in all (and 20 a minute in one group), and
answers 429 with `retry_after` past that. python-telegram-bot's reference `AIORateLimiter` lets
30 through at once and then 30 a second, so a busy second holds up to 60; after a 429 it
pauses requests that had already taken their turn and releases them all together when the
pause ends. Against a limit counted over any one second, that burst earns the next 429, and the
next pause: measured against the fake server's limits, 3,000 reminders due at once went out at
about 22 a second with hundreds of 429s.

`PacedRateLimiter` gives messages turns on a fixed grid, one every 1/29 s: no bursts, so a
message that arrives a few milliseconds late still leaves any one second with at most 30, and a
turn taken late does not push the grid back (a bucket that holds one turn would lose that time
on every message, and end near 28 a second). After a 429 every request waits out `retry_after`
*before* it takes a turn; a turn that came up during the pause is void, so the pause ends with
the same steady pace rather than a burst.

Several instances (PostgreSQL): Telegram's limit is per bot token, however many processes
send, and two instances pacing on grids of their own went out at 18.9 a second with 78 429s
where one went at 28.4 with 1. So on PostgreSQL the grid itself lives in the database
(`SharedGrid`): the next free turn is one row of the UNLOGGED table `send_pace`, and each
message takes its turn with one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` (the row lock
orders the instances; PostgreSQL's clock is the only clock). This is GCRA, the cell rate
algorithm of ATM networks (the row is its theoretical arrival time), as Redis-based limiters
keep it. A 429 pauses the shared grid too. A round trip is about a millisecond here, small
beside the 34 ms between turns; if the database cannot be reached, the instance paces on its
own grid until it can.

A turn missed is given back, not used late. Turns are only half the story: Telegram counts
when messages arrive. A message whose turn came while the event loop was busy elsewhere (a
garbage collection, a burst of database work, a core shared with other processes) wakes late;
sent then, it lands just before the messages whose turns come next, on time, and the second
that holds them all holds one too many. With two instances on one PostgreSQL, such stalls of
a quarter of a second earned a 429 every minute or so, and each 429 stops every instance for
over a second (32 turns). So a message that finds itself more than `LATE_TOLERANCE` of an
interval past its turn, just before it leaves, takes a new turn instead (at most `MAX_RETAKES`
times, so a starved process still sends): the turn it missed is lost, as the stall lost it
anyway, and no second holds more than the pace.

Replies first. Turns are booked in the order messages ask for them, so with reminders booking
as soon as they were claimed, a parent's confirmation during a fan-out queued behind the eight
reminders in flight: 315 ms at the median, with two instances. A reminder now *yields*
(`SendHooks.yields`): it books a turn only once the grid is free within `YIELD_HORIZON` turns,
one reminder at a time watching the grid (on PostgreSQL with a conditional update,
`TAKE_TURN_IF_SOON`), while a reply books at once. So at most about two reminders' turns are
ever ahead of a reply (95 ms at the median, the same fan-out), and the reminders still fill
every turn the replies leave. (Replies filling every turn for long, more than Telegram's rate
of replies alone, would hold reminders back until they thin out: late, never lost.)

Each request may carry `SendHooks` (as python-telegram-bot's `rate_limit_args`): told just
before each HTTP request leaves and after each 429, so a reminder's hand-over is recorded at
the moment it goes on the wire, not while it waits for its turn (scheduler/delivery.py). They
write to the database, so they run on a worker thread: on the event loop each write held up
every other message's turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import psycopg
from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.metrics import Metrics

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
MESSAGES_PER_SECOND = 29.0  # one under Telegram's 30: room for a message that arrives late
GROUP_MESSAGES_PER_MINUTE = 20
# Telegram asks for at most one message a second in one chat. A chart followed at once by its
# question ("How many babies ...?") earned a 429 in the contention bench, and a 429 stops
# every chat's messages for a second: the log confirmations' p99 was that second. So a new
# message to a chat leaves no sooner than this after the chat's last one (a little over a
# second: the wire adds a few milliseconds of jitter). Edits and chat actions are not held.
CHAT_GAP = 1.05
NEW_MESSAGES = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
MAX_CHAT_GAPS = 10_000  # chats remembered before those past their gap are dropped
MAX_GROUP_LIMITERS = 512
# After the shared grid failed, pace on the local one for this long before trying it again.
SHARED_RETRY_SECONDS = 10.0
# A message later than this (a share of the interval) past its turn takes a new one; a message
# gives up at most this many turns.
LATE_TOLERANCE = 0.5
MAX_RETAKES = 3
# A reminder books a turn only once the grid is free within this many intervals, so a reply to
# a parent never has more than about two reminders' turns ahead of it.
YIELD_HORIZON = 1.5

# Takes the next free turn (creating the row if a crash of the server emptied the table) and
# returns when it comes, as a Unix time.
TAKE_TURN = """
INSERT INTO send_pace AS pace (id, next_turn, resume_at)
VALUES (1, clock_timestamp() + make_interval(secs => %(interval)s), clock_timestamp())
ON CONFLICT (id) DO UPDATE SET next_turn =
    GREATEST(pace.next_turn, pace.resume_at, clock_timestamp())
    + make_interval(secs => %(interval)s)
RETURNING EXTRACT(EPOCH FROM pace.next_turn)::float8 - %(interval)s
"""
# Takes the next free turn only if it comes within `horizon` seconds. Returns that turn (NULL
# if it is further) and when the grid is free, both as Unix times; no row if the table is empty.
# (Every part of a WITH sees the table as it was, so `free` is the grid before this turn.)
TAKE_TURN_IF_SOON = """
WITH taken AS (
    UPDATE send_pace SET next_turn =
        GREATEST(next_turn, resume_at, clock_timestamp()) + make_interval(secs => %(interval)s)
    WHERE id = 1
      AND GREATEST(next_turn, resume_at)
          <= clock_timestamp() + make_interval(secs => %(horizon)s)
    RETURNING next_turn
)
SELECT (SELECT EXTRACT(EPOCH FROM next_turn)::float8 FROM taken) - %(interval)s,
       EXTRACT(EPOCH FROM GREATEST(next_turn, resume_at, clock_timestamp()))::float8
FROM send_pace WHERE id = 1
"""
PAUSE = """
UPDATE send_pace SET resume_at =
    GREATEST(resume_at, clock_timestamp() + make_interval(secs => %(wait)s))
WHERE id = 1
"""


@dataclass(frozen=True)
class SendHooks:
    """Passed as `rate_limit_args`: called around each HTTP request of one message."""

    before_request: Callable[[], None]  # its turn came; it is about to leave (may raise)
    refused: Callable[[], None]  # Telegram answered 429: it was not delivered
    max_retries: int | None = None
    yields: bool = False  # replies to parents booked meanwhile go first (reminders)


class SharedGrid:
    """The pacing grid's next free turn, in PostgreSQL, shared by every instance."""

    def __init__(self, conninfo: str, instance_id: str = "") -> None:
        self._conninfo = conninfo
        self._name = f"pumpbot pace {instance_id}"[:63]
        self._connection: psycopg.AsyncConnection[Any] | None = None
        self._connecting = asyncio.Lock()

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        async with self._connecting:  # one connection, however many messages wait for it
            if self._connection is None or self._connection.closed:
                self._connection = await psycopg.AsyncConnection.connect(
                    self._conninfo, autocommit=True, connect_timeout=5, application_name=self._name
                )
            return self._connection

    async def turn_at(self, interval: float) -> float:
        """Take the next turn; the Unix time when it comes.

        The turn is a moment on PostgreSQL's clock, compared with this host's: how long the
        answer took to come back does not move it (a delay measured in the database and slept
        after the answer arrived would add each answer's lateness, and bunch messages). Hosts
        keep their clocks in step (NTP); a skew of a few milliseconds is small beside the 34 ms
        between turns."""
        connection = await self._connect()
        cursor = await connection.execute(TAKE_TURN, {"interval": interval})
        row = await cursor.fetchone()
        return float(row[0]) if row else time.time()

    async def turn_if_soon(self, interval: float, horizon: float) -> tuple[float | None, float]:
        """Take the next turn if it comes within `horizon` seconds: (the turn or None, when the
        grid is free), as Unix times."""
        connection = await self._connect()
        cursor = await connection.execute(
            TAKE_TURN_IF_SOON, {"interval": interval, "horizon": horizon}
        )
        row = await cursor.fetchone()
        if row is None:  # the table is empty (a crash of the server): take any turn
            turn = await self.turn_at(interval)
            return turn, turn
        return (None if row[0] is None else float(row[0])), float(row[1])

    async def pause(self, seconds: float) -> None:
        connection = await self._connect()
        await connection.execute(PAUSE, {"wait": seconds})

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
        self._connection = None


def loop_time(unix_time: float) -> float:
    """A Unix time (the database's clock) as a time on the running event loop's clock."""
    return asyncio.get_running_loop().time() + (unix_time - time.time())


def retry_after_seconds(error: RetryAfter) -> float:
    """Telegram's wait, in seconds (PTB warns that `retry_after` becomes a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class PacedRateLimiter(BaseRateLimiter[int | SendHooks]):
    """Every request naming a chat takes a turn (one per 1/`per_second` s; a group also at most
    `group_per_minute`); a 429 is retried up to `max_retries` times after Telegram's wait.
    With `shared`, turns come from the grid every instance shares."""

    def __init__(
        self,
        per_second: float = MESSAGES_PER_SECOND,
        group_per_minute: int = GROUP_MESSAGES_PER_MINUTE,
        max_retries: int = 3,
        shared: SharedGrid | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._interval = 1 / per_second
        self._metrics = metrics or Metrics()
        self._next_turn = 0.0  # event-loop time of the next free turn on the grid
        self._resume_at = 0.0  # event-loop time before which nothing is sent (after a 429)
        self._group_per_minute = group_per_minute
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._max_retries = max_retries
        self._shared = shared
        self._shared_down_until = 0.0  # event-loop time: the local grid until then
        self.turns_missed = 0  # turns given back because the message woke too late for them
        self._yielding = asyncio.Lock()  # one yielding message at a time watches the grid
        self._chat_free: dict[object, float] = {}  # event-loop time a chat may have its next

    async def _chat_turn(self, chat_id: object) -> None:
        """Wait until the chat's last new message is `CHAT_GAP` old, and book the next gap."""
        loop = asyncio.get_running_loop()
        while (delay := self._chat_free.get(chat_id, 0.0) - loop.time()) > 0:
            await asyncio.sleep(delay)
        if len(self._chat_free) >= MAX_CHAT_GAPS:
            now = loop.time()
            self._chat_free = {k: t for k, t in self._chat_free.items() if t > now}
        self._chat_free[chat_id] = loop.time() + CHAT_GAP

    def _chat_sent_at(self, chat_id: object, turn: float) -> None:
        """The message left at its grid turn: the chat's gap counts from there."""
        self._chat_free[chat_id] = max(self._chat_free.get(chat_id, 0.0), turn + CHAT_GAP)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        if self.turns_missed:
            log.info("%d turns were given back: their messages woke too late", self.turns_missed)
        if self._shared is not None:
            await self._shared.close()

    async def _pause_everyone(self, wait: float) -> None:
        loop = asyncio.get_running_loop()
        self._resume_at = max(self._resume_at, loop.time() + wait)
        if self._shared is not None and loop.time() >= self._shared_down_until:
            try:
                await self._shared.pause(wait)
            except (psycopg.Error, OSError) as error:
                log.warning("Could not pause the shared send pace: %s", error)

    async def _wait_out_pause(self) -> None:
        loop = asyncio.get_running_loop()
        while (delay := self._resume_at - loop.time()) > 0:
            await asyncio.sleep(delay)

    def _group_limiter(self, chat_id: object) -> AsyncLimiter | None:
        """Groups and channels (negative ids, or @channel names) have a per-minute limit too."""
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[call-overload]
        if not (isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0)):
            return None
        if len(self._groups) > MAX_GROUP_LIMITERS:  # forget groups that are quiet again
            for key, limiter in list(self._groups.items()):
                if key != chat_id and limiter.has_capacity(limiter.max_rate):
                    del self._groups[key]
        if chat_id not in self._groups:
            self._groups[chat_id] = AsyncLimiter(self._group_per_minute, 60)
        return self._groups[chat_id]

    async def _book(self, horizon: float | None) -> tuple[float | None, float]:
        """Book the next turn on the grid, or only if it comes within `horizon` seconds: (the
        turn or None, when the grid is free), in event-loop time. The shared grid when there is
        one and it can be reached, the local one otherwise."""
        loop = asyncio.get_running_loop()
        if self._shared is not None and loop.time() >= self._shared_down_until:
            await self._wait_out_pause()  # a turn taken during a pause would be void
            try:
                if horizon is None:
                    turn = loop_time(await self._shared.turn_at(self._interval))
                    return turn, turn
                booked, free = await self._shared.turn_if_soon(self._interval, horizon)
                return (None if booked is None else loop_time(booked)), loop_time(free)
            except (psycopg.Error, OSError) as error:
                log.warning("The shared send pace is out of reach (%s); pacing alone", error)
                self._shared_down_until = loop.time() + SHARED_RETRY_SECONDS
        now = loop.time()
        free = max(now, self._next_turn, self._resume_at)
        if horizon is not None and free - now > horizon:
            return None, free
        self._next_turn = free + self._interval
        return free, free

    async def _take_turn(self, yields: bool = False) -> float:
        """Wait for this message's turn on the grid; returns it, in event-loop time. A message
        that `yields` (a reminder) books its turn only when the grid is free within
        `YIELD_HORIZON` turns, one such message at a time, so a reply booked meanwhile goes
        first. A turn that came up during a pause after a 429 is void: used when the pause
        ends, such turns would all go at once."""
        loop = asyncio.get_running_loop()
        horizon = YIELD_HORIZON * self._interval
        while True:
            if yields:
                async with self._yielding:
                    while True:
                        turn, free = await self._book(horizon)
                        if turn is not None:
                            break
                        # Until the grid is free within the horizon; at least a moment, since
                        # the database's clock and this host's may differ by a millisecond.
                        wait = free - horizon - loop.time()
                        await asyncio.sleep(max(wait, self._interval / 4))
            else:
                turn, _ = await self._book(None)
            if turn > loop.time():
                await asyncio.sleep(turn - loop.time())
            if self._resume_at <= loop.time():
                return turn

    def _missed(self, turn: float) -> bool:
        """Too late to use this turn: sent now, it would crowd the messages due after it."""
        lateness = asyncio.get_running_loop().time() - turn
        return lateness > LATE_TOLERANCE * self._interval

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | SendHooks | None,
    ) -> JSONResult:
        chat_id = data.get("chat_id")
        hooks = rate_limit_args if isinstance(rate_limit_args, SendHooks) else None
        yields = hooks is not None and hooks.yields
        retries = self._max_retries
        if isinstance(rate_limit_args, int):
            retries = rate_limit_args
        elif hooks is not None and hooks.max_retries is not None:
            retries = hooks.max_retries
        for attempt in range(retries + 1):
            try:
                if chat_id is None:  # getMe, setMyCommands, answerCallbackQuery: not messages
                    await self._wait_out_pause()
                    turn = None
                else:
                    group = self._group_limiter(chat_id)
                    if group is not None:
                        await group.acquire()
                    new_message = endpoint in NEW_MESSAGES
                    if new_message:
                        await self._chat_turn(chat_id)
                    turn = await self._take_turn(yields)
                    if new_message:
                        self._chat_sent_at(chat_id, turn)
                if hooks is not None:
                    await asyncio.to_thread(hooks.before_request)
                for _ in range(MAX_RETAKES):
                    if turn is None or not self._missed(turn):
                        break
                    self.turns_missed += 1
                    turn = await self._take_turn(yields)
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if hooks is not None:
                    await asyncio.to_thread(hooks.refused)
                wait = retry_after_seconds(error) + 0.1
                self._metrics.told_to_wait(retry_after_seconds(error))
                await self._pause_everyone(wait)  # also when this one gives up: others wait
                log.info("Telegram asked to wait %.1f s; every message waits", wait)
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")  # the last attempt returns or raises
