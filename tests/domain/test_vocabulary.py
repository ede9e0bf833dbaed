"""One vocabulary: every word for hours, minutes and days works in every reader that takes
that kind of span (logging, ago, /away, /pause, typed reminder plans), and the readers agree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.parsing import ParsedLog, parse_log, parse_time
from bot.domain.plan_text import parse_plan_text
from bot.domain.stash import Place, parse_stash_text
from bot.domain.timetext import parse_duration, parse_pause
from bot.domain.tips import parse_hours
from bot.domain.units import Unit
from bot.domain.vocabulary import (
    DAY_WORDS,
    HOUR_WORDS,
    MINUTE_WORDS,
    MORNING_WORDS,
    OFF_WORDS,
    OUNCE_WORDS,
    VOLUME_WORDS,
)

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

HOURS = sorted(HOUR_WORDS)
MINUTES = sorted(MINUTE_WORDS)


def logged(text: str) -> ParsedLog:
    result = parse_log(text, "nb", Unit.ML, NOW, OSLO)
    assert isinstance(result, ParsedLog), (text, result)
    return result


@pytest.mark.parametrize("word", HOURS)
def test_an_hour_word_works_everywhere(word: str) -> None:
    assert logged(f"100 ml 2 {word}").duration_min == 120  # how long it took
    assert logged(f"100 ml 2{word}").duration_min == 120
    assert logged(f"100 for 2 {word} siden").started_at == NOW - timedelta(hours=2)
    assert logged(f"100 2 {word} ago").started_at == NOW - timedelta(hours=2)
    assert parse_time(f"for 2 {word} siden", NOW, OSLO) == NOW - timedelta(hours=2)
    assert parse_hours(f"3 {word}") == 3  # /away
    assert parse_hours(f"3{word}") == 3
    assert parse_pause(f"3 {word}") == timedelta(hours=3)  # /pause
    assert parse_plan_text(f"every 3 {word}").interval == timedelta(hours=3)  # /remind
    assert parse_plan_text(f"hver 3 {word}").interval == timedelta(hours=3)
    assert parse_plan_text(f"every 3h night 5 {word}").night_interval == timedelta(hours=5)
    assert parse_duration(f"2,5 {word}") == timedelta(minutes=150)


@pytest.mark.parametrize("word", MINUTES)
def test_a_minute_word_works_everywhere(word: str) -> None:
    assert logged(f"100 ml 20 {word}").duration_min == 20
    assert logged(f"100 ml 20{word}").duration_min == 20
    assert logged(f"100 ml 1 t 20 {word}").duration_min == 80
    assert logged(f"100 for 20 {word} siden").started_at == NOW - timedelta(minutes=20)
    assert parse_time(f"20 {word} ago", NOW, OSLO) == NOW - timedelta(minutes=20)
    assert parse_hours(f"90 {word}") == 1.5
    assert parse_hours(f"1 h 30 {word}") == 1.5
    assert parse_pause(f"90 {word}") == timedelta(minutes=90)
    assert parse_plan_text(f"every 90 {word}").interval == timedelta(minutes=90)
    assert parse_plan_text(f"every 2 t 30 {word}").interval == timedelta(minutes=150)


@pytest.mark.parametrize("word", sorted(DAY_WORDS))
def test_a_day_word_works_everywhere_a_day_fits(word: str) -> None:
    assert logged(f"100 for 2 {word} siden").started_at == NOW - timedelta(days=2)
    assert parse_time(f"2 {word} ago", NOW, OSLO) == NOW - timedelta(days=2)
    assert parse_hours(f"1 {word}") == 24  # /away, up to 24 hours
    assert parse_pause(f"2 {word}") == timedelta(days=2)  # /pause, up to 48 hours
    assert parse_plan_text(f"every 1 {word}").interval == timedelta(days=1)  # up to 24 hours


@pytest.mark.parametrize("word", sorted(MORNING_WORDS))
def test_a_morning_word_pauses_until_morning(word: str) -> None:
    assert parse_pause(word) is not None and not isinstance(parse_pause(word), timedelta)


@pytest.mark.parametrize("word", sorted(OFF_WORDS))
def test_an_off_word_turns_reminders_off(word: str) -> None:
    assert parse_plan_text(word).off


def test_the_readers_agree_on_every_span() -> None:
    """The same typed span means the same length to /away, /pause and a typed plan."""
    for typed in ["2 t", "2h30", "2,5 timer", "150 min", "2 hours 30 minutes", "en time"]:
        span = parse_duration(typed)
        assert span is not None, typed
        assert parse_hours(typed) == span / timedelta(hours=1)
        assert parse_pause(typed) == span
        assert parse_plan_text(f"every {typed}").interval == span


@pytest.mark.parametrize("word", sorted(OUNCE_WORDS))
def test_an_ounce_word_works_in_logs_and_the_stash(word: str) -> None:
    assert logged(f"4 {word}").total_ml == 118.3
    request = parse_stash_text(f"froze 4 {word}", Unit.ML)
    assert request is not None and request.place is Place.FREEZER
    assert round(request.amount_ml or 0, 1) == 118.3


@pytest.mark.parametrize("word", sorted(VOLUME_WORDS))
def test_a_volume_word_works_in_logs(word: str) -> None:
    assert logged(f"0,5 {word}").total_ml == 0.5 * VOLUME_WORDS[word]


@pytest.mark.parametrize("word", sorted(w for w, ml in VOLUME_WORDS.items() if ml == 1))
def test_a_millilitre_word_works_in_the_stash(word: str) -> None:
    request = parse_stash_text(f"fryser 120 {word}", Unit.OZ)
    assert request is not None and request.amount_ml == 120
