"""Typed reminder plans in English and Bokmål."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from bot.domain.plan_text import PlanTextError, Problem, parse_plan_text
from bot.domain.planning import NightWindow


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("every 3h", 180),
        ("every 2h30m", 150),
        ("every 2.5 hours", 150),
        ("hver 3. time", 180),
        ("hver 2,5 time", 150),
        ("hver tredje time", 180),
        ("Every 2 hours 30 minutes", 150),
        ("every 90 min", 90),
    ],
)
def test_intervals(text: str, minutes: int) -> None:
    assert parse_plan_text(text).interval == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("text", "times"),
    [
        ("06:00 09:00 12:00 15:00 18:00 21:00", [6, 9, 12, 15, 18, 21]),
        ("kl 7 og kl 19", [7, 19]),
        ("at 19 and 7", [7, 19]),
        ("06:00, 18.00", [6, 18]),
    ],
)
def test_fixed_times(text: str, times: list[int]) -> None:
    assert parse_plan_text(text).times == tuple(time(h) for h in times)


def test_nights_and_quiet_hours() -> None:
    request = parse_plan_text("hver 3. time natt 5 timer")
    assert request.interval == timedelta(hours=3)
    assert request.night_interval == timedelta(hours=5) and request.night_interval_given
    quiet = parse_plan_text("quiet 22-07")
    assert quiet.quiet == NightWindow(time(22), time(7)) and quiet.quiet_given
    off = parse_plan_text("stille av")
    assert off.quiet is None and off.quiet_given


def test_off() -> None:
    assert parse_plan_text("off").off
    assert parse_plan_text("av").off


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("7 og 19", Problem.UNREADABLE),  # bare numbers could mean anything
        ("banana", Problem.UNREADABLE),
        ("25:00", Problem.UNREADABLE),
        ("every 20 min", Problem.INTERVAL_RANGE),
        ("every 3h night 2h", Problem.NIGHT_RANGE),
    ],
)
def test_problems_say_what_is_wrong(text: str, problem: Problem) -> None:
    with pytest.raises(PlanTextError) as caught:
        parse_plan_text(text)
    assert caught.value.problem is problem
