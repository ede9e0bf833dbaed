"""Typed clock times and spans: the moment a clock time means, across Oslo's clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.parsing import LogProblem, ParsedLog, Problem, parse_log, parse_time
from bot.domain.timetext import (
    Clock,
    UntilMorning,
    latest_past,
    parse_duration,
    parse_pause,
    read_clock,
    wall_moments,
)
from bot.domain.units import Unit

OSLO = ZoneInfo("Europe/Oslo")
# 28 March 2027: Oslo's clocks go from 02:00 to 03:00 (01:00 UTC).
SPRING = datetime(2027, 3, 28).date()
# 31 October 2027: Oslo's clocks go from 03:00 back to 02:00 (01:00 UTC); 02:00-03:00 twice.
AUTUMN = datetime(2027, 10, 31).date()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(moment: datetime) -> str:
    return moment.astimezone(OSLO).strftime("%Y-%m-%d %H:%M %Z")


# -- reading clock strings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:30", Clock(14, 30, twelve_hour_guess=False, bare=False)),
        ("14.30", Clock(14, 30, twelve_hour_guess=False, bare=False)),
        ("2.30", Clock(2, 30, twelve_hour_guess=True, bare=False)),
        ("07:30", Clock(7, 30, twelve_hour_guess=False, bare=False)),
        ("7", Clock(7, 0, twelve_hour_guess=True, bare=True)),
        ("1430", Clock(14, 30, twelve_hour_guess=False, bare=True)),
        ("7pm", Clock(19, 0, twelve_hour_guess=False, bare=False)),
        ("12 am", Clock(0, 0, twelve_hour_guess=False, bare=False)),
        ("0:05", Clock(0, 5, twelve_hour_guess=False, bare=False)),
        ("24:00", None),
        ("7:60", None),
        ("13pm", None),
        ("banana", None),
    ],
)
def test_read_clock(typed: str, expected: Clock | None) -> None:
    assert read_clock(typed) == expected


# -- the moments a wall clock shows a time ----------------------------------------------------


def test_an_ordinary_time_is_shown_once() -> None:
    assert wall_moments(SPRING, time(14, 30), OSLO) == [utc(2027, 3, 28, 12, 30)]


def test_a_time_inside_the_spring_gap_means_the_moment_right_after_it() -> None:
    assert wall_moments(SPRING, time(2, 30), OSLO) == [utc(2027, 3, 28, 1, 0)]
    assert wall_moments(SPRING, time(2, 0), OSLO) == [utc(2027, 3, 28, 1, 0)]
    assert local(utc(2027, 3, 28, 1, 0)) == "2027-03-28 03:00 CEST"


def test_a_time_in_the_autumn_overlap_is_shown_twice() -> None:
    assert wall_moments(AUTUMN, time(2, 30), OSLO) == [
        utc(2027, 10, 31, 0, 30),  # 02:30 summer time
        utc(2027, 10, 31, 1, 30),  # 02:30 winter time
    ]


def test_a_gap_of_half_an_hour_ends_where_that_zone_says() -> None:
    # Lord Howe Island moves its clocks by 30 minutes: 02:00 -> 02:30 on 3 October 2027.
    howe = ZoneInfo("Australia/Lord_Howe")
    [moment] = wall_moments(datetime(2027, 10, 3).date(), time(2, 15), howe)
    assert moment.astimezone(howe).strftime("%H:%M") == "02:30"
    assert (moment - timedelta(seconds=1)).astimezone(howe).strftime("%H:%M") == "01:59"


# -- what a typed time means: the latest past moment ------------------------------------------


def test_kl_2_30_sent_at_03_09_on_the_spring_night_is_03_00_that_day() -> None:
    now = utc(2027, 3, 28, 1, 9)  # 03:09 summer time
    assert local(now) == "2027-03-28 03:09 CEST"
    moment = latest_past(read_clock("2.30"), now, OSLO)  # type: ignore[arg-type]
    assert moment == utc(2027, 3, 28, 1, 0)
    parsed = parse_log("kl 2.30 100 ml", "nb", Unit.ML, now, OSLO)
    assert isinstance(parsed, ParsedLog)
    assert local(parsed.started_at) == "2027-03-28 03:00 CEST"
    assert parse_time("kl 2.30", now, OSLO) == utc(2027, 3, 28, 1, 0)


def test_the_spring_gap_before_it_came_is_yesterday() -> None:
    now = utc(2027, 3, 27, 23, 30)  # 00:30 winter time on the 28th: 02:30 not yet come
    parsed = parse_log("100 at 02:30", "en", Unit.ML, now, OSLO)
    assert isinstance(parsed, ParsedLog)
    assert local(parsed.started_at) == "2027-03-27 02:30 CET"


def test_the_second_02_30_in_autumn_when_it_has_passed() -> None:
    now = utc(2027, 10, 31, 1, 45)  # 02:45 winter time, after the second 02:30
    parsed = parse_log("100 kl 02.30", "nb", Unit.ML, now, OSLO)
    assert isinstance(parsed, ParsedLog)
    assert parsed.started_at == utc(2027, 10, 31, 1, 30)
    assert local(parsed.started_at) == "2027-10-31 02:30 CET"
    assert parse_time("02:30", now, OSLO) == utc(2027, 10, 31, 1, 30)


def test_the_first_02_30_in_autumn_before_the_second_has_come() -> None:
    now = utc(2027, 10, 31, 1, 10)  # 02:10 winter time: the second 02:30 is 20 minutes away
    parsed = parse_log("100 kl 02.30", "nb", Unit.ML, now, OSLO)
    assert isinstance(parsed, ParsedLog)
    assert parsed.started_at == utc(2027, 10, 31, 0, 30)
    assert local(parsed.started_at) == "2027-10-31 02:30 CEST"


def test_yesterday_with_a_time_in_the_gap() -> None:
    now = utc(2027, 3, 29, 8, 0)
    parsed = parse_log("i går kl 02.30 100", "nb", Unit.ML, now, OSLO)
    assert isinstance(parsed, ParsedLog)
    assert local(parsed.started_at) == "2027-03-28 03:00 CEST"


def test_today_with_a_time_still_to_come_is_refused() -> None:
    now = utc(2027, 10, 31, 1, 10)
    assert parse_time("i dag 14:00", now, OSLO) == LogProblem(Problem.IN_FUTURE)


@given(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2029, 12, 31)),
    st.integers(0, 23),
    st.integers(0, 59),
    st.sampled_from(["Europe/Oslo", "America/New_York", "Australia/Lord_Howe", "UTC"]),
)
def test_the_moment_is_never_later_than_now_nor_earlier_than_the_day_before(
    naive_now: datetime, hour: int, minute: int, zone: str
) -> None:
    tz = ZoneInfo(zone)
    now = naive_now.replace(tzinfo=UTC)
    clock = Clock(hour, minute, twelve_hour_guess=False, bare=False)
    moment = latest_past(clock, now, tz)
    assert moment is not None and moment <= now
    assert now - moment < timedelta(hours=50)
    shown = moment.astimezone(tz)
    # Either the wall clock showed the time, or it skipped it and this is the end of the gap
    # (or the time is a few minutes ahead, a phone clock running fast, and means now).
    if (shown.hour, shown.minute) != (hour, minute) and moment != now:
        before = (moment - timedelta(seconds=1)).astimezone(tz)
        assert before.utcoffset() != shown.utcoffset()


# -- spans -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("8h", 480),
        ("8 h", 480),
        ("8 t", 480),
        ("8 timer", 480),
        ("8 timar", 480),
        ("2.5h", 150),
        ("2,5 t", 150),
        ("8h30", 510),
        ("8h30m", 510),
        ("8 t 30 min", 510),
        ("1 h og 20 min", 80),
        ("2 hours and 30 minutes", 150),
        ("8:30", 510),
        ("90 min", 90),
        ("90 minutter", 90),
        ("an hour", 60),
        ("en time", 60),
        ("3. time", 180),
        ("3 t.", 180),
        ("3\u00a0h", 180),
    ],
)
def test_parse_duration(typed: str, minutes: int) -> None:
    assert parse_duration(typed) == timedelta(minutes=minutes)


@pytest.mark.parametrize("typed", ["soon", "", "8", "1.000 h", "-2 h", "8:75", "h", "8 banana"])
def test_not_a_span(typed: str) -> None:
    assert parse_duration(typed) is None


def test_a_bare_number_counts_in_the_unit_given() -> None:
    assert parse_duration("8", bare_unit=timedelta(hours=1)) == timedelta(hours=8)
    assert parse_duration("8:30", clock_form=False) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3", timedelta(hours=3)),
        ("3 timar", timedelta(hours=3)),
        ("3h", timedelta(hours=3)),
        ("90 min", timedelta(minutes=90)),
        ("2,5 t", timedelta(minutes=150)),
        ("tomorrow", UntilMorning()),
        ("i morgen", UntilMorning()),
        ("I MORGEN", UntilMorning()),
        ("later", None),
    ],
)
def test_parse_pause(typed: str, expected: object) -> None:
    assert parse_pause(typed) == expected
