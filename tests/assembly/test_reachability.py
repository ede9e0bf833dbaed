"""An outage of the Bot API, seen from inside the process: told once when it starts and once
when it ends, whatever fails meanwhile; what waits for Telegram goes on when it answers."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from telegram.error import BadRequest, NetworkError, TimedOut

import bot.reachability as reachability_module
from bot.metrics import Metrics
from bot.reachability import Reachability, WatchedRequest


def outage_lines(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "bot.reachability"]


async def test_an_outage_is_told_in_two_lines_however_many_requests_fail(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    metrics = Metrics()
    watch = Reachability(metrics)
    for error in (NetworkError("httpx.ConnectError"), TimedOut(), NetworkError("reset")):
        watch.failed(error)
    assert metrics.telegram_reachable._value.get() == 0
    watch.answered()
    watch.answered()
    lines = outage_lines(caplog)
    assert [level for level, _ in lines] == ["WARNING", "INFO"]
    assert "cannot be reached" in lines[0][1] and "answers again" in lines[1][1]
    assert metrics.telegram_reachable._value.get() == 1
    assert all(r.exc_info is None for r in caplog.records)  # no traceback


async def test_what_waits_for_telegram_goes_on_when_it_answers_or_the_bot_stops() -> None:
    watch = Reachability()
    await asyncio.wait_for(watch.wait(), 1)  # reachable: at once
    watch.failed(NetworkError("refused"))
    waiting = asyncio.create_task(watch.wait())
    await asyncio.sleep(0)
    assert not waiting.done()
    watch.answered()
    await asyncio.wait_for(waiting, 1)
    watch.failed(NetworkError("refused"))
    stopping = asyncio.create_task(watch.wait())
    watch.release()
    await asyncio.wait_for(stopping, 1)


async def test_start_up_work_is_tried_again_once_telegram_answers() -> None:
    watch = Reachability()
    tries: list[int] = []

    async def publish() -> None:
        tries.append(1)
        if len(tries) == 1:
            watch.failed(NetworkError("refused"))  # as the request would tell it
            raise NetworkError("refused")

    done = asyncio.create_task(watch.through(publish))
    await asyncio.sleep(0.01)
    assert len(tries) == 1 and not done.done()
    watch.answered()
    await asyncio.wait_for(done, 1)
    assert len(tries) == 2


async def test_a_refusal_from_telegram_is_an_answer_and_ends_an_outage() -> None:
    watch = Reachability()
    request = WatchedRequest(watch)

    async def refused() -> None:
        raise BadRequest("Chat not found")

    async def refused_by_the_network() -> None:
        raise NetworkError("httpx.ConnectError: All connection attempts failed")

    with pytest.raises(NetworkError):
        await request._watched(refused_by_the_network())
    assert not watch.reachable
    with pytest.raises(BadRequest):
        await request._watched(refused())
    assert watch.reachable


async def test_a_late_answer_to_a_request_sent_before_the_outage_does_not_end_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    watch = Reachability()
    before = time.monotonic()
    watch.failed(NetworkError("reset"))
    watch.answered(sent_at=before)  # answered before Telegram went away; the answer came late
    assert not watch.reachable
    watch.answered(sent_at=time.monotonic())
    assert watch.reachable
    watch.failed(NetworkError("refused"), sent_at=before)  # sent before it came back
    assert watch.reachable
    assert [level for level, _ in outage_lines(caplog)] == ["WARNING", "INFO"]


async def test_with_nothing_else_asking_a_probe_finds_telegram_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In webhook mode nothing polls: the probe (getMe, on a growing backoff) ends the outage."""
    monkeypatch.setattr(reachability_module, "PROBE_FIRST", 0.01)
    watch = Reachability()
    probes: list[float] = []

    async def get_me() -> None:
        probes.append(time.monotonic())
        if len(probes) < 3:
            watch.failed(NetworkError("refused"), sent_at=probes[-1])
            raise NetworkError("refused")
        watch.answered(sent_at=probes[-1])

    watch.probe = get_me
    watch.failed(NetworkError("refused"))
    await asyncio.wait_for(watch.wait(), 2)
    assert watch.reachable and len(probes) == 3
    assert probes[2] - probes[1] > probes[1] - probes[0]  # the backoff grows
