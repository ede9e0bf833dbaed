"""Several instances, one pace: limiters that share the grid in PostgreSQL never send faster
together than one alone, and a 429 seen by one pauses the others too.

Real time at a fast pace (50 a second), two limiters in one process standing for two processes
(each has its own connection to the database, as each process would).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from telegram.error import RetryAfter

from bot.leadership import libpq_url
from bot.ratelimit import PacedRateLimiter, SendHooks, SharedGrid
from bot.storage.db import Database
from tests.support.backends import postgres_database, require_postgres

PACE = 50.0  # turns 20 ms apart
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def two_limiters(tmp_path: Path) -> list[PacedRateLimiter]:
    require_postgres()
    url = postgres_database(f"{tmp_path}-pace")
    db = Database(url)
    db.upgrade()
    db.dispose()
    return [
        PacedRateLimiter(per_second=PACE, shared=SharedGrid(libpq_url(url), name))
        for name in ("a", "b")
    ]


async def send(limiter: PacedRateLimiter, chat: int, callback: object) -> None:
    await limiter.process_request(
        callback,  # type: ignore[arg-type]
        (chat,),
        {},
        "sendMessage",
        {"chat_id": chat},
        None,
    )


@pytest.mark.slow  # PostgreSQL only
async def test_two_instances_together_keep_the_pace_of_one(tmp_path: Path) -> None:
    limiters = two_limiters(tmp_path)
    sent: list[float] = []

    async def callback(chat: int) -> bool:
        sent.append(time.monotonic())
        return True

    try:
        await asyncio.gather(*[send(limiters[i % 2], 100 + i, callback) for i in range(40)])
    finally:
        for limiter in limiters:
            await limiter.shutdown()
    sent.sort()
    # Any 10 turns in a row take at least most of 10 turns' time: no second holds more than
    # the pace allows, though each limiter alone would have gone at the full pace.
    assert all(b - a >= 0.7 * 10 / PACE for a, b in zip(sent, sent[10:], strict=False))
    assert sent[-1] - sent[0] >= 0.8 * 39 / PACE


@pytest.mark.slow  # PostgreSQL only
async def test_a_reply_at_one_instance_goes_ahead_of_the_others_reminders(
    tmp_path: Path,
) -> None:
    """The leader has 30 reminders waiting for turns when a follower confirms a parent's log:
    the confirmation takes one of the next few turns of the shared grid."""
    leader, follower = two_limiters(tmp_path)
    reminders: list[float] = []
    reply_sent: list[float] = []

    async def reminder(chat: int) -> bool:
        reminders.append(time.monotonic())
        return True

    async def reply(chat: int) -> bool:
        reply_sent.append(time.monotonic())
        return True

    hooks = SendHooks(before_request=lambda: None, refused=lambda: None, yields=True)
    try:
        fanout = asyncio.gather(
            *[
                leader.process_request(
                    reminder, (100 + i,), {}, "sendMessage", {"chat_id": 100 + i}, hooks
                )
                for i in range(30)
            ]
        )
        while len(reminders) < 8:
            await asyncio.sleep(0.001)
        asked = time.monotonic()
        await send(follower, 999, reply)
        await fanout
    finally:
        await leader.shutdown()
        await follower.shutdown()
    assert reply_sent[0] - asked <= 4 / PACE  # a few turns, not the 23 reminders left
    everything = sorted(reminders + reply_sent)
    assert all(b - a >= 0.7 * 10 / PACE for a, b in zip(everything, everything[10:], strict=False))


@pytest.mark.slow  # PostgreSQL only
async def test_a_429_at_one_instance_pauses_the_other(tmp_path: Path) -> None:
    first, second = two_limiters(tmp_path)
    sent: list[float] = []

    async def refused_once(chat: int) -> bool:
        raise RetryAfter(1)

    async def callback(chat: int) -> bool:
        sent.append(time.monotonic())
        return True

    try:
        with pytest.raises(RetryAfter):
            await first.process_request(refused_once, (1,), {}, "sendMessage", {"chat_id": 1}, 0)
        # The refusal had no retries left, so it reached the caller; the pause still holds.
        start = time.monotonic()
        await send(second, 2, callback)
    finally:
        await first.shutdown()
        await second.shutdown()
    assert sent[0] - start >= 0.9  # the other instance waited out Telegram's second


async def test_hooks_are_told_when_a_request_leaves_and_when_it_is_refused() -> None:
    limiter = PacedRateLimiter(per_second=PACE, max_retries=1)
    events: list[str] = []
    answers = iter([RetryAfter(0), True])

    async def callback() -> bool:
        events.append("request")
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    hooks = SendHooks(
        before_request=lambda: events.append("leaves"), refused=lambda: events.append("429")
    )
    await limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": 7}, hooks)
    assert events == ["leaves", "request", "429", "leaves", "request"]
