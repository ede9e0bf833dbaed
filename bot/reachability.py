"""Whether Telegram's Bot API answers: an outage is told once when it starts and once when it
ends, and what must reach Telegram waits for its end instead of failing.

Every request the bot makes goes through `WatchedRequest` (python-telegram-bot's HTTPX request
with a watch on its outcome): a request that fails in transport (refused, reset, timed out, a
5xx from a proxy) tells `Reachability.failed`; any answer from Telegram, even a refusal, tells
`answered`. The first failure logs one WARNING line, the first answer after it one INFO line;
nothing in between (handlers/errors.py and logs.py keep python-telegram-bot's own retries from
logging a traceback for each).

While the API is away python-telegram-bot retries getUpdates with its own capped backoff
(1 s, growing by half up to 30 s); with a webhook nothing would ask, so a probe (getMe, on
the same backoff) runs for the length of the outage. Reminders owed meanwhile wait for the API
before they are claimed (scheduler/delivery.py), so none is lost or sent twice; updates wait at
Telegram, which keeps them for a day.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.request import HTTPXRequest

from bot.metrics import Metrics

log = logging.getLogger(__name__)

PROBE_FIRST = 1.0  # seconds; grows by half after each failed probe, up to PROBE_MAX
PROBE_MAX = 30.0


def transport_failure(error: TelegramError) -> bool:
    """The request got no answer from Telegram (a BadRequest is an answer)."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


class Reachability:
    """Whether the Bot API answers now; waiters wait for it to answer again."""

    def __init__(self, metrics: Metrics | None = None) -> None:
        self.metrics = metrics
        self.down_since: float | None = None  # time.monotonic() of the first failure
        self.last_down: float | None = None  # time.monotonic() when it was last seen away
        self.back_since = float("-inf")  # time.monotonic() when the last outage ended
        self.probe: Callable[[], Awaitable[object]] | None = None  # set when the bot exists
        self._back: asyncio.Event | None = None
        self._probing: asyncio.Task[None] | None = None
        self._released = False

    @property
    def reachable(self) -> bool:
        return self.down_since is None

    def failed(self, error: TelegramError, sent_at: float | None = None) -> None:
        """A request (sent at `sent_at`, time.monotonic()) got no answer. One sent before the
        last outage ended says nothing new: it may have waited out the whole outage."""
        if sent_at is not None and sent_at < self.back_since:
            return
        self.last_down = time.monotonic()
        if self.down_since is not None:
            return
        self.down_since = self.last_down
        self._event().clear()
        if self.metrics is not None:
            self.metrics.telegram_reachable.set(0)
        log.warning(
            "Telegram's Bot API cannot be reached (%s); retrying, and every update and "
            "reminder waits until it answers",
            describe(error),
        )
        if self.probe is not None and not self._released:
            self._probing = asyncio.get_running_loop().create_task(self._probe_until_back())

    def answered(self, sent_at: float | None = None) -> None:
        """A request (sent at `sent_at`) got an answer. One sent before the outage began does
        not end it: Telegram answered it before going away, the answer came in late."""
        if self.down_since is None or (sent_at is not None and sent_at < self.down_since):
            return
        self.last_down = self.back_since = time.monotonic()
        seconds = self.last_down - self.down_since
        self.down_since = None
        self._event().set()
        if self.metrics is not None:
            self.metrics.telegram_reachable.set(1)
        log.info("Telegram's Bot API answers again after %.0f s; carrying on", seconds)

    def away_within(self, seconds: float) -> bool:
        """Whether the API was away at some moment of the last `seconds` (an outage told
        already explains what was late meanwhile)."""
        return self.last_down is not None and time.monotonic() - self.last_down <= seconds

    async def wait(self) -> None:
        """Until the API answers (at once if it does), or the bot stops (`release`)."""
        if self.reachable or self._released:
            return
        await self._event().wait()

    async def through(self, action: Callable[[], Awaitable[object]]) -> None:
        """Run `action` until it gets an answer: after a transport failure, again once the API
        answers (start-up work that must not end the process if Telegram blinks)."""
        while True:
            try:
                await action()
                return
            except TelegramError as error:
                if not transport_failure(error) or self._released:
                    raise
            await self.wait()

    def release(self) -> None:
        """The bot is stopping: nobody waits any longer."""
        self._released = True
        self._event().set()
        if self._probing is not None:
            self._probing.cancel()

    def _event(self) -> asyncio.Event:
        if self._back is None:
            self._back = asyncio.Event()
            self._back.set()
        return self._back

    async def _probe_until_back(self) -> None:
        delay = PROBE_FIRST
        while True:
            await asyncio.sleep(delay)
            if self.reachable or self._released or self.probe is None:
                return  # another request got an answer meanwhile, or the bot stops
            with contextlib.suppress(TelegramError):  # the request told `failed` or `answered`
                await self.probe()
            delay = min(PROBE_MAX, delay * 1.5)


def describe(error: BaseException) -> str:
    """The error's kind and its cause's, without a traceback: "NetworkError: ConnectError"."""
    cause = error.__cause__
    kind = type(error).__name__
    return f"{kind}: {type(cause).__name__}" if cause is not None else f"{kind}: {error}"


class WatchedRequest(HTTPXRequest):
    """python-telegram-bot's HTTPX request, telling `Reachability` how each request ended."""

    def __init__(self, reachability: Reachability, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reachability = reachability

    async def post(self, *args: Any, **kwargs: Any) -> Any:
        return await self._watched(super().post(*args, **kwargs))

    async def retrieve(self, *args: Any, **kwargs: Any) -> bytes:
        return await self._watched(super().retrieve(*args, **kwargs))

    async def _watched(self, request: Awaitable[Any]) -> Any:
        sent_at = time.monotonic()
        try:
            result = await request
        except TelegramError as error:
            if transport_failure(error):
                self.reachability.failed(error, sent_at)
            else:
                self.reachability.answered(sent_at)
            raise
        self.reachability.answered(sent_at)
        return result
