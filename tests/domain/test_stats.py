"""Daily stats as plain functions: local days, gaps in real time, DST days, the period summary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.guideline import band_decision
from bot.domain.stats import (
    BandPosition,
    band_position,
    day_summary,
    period_summary,
    summaries,
)
from bot.domain.units import Unit
from bot.storage.models import PumpSession
from bot.text.i18n import translator
from bot.text.reports import guideline_note, period_text, summary_lines

OSLO = ZoneInfo("Europe/Oslo")


def session(
    moment: datetime, total: float, left: float | None = None, right: float | None = None
) -> PumpSession:
    return PumpSession(chat_id=1, started_at=moment, total_ml=total, left_ml=left, right_ml=right)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_a_session_after_local_midnight_counts_for_the_new_day() -> None:
    sessions = [
        session(utc(2026, 3, 10, 22, 45), 100),  # 23:45 on 10 March in Oslo
        session(utc(2026, 3, 10, 23, 15), 80),  # 00:15 on 11 March in Oslo
        session(utc(2026, 3, 11, 2, 15), 120),  # 03:15 on 11 March
    ]
    tenth, eleventh = summaries(sessions, OSLO, date(2026, 3, 10), date(2026, 3, 11))
    assert (tenth.count, tenth.total_ml) == (1, 100)
    assert (eleventh.count, eleventh.total_ml) == (2, 200)
    # The night's gaps belong to the day they end in: 23:45 -> 00:15 -> 03:15.
    assert eleventh.longest_gap is not None
    assert eleventh.longest_gap.length == timedelta(hours=3)
    assert eleventh.average_ml == 100


def test_the_first_gap_of_a_day_is_measured_from_the_evening_before() -> None:
    sessions = [
        session(utc(2026, 3, 9, 21, 0), 90),  # 22:00 on 9 March, before the period
        session(utc(2026, 3, 10, 4, 30), 150),  # 05:30 on 10 March
        session(utc(2026, 3, 10, 7, 30), 100),
    ]
    (tenth,) = summaries(sessions, OSLO, date(2026, 3, 10), date(2026, 3, 10))
    assert tenth.count == 2 and tenth.total_ml == 250  # the evening before is not counted
    assert tenth.longest_gap is not None
    assert tenth.longest_gap.length == timedelta(hours=7, minutes=30)
    assert tenth.longest_gap.ended_at == utc(2026, 3, 10, 4, 30)


def test_spring_forward_day_is_23_hours_and_gaps_are_real_time() -> None:
    # 29 March 2026 in Oslo: 02:00 jumps to 03:00, the local day is 22:00 UTC..22:00 UTC (23 h).
    sessions = [
        session(utc(2026, 3, 28, 23, 30), 100),  # 00:30 CET on 29 March
        session(utc(2026, 3, 29, 1, 30), 110),  # 03:30 CEST: three hours on the wall, two real
        session(utc(2026, 3, 29, 21, 45), 120),  # 23:45 CEST on 29 March
        session(utc(2026, 3, 29, 22, 15), 130),  # 00:15 CEST on 30 March
    ]
    before, dst_day, after = summaries(sessions, OSLO, date(2026, 3, 28), date(2026, 3, 30))
    assert (before.count, dst_day.count, after.count) == (0, 3, 1)
    assert dst_day.total_ml == 330
    assert after.total_ml == 130
    first_gap = sessions[1].started_at - sessions[0].started_at
    assert first_gap == timedelta(hours=2)
    assert dst_day.longest_gap is not None
    assert dst_day.longest_gap.length == timedelta(hours=20, minutes=15)
    assert after.longest_gap is not None
    assert after.longest_gap.length == timedelta(minutes=30)


def test_fall_back_day_is_25_hours_and_the_repeated_hour_counts_once_each() -> None:
    # 25 October 2026 in Oslo: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
    first_0230 = datetime(2026, 10, 25, 2, 30, tzinfo=OSLO, fold=0)
    second_0230 = datetime(2026, 10, 25, 2, 30, tzinfo=OSLO, fold=1)
    sessions = [
        session(utc(2026, 10, 24, 22, 0), 100),  # 00:00 CEST, the first minute of the day
        session(first_0230, 90),
        session(second_0230, 80),
        session(utc(2026, 10, 25, 22, 59), 70),  # 23:59 CET, the last minute of the day
        session(utc(2026, 10, 25, 23, 0), 60),  # 00:00 CET on 26 October
    ]
    (day,) = summaries(sessions, OSLO, date(2026, 10, 25), date(2026, 10, 25))
    assert day.count == 4
    assert day.total_ml == 340
    # The same wall-clock time twice is an hour apart in real time, not zero.
    assert second_0230.astimezone(UTC) - first_0230.astimezone(UTC) == timedelta(hours=1)
    assert day.longest_gap is not None
    assert day.longest_gap.length == timedelta(hours=21, minutes=29)


def test_gaps_use_real_time_even_when_sessions_carry_the_local_zone() -> None:
    # Aware datetimes in one zone subtract by the wall clock in Python; stats must not.
    a = session(datetime(2026, 3, 29, 1, 30, tzinfo=OSLO), 100)
    b = session(datetime(2026, 3, 29, 3, 30, tzinfo=OSLO), 100)
    assert b.started_at - a.started_at == timedelta(hours=2)  # Python's wall-clock answer
    day = day_summary([a, b], OSLO, date(2026, 3, 29))
    assert day.longest_gap is not None
    assert day.longest_gap.length == timedelta(hours=1)


def test_left_right_split_and_what_was_logged_without_a_side() -> None:
    moment = utc(2026, 3, 10, 8)
    day = day_summary(
        [session(moment, 130, 60, 70), session(moment + timedelta(hours=3), 90)],
        OSLO,
        date(2026, 3, 10),
    )
    assert (day.left_ml, day.right_ml, day.unsided_ml) == (60, 70, 90)
    assert day.left_share is not None and round(day.left_share * 100) == 46
    # The same split as /week prints it under its table.
    period = period_summary([day], today=date(2026, 3, 11))
    text = "\n".join(summary_lines(period, translator("en"), Unit.ML, OSLO))
    assert "Left 60\u00a0ml, right 70\u00a0ml" in text
    assert "Logged without a side: 90\u00a0ml" in text
    assert "Longest gap: 3 h, ending Tue, Mar 10 at 12:00" in text


def test_the_daily_average_leaves_out_today_and_days_without_logs() -> None:
    sessions = [
        session(utc(2026, 3, 7, 8), 700),
        session(utc(2026, 3, 9, 8), 800),
        session(utc(2026, 3, 10, 8), 100),  # today, still going
    ]
    days = summaries(sessions, OSLO, date(2026, 3, 4), date(2026, 3, 10))
    period = period_summary(days, today=date(2026, 3, 10))
    assert period.total_ml == 1600 and period.count == 3
    assert period.full_days_with_logs == 2
    assert period.daily_average_ml == 750


def test_the_band_is_information_in_both_languages() -> None:
    assert band_position(749) == BandPosition.UNDER
    assert band_position(750) == band_position(800) == BandPosition.WITHIN
    assert band_position(801) == BandPosition.OVER
    under = guideline_note(translator("en"), Unit.ML, daily_average_ml=620, days=3)
    assert "620\u00a0ml, is 130\u00a0ml under the 750–800\u00a0ml a day" in under
    assert "not a target" in under
    under_nb = guideline_note(translator("nb"), Unit.ML, daily_average_ml=620, days=3)
    assert "er 130\u00a0ml under de 750–800\u00a0ml i døgnet" in under_nb
    for text in (under, under_nb):
        lowered = text.lower()
        assert not any(
            word in lowered for word in ("too low", "not enough", "for lite", "for lav", "bad")
        )


def test_the_guideline_appears_only_when_the_decision_says_so() -> None:
    moments = [utc(2026, 3, day, hour) for day in (7, 8, 9) for hour in (5, 8, 11, 14, 17)]
    days = summaries([session(m, 140) for m in moments], OSLO, date(2026, 3, 4), date(2026, 3, 10))
    period = period_summary(days, today=date(2026, 3, 10))
    tr = translator("en")

    def text(exclusive: bool) -> str:
        band = band_decision(exclusive, days, date(2026, 3, 10))
        return period_text(period, tr, Unit.ML, OSLO, today=date(2026, 3, 10), band=band)

    assert "750" not in text(False)
    assert "Your daily average, 700\u00a0ml, is 50\u00a0ml under the 750–800\u00a0ml" in text(True)


moments = st.datetimes(
    min_value=datetime(2026, 3, 20), max_value=datetime(2026, 4, 5), timezones=st.just(UTC)
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(moments, st.integers(min_value=1, max_value=400)), max_size=40),
    st.sampled_from(["Europe/Oslo", "America/New_York", "Australia/Lord_Howe", "UTC"]),
)
def test_every_session_counts_once_on_its_local_day(
    entries: list[tuple[datetime, int]], zone: str
) -> None:
    tz = ZoneInfo(zone)
    sessions = [session(moment, total) for moment, total in entries]
    first, last = date(2026, 3, 20), date(2026, 4, 5)
    days = summaries(sessions, tz, first, last)
    assert [d.day for d in days] == [first + timedelta(days=i) for i in range(17)]
    inside = [s for s in sessions if first <= s.started_at.astimezone(tz).date() <= last]
    assert sum(d.count for d in days) == len(inside)
    assert sum(d.total_ml for d in days) == sum(s.total_ml for s in inside)
    for d in days:
        if d.longest_gap is not None:
            assert d.longest_gap.length >= timedelta(0)
            assert d.longest_gap.ended_at.astimezone(tz).date() == d.day
