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

Counted as Telegram counts. The grid spaces the turns; Telegram counts arrivals, and the way
there can stall. With 1,000 live timers, 3,000 reminders and parents logging, the fake server's
process (sharing two cores with others) now and then held messages back for some tens of
milliseconds, so they were counted with those sent a second later: one confirmation in about
5,900 messages met 30 already counted in its second, a 429 that stops every message for over a
second. The grid's slack is one message a second (34 ms over a second), and a slower grid would
cost every fan-out its pace. So a message also looks at the answers: Telegram counted each
message no later than its answer came back, so a message leaves only while fewer than
`TELEGRAM_PER_SECOND` are on the way or were answered within the last second
(`_wait_for_room`). While answers come back within the slack this holds nothing back; after a
stall it waits out what the stall took (in that bench, 250 short waits in 5,900 messages, no
429 and the same pace). The same rule keeps a chat to one message a second, as Telegram asks: a
message to a chat leaves only a second after the chat's previous one was answered, so a live
timer's edit and a reminder or reply to that chat never share a second. Chat actions
("typing…") are not messages and wait for neither. The answers are this instance's own: with
several instances the shared grid keeps them apart, as before.

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
import math
import time
import warnings
from collections import deque
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
TELEGRAM_PER_SECOND = 30  # what Telegram counts in any one second, in all
CHAT_GAP = 1.0  # seconds between two messages to one chat, as Telegram asks
# What Telegram counts as messages (to the limits above); chat actions and answers to button
# taps are not.
MESSAGE_ENDPOINTS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendAnimation",
        "sendVideo", "sendVoice", "sendAudio", "sendSticker", "sendLocation", "sendPoll",
        "copyMessage", "forwardMessage", "editMessageText", "editMessageCaption",
        "editMessageMedia", "editMessageReplyMarkup",
    }
)  # fmt: skip
MAX_CHATS_REMEMBERED = 4096  # past this, chats whose second is over are forgotten
GROUP_MESSAGES_PER_MINUTE = 20
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
        telegram_per_second: int | None = None,
        chat_gap: float = CHAT_GAP,
    ) -> None:
        self._interval = 1 / per_second
        # Telegram's count a second; by default one over the pace, as 30 is over 29.
        self._limit = telegram_per_second or math.floor(per_second) + 1
        self._chat_gap = chat_gap
        self._in_flight = 0  # messages sent and not answered yet
        self._answered: deque[float] = deque()  # event-loop times of answers, last second only
        self._chat_free: dict[str, float] = {}  # when a chat may have its next message
        self._metrics = metrics or Metrics()
        self._next_turn = 0.0  # event-loop time of the next free turn on the grid
        self._resume_at = 0.0  # event-loop time before which nothing is sent (after a 429)
        self._group_per_minute = group_per_minute
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._max_retries = max_retries
        self._shared = shared
        self._shared_down_until = 0.0  # event-loop time: the local grid until then
        self.turns_missed = 0  # turns given back because the message woke too late for them
        self.room_waits = 0  # times a message waited for Telegram's second or its chat's
        self._yielding = asyncio.Lock()  # one yielding message at a time watches the grid

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        if self.turns_missed:
            log.info("%d turns were given back: their messages woke too late", self.turns_missed)
        if self.room_waits:
            log.info("%d waits for Telegram's second or a chat's", self.room_waits)
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

    def _room_in(self, chat: str, now: float) -> float:
        """0 if a message to the chat may leave now, else how long to wait first: Telegram
        counted each earlier message by its answer at the latest, so fewer than its limit may be
        on the way or answered within the last second, and the chat's last one answered a
        `chat_gap` ago."""
        while self._answered and self._answered[0] <= now - 1.0:
            self._answered.popleft()
        wait = 0.0
        if self._in_flight + len(self._answered) >= self._limit:
            # An answer on its way or a second running out frees room: look again soon.
            wait = self._answered[0] + 1.0 - now if self._answered else self._interval / 2
        chat_free = self._chat_free.get(chat, 0.0)
        if chat_free > now:
            wait = max(wait, min(chat_free - now, 1.0))  # inf while one is on its way
        return wait

    async def _wait_for_room(self, chat: str) -> None:
        loop = asyncio.get_running_loop()
        while (wait := self._room_in(chat, loop.time())) > 0:
            self.room_waits += 1
            await asyncio.sleep(max(wait, 0.001))

    def _leaving(self, chat: str) -> float:
        """The message leaves now (no await since `_room_in` said so); returns when the chat
        was free before it."""
        before = self._chat_free.get(chat, 0.0)
        self._in_flight += 1
        self._chat_free[chat] = math.inf
        if len(self._chat_free) > MAX_CHATS_REMEMBERED:
            now = asyncio.get_running_loop().time()
            for other, free in list(self._chat_free.items()):
                if free <= now:
                    del self._chat_free[other]
        return before

    def _answer_came(self, chat: str, not_counted: float | None = None) -> None:
        """The answer came back: Telegram counted the message by now, unless it refused it
        with a 429 (`not_counted`: when the chat was free before it)."""
        now = asyncio.get_running_loop().time()
        self._in_flight -= 1
        if not_counted is not None:
            self._chat_free[chat] = not_counted
            return
        self._answered.append(now)
        self._chat_free[chat] = now + self._chat_gap

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
        counted = chat_id is not None and endpoint in MESSAGE_ENDPOINTS
        chat = str(chat_id)  # 42 and "42" are one chat
        for attempt in range(retries + 1):
            try:
                if chat_id is None:  # getMe, setMyCommands, answerCallbackQuery: not messages
                    await self._wait_out_pause()
                    turn = None
                else:
                    group = self._group_limiter(chat_id)
                    if group is not None:
                        await group.acquire()
                    if counted:  # not a turn spent waiting for the chat's second
                        await self._wait_for_room(chat)
                    turn = await self._take_turn(yields)
                if hooks is not None:
                    await asyncio.to_thread(hooks.before_request)
                for _ in range(MAX_RETAKES):
                    if turn is None or not self._missed(turn):
                        break
                    self.turns_missed += 1
                    turn = await self._take_turn(yields)
                if not counted:
                    return await callback(*args, **kwargs)
                await self._wait_for_room(chat)  # usually at once: the wait came before
                before = self._leaving(chat)
                try:
                    result = await callback(*args, **kwargs)
                except RetryAfter:
                    self._answer_came(chat, not_counted=before)
                    raise
                except BaseException:
                    self._answer_came(chat)
                    raise
                self._answer_came(chat)
                return result
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
