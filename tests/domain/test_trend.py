"""The supply trend: parent days, the rolling 24-hour total, the rule-of-thumb comparison of
two weeks, and when a drop has lasted long enough to mention (to an exclusive pumper)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.daybook import MIDNIGHT
from bot.domain.trend import clamp_weeks, reach_back, supply_trend
from bot.storage.models import PumpSession, Unit
from bot.text.i18n import translator
from bot.text.trend import trend_caption

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Oslo
TODAY = date(2026, 3, 10)
HOURS = (6, 9, 12, 15, 18, 21)  # local clock hours of a day's six sessions


def day_of(day: date, per_session: float, *, minutes: int | None = 20) -> list[PumpSession]:
    """Six sessions on a local day, split 48/52 between left and right."""
    left = round(per_session * 0.48)
    return [
        PumpSession(
            chat_id=1,
            started_at=datetime.combine(day, time(hour), tzinfo=OSLO).astimezone(UTC),
            left_ml=left,
            right_ml=per_session - left,
            total_ml=per_session,
            duration_min=minutes,
        )
        for hour in HOURS
    ]


def weeks_of(per_day: Sequence[float]) -> list[PumpSession]:
    """One day per amount (a day's total), the last one yesterday."""
    sessions = []
    for back, total in enumerate(reversed(per_day), start=1):
        if total:
            sessions += day_of(TODAY - timedelta(days=back), total / len(HOURS))
    return sessions


def caption(sessions: list[PumpSession], *, exclusive: bool, language: str = "en") -> str:
    trend = supply_trend(sessions, NOW, OSLO, MIDNIGHT, 4, exclusive_pumping=exclusive)
    return trend_caption(trend, translator(language), Unit.ML, exclusive_pumping=exclusive)


def test_three_weeks_compare_the_last_seven_days_with_the_seven_before() -> None:
    sessions = weeks_of([700] * 7 + [720] * 7 + [690] * 7)
    trend = supply_trend(sessions, NOW, OSLO, MIDNIGHT, 4, exclusive_pumping=False)
    assert trend.comparison.last_ml == pytest.approx(690)
    assert trend.comparison.previous_ml == pytest.approx(720)
    assert len(trend.days) == 28 and trend.days[-1].day == TODAY
    assert trend.days[-2].average_ml == pytest.approx(690)
    assert trend.days[0].average_ml is None  # nothing logged in the week before it
    text = caption(sessions, exclusive=False)
    assert text.splitlines() == [
        "📈 Last 7 days: 690\u00a0ml a day, 4% under the 7 days before (a rule-of-thumb "
        "comparison).",
        "Left 48%, right 52% of what was logged per side. 5.8 ml a minute in sessions with a "
        "duration.",
    ]


def test_the_summary_in_bokmaal() -> None:
    sessions = weeks_of([720] * 7 + [750] * 7)
    text = caption(sessions, exclusive=False, language="nb")
    assert "Siste 7 dager: 750\u00a0ml om dagen, 4\u00a0% over de 7 dagene før" in text
    assert "tommelfingerregel" in text


def test_too_few_logged_days_say_so_instead_of_comparing() -> None:
    sessions = weeks_of([720] * 7 + [720, 0, 720, 0, 720, 0, 720])
    text = caption(sessions, exclusive=True)
    assert "Last 7 days: 720\u00a0ml a day, over 4 logged days." in text
    assert "Not enough logged yet" in text and "under" not in text and "over the" not in text


def test_a_lasting_drop_is_mentioned_only_to_an_exclusive_pumper() -> None:
    sessions = weeks_of([720] * 7 + [690] * 4 + [500] * 3)
    trend = supply_trend(sessions, NOW, OSLO, MIDNIGHT, 4, exclusive_pumping=True)
    assert trend.sustained_drop and trend.comparison.change == pytest.approx(609 / 720 - 1, 0.01)
    exclusive = caption(sessions, exclusive=True)
    assert "15% under the 7 days before" in exclusive
    assert "each of the last 3 days was low too" in exclusive
    assert "contact your health visitor, your doctor or the maternity ward" in exclusive
    other = caption(sessions, exclusive=False)
    assert "15% under the 7 days before" in other  # the plain numbers, for anyone
    assert "health visitor" not in other and "💛" not in other
    assert not supply_trend(
        sessions, NOW, OSLO, MIDNIGHT, 4, exclusive_pumping=False
    ).sustained_drop


def test_one_low_day_is_no_lasting_drop() -> None:
    # The week is 20 % down, but the last day is back up: not three days running.
    sessions = weeks_of([720] * 7 + [560] * 6 + [720])
    trend = supply_trend(sessions, NOW, OSLO, MIDNIGHT, 4, exclusive_pumping=True)
    assert trend.comparison.change is not None and trend.comparison.change < -0.15
    assert not trend.sustained_drop


def test_a_small_dip_is_no_drop() -> None:
    sessions = weeks_of([720] * 7 + [650] * 7)  # 10 % under
    assert not supply_trend(sessions, NOW, OSLO, MIDNIGHT, 4, exclusive_pumping=True).sustained_drop


def test_the_rolling_total_holds_the_last_24_hours_at_each_hour() -> None:
    sessions = weeks_of([600] * 3)
    trend = supply_trend(sessions, NOW, OSLO, MIDNIGHT, 2, exclusive_pumping=False)
    yesterday = len(trend.days) - 1  # x of today's start: yesterday's six sessions before it
    assert [ml for x, ml in trend.rolling if x == pytest.approx(yesterday)] == [600]
    # At 07:00 today the 24 hours hold yesterday's 09:00-21:00 sessions: five of six.
    seven = [ml for x, ml in trend.rolling if x == pytest.approx(yesterday + 7 / 24)]
    assert seven == [500]
    assert trend.rolling[-1][0] == pytest.approx(yesterday + 10 / 24)  # up to now


def test_the_trend_counts_by_the_parents_day() -> None:
    one_am = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)  # 01:00 today in Oslo
    sessions = [PumpSession(chat_id=1, started_at=one_am, total_ml=80, duration_min=10)]
    four = supply_trend(sessions, NOW, OSLO, time(4), 2, exclusive_pumping=False)
    midnight = supply_trend(sessions, NOW, OSLO, MIDNIGHT, 2, exclusive_pumping=False)
    assert [d.summary.total_ml for d in four.days[-2:]] == [80, 0]
    assert [d.summary.total_ml for d in midnight.days[-2:]] == [0, 80]
    assert four.days[-2].per_minute_ml == 8
    assert four.comparison.last_ml == 80 and midnight.comparison.last_ml is None


def test_a_dst_day_is_one_day_wide_on_the_chart() -> None:
    now = datetime(2026, 3, 30, 9, tzinfo=UTC)
    sessions = [
        PumpSession(chat_id=1, started_at=datetime(2026, 3, 29, 10, tzinfo=UTC), total_ml=100)
    ]
    trend = supply_trend(sessions, now, OSLO, MIDNIGHT, 2, exclusive_pumping=False)
    dst_day = [x for x, _ in trend.rolling if len(trend.days) - 2 <= x < len(trend.days) - 1]
    assert len(dst_day) == 23  # 23 hourly points in a 23-hour day
    assert reach_back(now, OSLO, MIDNIGHT, 2) == datetime(2026, 3, 9, 23, tzinfo=UTC)


def test_weeks_are_kept_between_two_and_eight() -> None:
    assert [clamp_weeks(w) for w in (None, 1, 2, 5, 8, 52)] == [4, 2, 2, 5, 8, 8]
