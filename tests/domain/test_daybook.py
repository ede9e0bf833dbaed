"""Parent days in UTC: a day is where the parent lives and starts at her hour (midnight, or
04:00-06:00), 23 or 25 hours long on DST days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.daybook import (
    DAY_STARTS,
    MIDNIGHT,
    day_totals,
    parent_day,
    parent_day_range,
    today_range,
)
from bot.storage.models import PumpSession

OSLO = ZoneInfo("Europe/Oslo")
FOUR = time(4)


def test_half_past_midnight_in_oslo_belongs_to_the_new_day() -> None:
    now = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # 00:30 on 11 March in Oslo
    start, end = today_range(now, OSLO, MIDNIGHT)
    assert start == datetime(2026, 3, 10, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 11, 23, 0, tzinfo=UTC)


def test_with_a_four_oclock_start_one_at_night_closes_the_day_before() -> None:
    one_am = datetime(2026, 3, 11, 0, 0, tzinfo=UTC)  # 01:00 on 11 March in Oslo
    assert parent_day(one_am, OSLO, MIDNIGHT) == date(2026, 3, 11)
    assert parent_day(one_am, OSLO, FOUR) == date(2026, 3, 10)
    four_am = datetime(2026, 3, 11, 3, 0, tzinfo=UTC)  # 04:00 sharp opens the new day
    assert parent_day(four_am, OSLO, FOUR) == date(2026, 3, 11)
    start, end = today_range(one_am, OSLO, FOUR)
    assert start == datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # 10 March 04:00 in Oslo
    assert end == four_am


@pytest.mark.parametrize("day_start", DAY_STARTS)
def test_dst_days_are_23_and_25_hours_long(day_start: time) -> None:
    # Oslo moves its clocks on the last Sundays of March (02:00 -> 03:00) and October
    # (03:00 -> 02:00): the day holding that night is an hour short or long, whatever its start.
    spring = parent_day_range(date(2026, 3, 29) - _night(day_start), OSLO, day_start)
    autumn = parent_day_range(date(2026, 10, 25) - _night(day_start), OSLO, day_start)
    assert (spring[1] - spring[0]).total_seconds() == 23 * 3600
    assert (autumn[1] - autumn[0]).total_seconds() == 25 * 3600


def _night(day_start: time) -> timedelta:
    """With a start after 03:00 the night of the change ends the day before the Sunday."""
    return timedelta(days=1) if day_start > time(3) else timedelta(0)


def test_four_oclock_stays_on_the_wall_clock_across_the_changes() -> None:
    spring_day = parent_day_range(date(2026, 3, 28), OSLO, FOUR)
    assert spring_day[0].astimezone(OSLO).hour == 4 and spring_day[1].astimezone(OSLO).hour == 4
    # 02:30 on the spring Sunday never shows on a clock; 03:30 (summer time) is the old day.
    half_three = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert half_three.astimezone(OSLO).hour == 3
    assert parent_day(half_three, OSLO, FOUR) == date(2026, 3, 28)
    # In October 02:30 comes twice; both count to Saturday with a 04:00 start.
    first, second = (
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    )
    assert first.astimezone(OSLO).hour == second.astimezone(OSLO).hour == 2
    assert parent_day(first, OSLO, FOUR) == parent_day(second, OSLO, FOUR) == date(2026, 10, 24)


@given(
    moment=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    day_start=st.sampled_from(DAY_STARTS),
    zone=st.sampled_from(["Europe/Oslo", "America/New_York", "Australia/Sydney", "UTC"]),
)
def test_every_moment_lies_in_the_range_of_its_parent_day(
    moment: datetime, day_start: time, zone: str
) -> None:
    tz = ZoneInfo(zone)
    start, end = parent_day_range(parent_day(moment, tz, day_start), tz, day_start)
    assert start <= moment < end


def test_day_totals_add_up_sides() -> None:
    moment = datetime(2026, 3, 10, 8, tzinfo=UTC)
    sessions = [
        PumpSession(chat_id=1, started_at=moment, left_ml=60, right_ml=70, total_ml=130),
        PumpSession(chat_id=1, started_at=moment, total_ml=90),
    ]
    totals = day_totals(sessions)
    assert (totals.count, totals.total_ml, totals.left_ml, totals.right_ml) == (2, 220, 60, 70)
