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
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
MESSAGES_PER_SECOND = 29.0  # one under Telegram's 30: room for a message that arrives late
GROUP_MESSAGES_PER_MINUTE = 20
MAX_GROUP_LIMITERS = 512


def retry_after_seconds(error: RetryAfter) -> float:
    """Telegram's wait, in seconds (PTB warns that `retry_after` becomes a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class PacedRateLimiter(BaseRateLimiter[int]):
    """Every request naming a chat takes a turn (one per 1/`per_second` s; a group also at most
    `group_per_minute`); a 429 is retried up to `max_retries` times after Telegram's wait."""

    def __init__(
        self,
        per_second: float = MESSAGES_PER_SECOND,
        group_per_minute: int = GROUP_MESSAGES_PER_MINUTE,
        max_retries: int = 3,
    ) -> None:
        self._interval = 1 / per_second
        self._next_turn = 0.0  # event-loop time of the next free turn on the grid
        self._resume_at = 0.0  # event-loop time before which nothing is sent (after a 429)
        self._group_per_minute = group_per_minute
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._max_retries = max_retries

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

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

    async def _take_turn(self, chat_id: object) -> None:
        """Wait for this message's turn. A turn that came up during a pause after a 429 is
        void: used when the pause ends, such turns would all go at once."""
        group = self._group_limiter(chat_id)
        if group is not None:
            await group.acquire()
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            turn = max(now, self._next_turn, self._resume_at)
            self._next_turn = turn + self._interval
            if turn > now:
                await asyncio.sleep(turn - now)
            if self._resume_at <= loop.time():
                return

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        chat_id = data.get("chat_id")
        retries = self._max_retries if rate_limit_args is None else rate_limit_args
        for attempt in range(retries + 1):
            try:
                if chat_id is None:  # getMe, setMyCommands, answerCallbackQuery: not messages
                    await self._wait_out_pause()
                else:
                    await self._take_turn(chat_id)
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                wait = retry_after_seconds(error) + 0.1
                loop = asyncio.get_running_loop()
                self._resume_at = max(self._resume_at, loop.time() + wait)
                log.info("Telegram asked to wait %.1f s; every message waits", wait)
        raise AssertionError("unreachable")  # the last attempt returns or raises
