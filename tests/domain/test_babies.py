"""Several babies: the guideline band, the oversupply nudge and the stash's days covered count
one band per baby."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.guideline import band_decision
from bot.domain.nudges import NudgeKind, due_nudge, high_day_ml, high_totals_running
from bot.domain.stash import days_covered
from bot.domain.stats import (
    BandPosition,
    DaySummary,
    band_distance_ml,
    band_position,
    band_range_ml,
)
from bot.domain.units import Unit
from bot.storage.models import PumpSession
from bot.text.i18n import translator
from bot.text.reports import band_note, band_text

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def days_at(ml_a_day: float, n: int = 3) -> list[PumpSession]:
    """Four sessions on each of the last `n` local days."""
    moments = [NOW - timedelta(days=d, hours=h) for d in range(n) for h in (1, 3, 5, 7)]
    return [PumpSession(chat_id=1, started_at=m, total_ml=ml_a_day / 4) for m in moments]


@pytest.mark.parametrize(
    ("babies", "band"), [(1, (750, 800)), (2, (1500, 1600)), (3, (2250, 2400))]
)
def test_the_band_is_one_per_baby(babies: int, band: tuple[int, int]) -> None:
    assert band_range_ml(babies) == band
    assert band_text(translator("en"), Unit.ML, babies) == f"{band[0]:,}–{band[1]:,}\u00a0ml"


def test_1500_ml_a_day_is_over_the_band_for_one_and_within_it_for_twins() -> None:
    assert band_position(1500) == BandPosition.OVER
    assert band_distance_ml(1500) == 700
    assert band_position(1500, babies=2) == BandPosition.WITHIN
    assert band_distance_ml(1500, babies=2) == 0
    assert band_position(1500, babies=3) == BandPosition.UNDER
    assert band_distance_ml(1500, babies=3) == 750


def test_the_stats_note_for_twins_counts_two_bands_and_says_each() -> None:
    today = NOW.date()
    days = [
        DaySummary(
            day=today - timedelta(days=d),
            count=6,
            total_ml=1550,
            left_ml=0,
            right_ml=0,
            longest_gap=None,
        )
        for d in range(1, 4)
    ]
    tr = translator("en")
    one = band_note(band_decision(True, days, today), tr, Unit.ML)
    twins = band_note(band_decision(True, days, today, babies=2), tr, Unit.ML)
    assert "750\u00a0ml over the 750–800\u00a0ml a day that a baby" in one
    assert "within the 1,500–1,600\u00a0ml a day that 2 babies" in twins
    assert "750–800\u00a0ml each, a rule of thumb" in twins


def test_the_oversupply_nudge_threshold_is_1000_ml_a_baby() -> None:
    assert high_day_ml(1) == 1000 and high_day_ml(2) == 2000
    twins_day = days_at(1500)
    assert high_totals_running(twins_day, NOW, OSLO)
    assert not high_totals_running(twins_day, NOW, OSLO, babies=2)
    assert due_nudge(twins_day, NOW, OSLO, None, on_building_plan=False) == (
        NudgeKind.OVERPRODUCTION
    )
    assert due_nudge(twins_day, NOW, OSLO, None, on_building_plan=False, babies=2) is None
    assert high_totals_running(days_at(2100), NOW, OSLO, babies=2)


def test_days_covered_divide_by_the_babies() -> None:
    assert days_covered(3200) == (4, 4)
    assert days_covered(3200, babies=2) == (2, 2)
    assert days_covered(3200, babies=3) == (1, 1)
    assert days_covered(1200, babies=2) is None  # less than a day for two
