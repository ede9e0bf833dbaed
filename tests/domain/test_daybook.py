"""Local days in UTC: a day is where the parent lives, 23 or 25 hours long on DST days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.domain.daybook import day_totals, local_day_range, today_range
from bot.storage.models import PumpSession

OSLO = ZoneInfo("Europe/Oslo")


def test_half_past_midnight_in_oslo_belongs_to_the_new_day() -> None:
    now = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # 00:30 on 11 March in Oslo
    start, end = today_range(now, OSLO)
    assert start == datetime(2026, 3, 10, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 11, 23, 0, tzinfo=UTC)


def test_dst_days_are_23_and_25_hours_long() -> None:
    spring = local_day_range(date(2026, 3, 29), OSLO)
    autumn = local_day_range(date(2026, 10, 25), OSLO)
    assert (spring[1] - spring[0]).total_seconds() == 23 * 3600
    assert (autumn[1] - autumn[0]).total_seconds() == 25 * 3600


def test_day_totals_add_up_sides() -> None:
    moment = datetime(2026, 3, 10, 8, tzinfo=UTC)
    sessions = [
        PumpSession(chat_id=1, started_at=moment, left_ml=60, right_ml=70, total_ml=130),
        PumpSession(chat_id=1, started_at=moment, total_ml=90),
    ]
    totals = day_totals(sessions)
    assert (totals.count, totals.total_ml, totals.left_ml, totals.right_ml) == (2, 220, 60, 70)
