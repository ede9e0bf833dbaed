"""Reminder timing as plain functions: intervals in real time, fixed times in local time,
nights, snooze and pause, and what is owed after the bot was away."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.planning import (
    DEFAULT_NIGHT,
    PRESETS,
    NightWindow,
    Plan,
    PlanKind,
    Preset,
    Schedule,
    decide,
    first_counted_from,
    fixed_times,
    next_due_at,
    pause_until_morning,
)

OSLO = ZoneInfo("Europe/Oslo")
EVERY_3H = Schedule(PlanKind.INTERVAL, interval=timedelta(hours=3), night=None)
ESTABLISHED = PRESETS[Preset.ESTABLISHED]
BUILDING = PRESETS[Preset.BUILDING]


def oslo(*args: int) -> datetime:
    """A local Oslo time, as an aware UTC datetime."""
    return datetime(*args, tzinfo=OSLO).astimezone(UTC)  # type: ignore[misc]


def local(moment: datetime) -> str:
    return moment.astimezone(OSLO).strftime("%Y-%m-%d %H:%M %Z")


def due(
    schedule: Schedule, last: datetime | None, now: datetime, **state: datetime | None
) -> datetime:
    return next_due_at(Plan(schedule, **state), last, now, OSLO)


# -- intervals ------------------------------------------------------------------------------


def test_an_interval_counts_from_the_last_session() -> None:
    last = oslo(2026, 3, 10, 10, 0)
    assert local(due(ESTABLISHED, last, last)) == "2026-03-10 13:00 CET"


def test_a_later_reminder_or_session_moves_the_count_on() -> None:
    last = oslo(2026, 3, 10, 10, 0)
    reminded = oslo(2026, 3, 10, 13, 0)
    assert local(due(ESTABLISHED, last, reminded, counted_from=reminded)) == "2026-03-10 16:00 CET"
    logged_later = oslo(2026, 3, 10, 14, 10)
    assert local(due(ESTABLISHED, logged_later, reminded, counted_from=reminded)).endswith(
        "17:10 CET"
    )


def test_a_new_plan_counts_from_a_recent_session_but_not_an_old_one() -> None:
    now = oslo(2026, 3, 10, 10, 0)
    recent = oslo(2026, 3, 10, 9, 0)
    assert first_counted_from(ESTABLISHED, recent, now) == recent
    assert first_counted_from(ESTABLISHED, oslo(2026, 3, 8, 9, 0), now) == now
    assert first_counted_from(ESTABLISHED, None, now) == now


def test_spring_forward_an_interval_is_real_elapsed_time() -> None:
    # 00:30 CET on 29 March 2026; the clocks jump from 02:00 to 03:00.
    last = oslo(2026, 3, 29, 0, 30)
    nxt = due(EVERY_3H, last, last)
    assert nxt - last == timedelta(hours=3)
    assert local(nxt) == "2026-03-29 04:30 CEST"  # the wall clock moved four hours


def test_fall_back_an_interval_is_real_elapsed_time() -> None:
    # 00:30 CEST on 25 October 2026; the clocks fall back from 03:00 to 02:00.
    last = oslo(2026, 10, 25, 0, 30)
    nxt = due(EVERY_3H, last, last)
    assert nxt - last == timedelta(hours=3)
    assert local(nxt) == "2026-10-25 02:30 CET"  # the wall clock moved two hours


# -- fixed times ----------------------------------------------------------------------------


def test_fixed_times_ring_at_local_wall_clock_times_in_winter_and_summer() -> None:
    schedule = fixed_times([time(6), time(9), time(12)])
    winter = oslo(2026, 1, 15, 10, 0)
    summer = oslo(2026, 7, 15, 10, 0)
    assert local(due(schedule, None, winter, counted_from=winter)) == "2026-01-15 12:00 CET"
    assert local(due(schedule, None, summer, counted_from=summer)) == "2026-07-15 12:00 CEST"
    evening = oslo(2026, 7, 15, 20, 0)
    assert local(due(schedule, None, evening, counted_from=evening)) == "2026-07-16 06:00 CEST"


def test_a_fixed_time_keeps_its_local_time_across_the_change() -> None:
    schedule = fixed_times([time(6)])
    before = oslo(2026, 3, 28, 6, 0)
    after = due(schedule, None, before, counted_from=before)
    assert local(after) == "2026-03-29 06:00 CEST"
    assert after - before == timedelta(hours=23)  # the short day


def test_a_fixed_time_in_the_spring_gap_rings_an_hour_later() -> None:
    schedule = fixed_times([time(2, 30)])
    start = oslo(2026, 3, 28, 12, 0)
    assert local(due(schedule, None, start, counted_from=start)) == "2026-03-29 03:30 CEST"


def test_a_fixed_time_that_happens_twice_in_autumn_rings_once() -> None:
    schedule = fixed_times([time(2, 30)])
    start = oslo(2026, 10, 24, 12, 0)
    first = due(schedule, None, start, counted_from=start)
    assert local(first) == "2026-10-25 02:30 CEST"
    second = due(schedule, None, first, counted_from=first)
    assert local(second) == "2026-10-26 02:30 CET"  # not again an hour later the same night


def test_fixed_times_chosen_inside_quiet_hours_switch_them_off() -> None:
    assert fixed_times([time(7), time(19)]).night == DEFAULT_NIGHT
    assert fixed_times([time(3), time(7)]).night is None


# -- nights ---------------------------------------------------------------------------------


def test_quiet_hours_move_a_reminder_to_their_end() -> None:
    last = oslo(2026, 3, 10, 21, 30)
    assert local(due(ESTABLISHED, last, last)) == "2026-03-11 06:00 CET"


def test_several_reminders_in_quiet_hours_become_one() -> None:
    every_2h = Schedule(PlanKind.INTERVAL, interval=timedelta(hours=2), night=DEFAULT_NIGHT)
    last = oslo(2026, 3, 10, 22, 0)
    first = due(every_2h, last, last)
    assert local(first) == "2026-03-11 06:00 CET"  # not 00:00, 02:00, 04:00 and 06:00


def test_night_interval_is_longer_but_never_silent() -> None:
    last = oslo(2026, 3, 10, 22, 0)
    night = due(BUILDING, last, last)
    assert local(night) == "2026-03-11 01:00 CET"  # 3 h at night, not 2 h 30
    later = due(BUILDING, night, night)
    assert local(later) == "2026-03-11 04:00 CET"
    morning = due(BUILDING, later, later)
    assert local(morning) == "2026-03-11 06:30 CET"  # day again: 2 h 30


def test_day_or_night_is_decided_by_when_it_falls_due() -> None:
    # Scheduled at 20:00 (day), falls due at 22:30 (day): the day interval.
    assert local(due(BUILDING, oslo(2026, 3, 10, 20), oslo(2026, 3, 10, 20))).endswith("22:30 CET")
    # Scheduled at 21:00 (day), would fall due at 23:30 (night): the night interval.
    assert local(due(BUILDING, oslo(2026, 3, 10, 21), oslo(2026, 3, 10, 21))).endswith("00:00 CET")


def test_a_night_reminder_never_runs_past_the_morning() -> None:
    last = oslo(2026, 3, 11, 3, 0)  # 05:30 would be night; 06:00 is morning
    assert local(due(BUILDING, last, last)) == "2026-03-11 06:00 CET"


def test_building_supply_aims_at_eight_or_more_a_day() -> None:
    moment = oslo(2026, 3, 10, 6, 0)
    count = 0
    while moment < oslo(2026, 3, 11, 6, 0):
        moment = due(BUILDING, moment, moment)
        count += 1
    assert count >= 8


@given(
    minutes=st.integers(min_value=0, max_value=60 * 24 * 400),
    interval=st.integers(min_value=60, max_value=600),
    start=st.integers(min_value=0, max_value=23),
    length=st.integers(min_value=1, max_value=12),
)
def test_quiet_hours_are_never_broken(minutes: int, interval: int, start: int, length: int) -> None:
    night = NightWindow(time(start), time((start + length) % 24))
    schedule = Schedule(PlanKind.INTERVAL, interval=timedelta(minutes=interval), night=night)
    last = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    nxt = due(schedule, last, last)
    assert not night.contains(nxt, OSLO)
    assert nxt > last


@given(
    minutes=st.integers(min_value=0, max_value=60 * 24 * 400),
    day=st.integers(min_value=60, max_value=300),
    extra=st.integers(min_value=0, max_value=240),
)
def test_night_intervals_never_leave_a_longer_gap(minutes: int, day: int, extra: int) -> None:
    schedule = Schedule(
        PlanKind.INTERVAL,
        interval=timedelta(minutes=day),
        night=DEFAULT_NIGHT,
        night_interval=timedelta(minutes=day + extra),
    )
    last = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    nxt = due(schedule, last, last)
    assert last < nxt <= last + timedelta(minutes=day + extra)


# -- snooze and pause -----------------------------------------------------------------------


def test_a_snooze_brings_the_reminder_back_until_a_session_is_logged() -> None:
    reminded = oslo(2026, 3, 10, 13, 0)
    last = oslo(2026, 3, 10, 10, 0)
    snoozed = reminded + timedelta(minutes=15)
    plan = dict(counted_from=reminded, snoozed_until=snoozed)
    assert due(ESTABLISHED, last, reminded, **plan) == snoozed
    logged = oslo(2026, 3, 10, 13, 5)
    assert local(due(ESTABLISHED, logged, logged, **plan)).endswith("16:05 CET")


def test_a_snooze_into_quiet_hours_waits_for_the_morning() -> None:
    reminded = oslo(2026, 3, 10, 22, 45)
    plan = dict(counted_from=reminded, snoozed_until=reminded + timedelta(minutes=30))
    assert local(due(ESTABLISHED, None, reminded, **plan)) == "2026-03-11 06:00 CET"


def test_a_pause_holds_an_interval_reminder_until_it_ends() -> None:
    last = oslo(2026, 3, 10, 10, 0)
    until = oslo(2026, 3, 10, 15, 0)
    assert due(ESTABLISHED, last, last, paused_until=until) == until


def test_a_pause_skips_fixed_times_instead_of_ringing_them_late() -> None:
    schedule = fixed_times([time(9), time(12), time(15)])
    start = oslo(2026, 3, 10, 8, 0)
    until = oslo(2026, 3, 10, 13, 0)
    assert local(due(schedule, None, start, counted_from=start, paused_until=until)).endswith(
        "15:00 CET"
    )


def test_until_tomorrow_morning_is_the_end_of_the_night() -> None:
    assert local(pause_until_morning(oslo(2026, 3, 10, 20), OSLO, DEFAULT_NIGHT)).endswith(
        "03-11 06:00 CET"
    )
    assert local(pause_until_morning(oslo(2026, 3, 11, 2), OSLO, DEFAULT_NIGHT)).endswith(
        "03-11 06:00 CET"
    )


# -- what is owed when the time comes -------------------------------------------------------


def test_nothing_is_owed_before_the_due_time() -> None:
    last = oslo(2026, 3, 10, 10, 0)
    plan = Plan(ESTABLISHED, counted_from=last)
    decision = decide(plan, oslo(2026, 3, 10, 13), last, oslo(2026, 3, 10, 12, 59), OSLO)
    assert decision.send_for is None and decision.next_due == oslo(2026, 3, 10, 13)


def test_after_a_long_outage_one_reminder_is_owed_not_a_burst() -> None:
    last = oslo(2026, 3, 10, 10, 0)
    plan = Plan(ESTABLISHED, counted_from=last)
    now = oslo(2026, 3, 10, 20, 40)  # 13:00, 16:00 and 19:00 were missed
    decision = decide(plan, oslo(2026, 3, 10, 13), last, now, OSLO)
    assert decision.send_for == oslo(2026, 3, 10, 19)  # the latest stands for all of them
    assert decision.next_due == oslo(2026, 3, 10, 22)


def test_a_fixed_reminder_long_past_is_dropped_for_the_next_one() -> None:
    schedule = fixed_times([time(9), time(15)])
    plan = Plan(schedule, counted_from=oslo(2026, 3, 10, 8))
    soon = decide(plan, oslo(2026, 3, 10, 9), None, oslo(2026, 3, 10, 10), OSLO)
    assert soon.send_for == oslo(2026, 3, 10, 9)  # 1 h late of 6: still useful
    late = decide(plan, oslo(2026, 3, 10, 9), None, oslo(2026, 3, 10, 12, 30), OSLO)
    assert late.send_for is None and late.next_due == oslo(2026, 3, 10, 15)


def test_a_late_reminder_never_goes_out_in_quiet_hours() -> None:
    last = oslo(2026, 3, 10, 19, 0)
    plan = Plan(ESTABLISHED, counted_from=last)
    decision = decide(plan, oslo(2026, 3, 10, 22), last, oslo(2026, 3, 11, 2, 0), OSLO)
    assert decision.send_for is None
    assert local(decision.next_due) == "2026-03-11 06:00 CET"
