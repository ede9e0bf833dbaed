"""The band rule: when /week, /month and /chart compare pumped milk with 750–800 ml a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.guideline import MIN_SESSIONS_A_DAY, BandView, band_decision
from bot.domain.stats import summaries
from bot.domain.units import Unit
from bot.storage.models import PumpSession
from bot.text.i18n import translator
from bot.text.reports import band_note

OSLO = ZoneInfo("Europe/Oslo")
TODAY = date(2026, 3, 10)


def days_of(sessions_per_day: dict[date, tuple[int, float]]) -> list:
    """A week of summaries with `count` sessions of `ml` on the given local days."""
    sessions = []
    for day, (count, ml) in sessions_per_day.items():
        first = datetime(day.year, day.month, day.day, 6, tzinfo=OSLO).astimezone(UTC)
        sessions += [
            PumpSession(chat_id=1, started_at=first + timedelta(hours=2 * i), total_ml=ml)
            for i in range(count)
        ]
    return summaries(sessions, OSLO, TODAY - timedelta(days=6), TODAY)


def test_no_answer_to_exclusive_means_no_band_whatever_the_log() -> None:
    realistic = {TODAY - timedelta(days=n): (8, 80.0) for n in range(1, 7)}
    decision = band_decision(False, days_of(realistic), TODAY)
    assert decision.view == BandView.HIDDEN
    assert band_note(decision, translator("en"), Unit.ML) == ""


def test_yes_with_one_day_of_one_session_is_no_verdict() -> None:
    decision = band_decision(True, days_of({TODAY - timedelta(days=1): (1, 90.0)}), TODAY)
    assert decision.view == BandView.WAITING and decision.daily_average_ml is None
    text = band_note(decision, translator("en"), Unit.ML)
    assert "under" not in text and "90" not in text
    assert "3 finished days with at least 5 logged sessions each; so far it has 0" in text


def test_days_with_few_logged_sessions_do_not_count_and_today_never_does() -> None:
    thin = {TODAY - timedelta(days=n): (MIN_SESSIONS_A_DAY - 1, 130.0) for n in range(1, 7)}
    thin[TODAY] = (9, 100.0)  # today, however full, is still going
    decision = band_decision(True, days_of(thin), TODAY)
    assert decision.view == BandView.WAITING and decision.complete_days == 0


def test_yes_with_three_realistic_finished_days_compares_only_those_days() -> None:
    log = {TODAY - timedelta(days=n): (6, 100.0) for n in (1, 2, 3)}
    log[TODAY - timedelta(days=4)] = (1, 50.0)  # a day with one logged session: left out
    decision = band_decision(True, days_of(log), TODAY)
    assert decision.view == BandView.COMPARE
    assert decision.complete_days == 3 and decision.daily_average_ml == 600
    english = band_note(decision, translator("en"), Unit.ML)
    assert "Your daily average, 600\u00a0ml, is 150\u00a0ml under the 750–800\u00a0ml" in english
    assert "over the 3 finished days with at least 5 logged sessions" in english
    assert "not a target" in english
    norwegian = band_note(decision, translator("nb"), Unit.ML)
    assert "600\u00a0ml" in norwegian and "750–800\u00a0ml" in norwegian
