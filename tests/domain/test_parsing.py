"""Reading a session from one message: a table of what parents type, in both languages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.parsing import (
    DURATION_MAX_MIN,
    MAX_AGE,
    NOTE_MAX_CHARS,
    SESSION_MAX_ML,
    SIDE_MAX_ML,
    LogProblem,
    ParsedLog,
    Problem,
    parse_log,
    parse_time,
)
from bot.domain.units import Method, Unit

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # 10:00 in Oslo, a Tuesday


@dataclass(frozen=True)
class Expect:
    total: float
    left: float | None = None
    right: float | None = None
    minutes: int | None = None
    method: Method = Method.PUMP
    note: str | None = None
    at: str = "10:00"  # local start time in Oslo
    yesterday: bool = False


HAND = Method.HAND
ML, OZ = Unit.ML, Unit.OZ

TABLE: list[tuple[str, str, Unit, Expect | Problem]] = [
    # English: amounts and sides
    ("120", "en", ML, Expect(120)),
    ("120 ml", "en", ML, Expect(120)),
    ("120ml", "en", ML, Expect(120)),
    ("120.5 ml", "en", ML, Expect(120.5)),
    ("4 oz", "en", ML, Expect(118.3)),
    ("4,5oz", "en", ML, Expect(133.1)),
    ("4.5 OZ", "en", ML, Expect(133.1)),
    ("2", "en", OZ, Expect(59.1)),
    ("60 ml", "en", OZ, Expect(60)),
    ("L 60 R 70", "en", ML, Expect(130, 60, 70)),
    ("l60 r70", "en", ML, Expect(130, 60, 70)),
    ("left 60 right 55", "en", ML, Expect(115, 60, 55)),
    ("LEFT 60, RIGHT 55", "en", ML, Expect(115, 60, 55)),
    ("60ml left 70ml right", "en", ML, Expect(130, 60, 70)),
    ("right 80", "en", ML, Expect(80, right=80)),
    ("both 150", "en", ML, Expect(150)),
    ("both sides 150", "en", ML, Expect(150)),
    ("total 120 L 60 R 60", "en", ML, Expect(120, 60, 60)),
    ("pumped 120 ml", "en", ML, Expect(120)),
    ("L 500 R 500", "en", ML, Expect(1000, 500, 500)),
    # English: durations, times, method, note
    ("L 60 R 70 20min", "en", ML, Expect(130, 60, 70, minutes=20, at="09:40")),
    ("120 ml 15m", "en", ML, Expect(120, minutes=15, at="09:45")),
    ("120 1h", "en", ML, Expect(120, minutes=60, at="09:00")),
    ("120 1h 20min", "en", ML, Expect(120, minutes=80, at="08:40")),
    ("100 180 min", "en", ML, Expect(100, minutes=180, at="07:00")),
    ("90 ml at 14:30", "en", ML, Expect(90, at="14:30", yesterday=True)),
    ("90 at 9:15", "en", ML, Expect(90, at="09:15")),
    ("90 ml 07:30", "en", ML, Expect(90, at="07:30")),
    ("100 at 7pm", "en", ML, Expect(100, at="19:00", yesterday=True)),
    ("100 at 7", "en", ML, Expect(100, at="07:00")),
    ("100 20 min ago", "en", ML, Expect(100, at="09:40")),
    ("100 an hour ago", "en", ML, Expect(100, at="09:00")),
    ("yesterday 23:00 100", "en", ML, Expect(100, at="23:00", yesterday=True)),
    ("hand 50", "en", ML, Expect(50, method=HAND)),
    ("hand expressed 40 ml", "en", ML, Expect(40, method=HAND)),
    ("hand pump 100", "en", ML, Expect(100)),
    ("120 # sore left side", "en", ML, Expect(120, note="sore left side")),
    (
        "L 60 R 70 20 min at 8:00 # morning, baby asleep",
        "en",
        ML,
        Expect(130, 60, 70, minutes=20, at="08:00", note="morning, baby asleep"),
    ),
    # Norwegian
    ("120 ml", "nb", ML, Expect(120)),
    ("v 50 h 60", "nb", ML, Expect(110, 50, 60)),
    ("V50 H60", "nb", ML, Expect(110, 50, 60)),
    ("venstre 50 høyre 60", "nb", ML, Expect(110, 50, 60)),
    ("Venstre 50, Høyre 60", "nb", ML, Expect(110, 50, 60)),
    ("60 v 70 h", "nb", ML, Expect(130, 60, 70)),
    ("høyre 45", "nb", ML, Expect(45, right=45)),
    ("begge 150", "nb", ML, Expect(150)),
    ("begge sider 150 ml", "nb", ML, Expect(150)),
    ("1 dl", "nb", ML, Expect(100)),
    ("1,5 dl", "nb", ML, Expect(150)),
    ("pumpet 90 ml kl 14.30", "nb", ML, Expect(90, at="14:30", yesterday=True)),
    ("kl. 7 100", "nb", ML, Expect(100, at="07:00")),
    ("kl 7.45 100 ml", "nb", ML, Expect(100, at="07:45")),
    ("100 for 20 min siden", "nb", ML, Expect(100, at="09:40")),
    ("100 ml for 2 timer siden", "nb", ML, Expect(100, at="08:00")),
    ("i går 23:00 100", "nb", ML, Expect(100, at="23:00", yesterday=True)),
    ("I GÅR kl 22.15 v 60 h 60", "nb", ML, Expect(120, 60, 60, at="22:15", yesterday=True)),
    ("igår 23:00 100", "nb", ML, Expect(100, at="23:00", yesterday=True)),
    ("håndmelking 30 ml", "nb", ML, Expect(30, method=HAND)),
    ("håndmelket 40", "nb", ML, Expect(40, method=HAND)),
    ("120 20 minutter", "nb", ML, Expect(120, minutes=20, at="09:40")),
    ("120 1 t", "nb", ML, Expect(120, minutes=60, at="09:00")),
    ("1,5 t 100", "nb", ML, Expect(100, minutes=90, at="08:30")),
    ("v 60 h 70 15 min # litt sår", "nb", ML, Expect(130, 60, 70, 15, at="09:45", note="litt sår")),
    ("120 i dag kl 8", "nb", ML, Expect(120, at="08:00")),
    ("pumpa 80 ml i 25 min", "nb", ML, Expect(80, minutes=25, at="09:35")),
    # Thousands: a thousand or a question, never one millilitre
    ("1,000 ml", "en", ML, Expect(1000)),
    ("1.000 ml", "nb", ML, Expect(1000)),
    ("1 000 ml", "en", ML, Expect(1000)),
    ("1 000 ml", "nb", ML, Expect(1000)),
    ("1\u00a0000", "nb", ML, Expect(1000)),
    ("1\u2009000 ml", "en", ML, Expect(1000)),
    ("0,5 liter", "nb", ML, Expect(500)),
    ("1 litre", "en", ML, Expect(1000)),
    ("L 1 R 2", "en", ML, Expect(3, 1, 2)),
    ("1 l 2 r", "en", ML, Expect(3, 1, 2)),
    ("begge 1.000", "nb", ML, Expect(1000)),
    ("1.000 ml", "en", ML, Problem.AMBIGUOUS_NUMBER),
    ("1,000 ml", "nb", ML, Problem.AMBIGUOUS_NUMBER),
    ("L 0,500 R 1,000", "nb", ML, Problem.AMBIGUOUS_NUMBER),
    ("1,500 ml", "en", ML, Problem.TOTAL_TOO_LARGE),
    ("1.500", "nb", ML, Problem.TOTAL_TOO_LARGE),
    ("1 500 ml", "nb", ML, Problem.TOTAL_TOO_LARGE),
    ("1,000,000 ml", "en", ML, Problem.TOTAL_TOO_LARGE),
    ("1.000,5 ml", "nb", ML, Problem.TOTAL_TOO_LARGE),
    ("L 1,000 R 50", "en", ML, Problem.SIDE_TOO_LARGE),
    ("1,2.3 ml", "en", ML, Problem.UNREADABLE),
    # Decimals stay decimals in both languages
    ("60,5 ml", "nb", ML, Expect(60.5)),
    ("60,5", "en", ML, Expect(60.5)),
    ("4,5oz", "nb", ML, Expect(133.1)),
    ("0,500 dl", "en", ML, Expect(50)),
    ("1,25 dl", "nb", ML, Expect(125)),
    # Numbers apart stay apart when they make sense that way
    ("L 60 R 70 100 min", "en", ML, Expect(130, 60, 70, minutes=100, at="08:20")),
    # Nothing pumped is nothing to log
    ("0 ml", "en", ML, Problem.ZERO_AMOUNT),
    ("L 0 R 0", "en", ML, Problem.ZERO_AMOUNT),
    ("v 0 h 0", "nb", ML, Problem.ZERO_AMOUNT),
    ("0,0 dl", "nb", ML, Problem.ZERO_AMOUNT),
    ("0 oz", "en", OZ, Problem.ZERO_AMOUNT),
    ("0.01 ml", "en", ML, Problem.ZERO_AMOUNT),
    ("L 0 R 60", "en", ML, Expect(60, 0, 60)),
    # Out of range: nothing may be stored
    ("L 600 R 50", "en", ML, Problem.SIDE_TOO_LARGE),
    ("venstre 501", "nb", ML, Problem.SIDE_TOO_LARGE),
    ("600 ml right", "en", ML, Problem.SIDE_TOO_LARGE),
    ("1200", "en", ML, Problem.TOTAL_TOO_LARGE),
    ("begge 1001", "nb", ML, Problem.TOTAL_TOO_LARGE),
    ("40 oz", "en", OZ, Problem.TOTAL_TOO_LARGE),
    ("120", "en", OZ, Problem.TOTAL_TOO_LARGE),
    ("120 200 min", "en", ML, Problem.DURATION_TOO_LONG),
    ("120 4 t", "nb", ML, Problem.DURATION_TOO_LONG),
    ("120 for 8 dager siden", "nb", ML, Problem.TOO_FAR_BACK),
    ("120 200 hours ago", "en", ML, Problem.TOO_FAR_BACK),
    ("120 today 14:30", "en", ML, Problem.IN_FUTURE),
    # Something, but no amount
    ("20 min", "en", ML, Problem.MISSING_AMOUNT),
    ("kl 14", "nb", ML, Problem.MISSING_AMOUNT),
    # Unreadable
    ("hello", "en", ML, Problem.UNREADABLE),
    ("hei, hvordan går det", "nb", ML, Problem.UNREADABLE),
    ("I have 2 kids", "en", ML, Problem.UNREADABLE),
    ("", "en", ML, Problem.UNREADABLE),
    ("# just a note", "en", ML, Problem.UNREADABLE),
    ("-50", "en", ML, Problem.UNREADABLE),
    ("20-30 ml", "en", ML, Problem.UNREADABLE),
    ("120 130", "en", ML, Problem.UNREADABLE),
    ("L 60 L 70", "en", ML, Problem.UNREADABLE),
    ("L 60 R 70 total 200", "en", ML, Problem.UNREADABLE),
    ("120 yesterday", "en", ML, Problem.UNREADABLE),
    ("kl 25 100", "nb", ML, Problem.UNREADABLE),
    ("120 0 min", "en", ML, Problem.UNREADABLE),
]


def test_the_table_is_big_enough_and_covers_both_languages() -> None:
    assert len(TABLE) >= 60
    assert sum(1 for row in TABLE if row[1] == "nb") >= 25
    assert {row[3] for row in TABLE if isinstance(row[3], Problem)} == set(Problem)


@pytest.mark.parametrize(("text", "lang", "unit", "expected"), TABLE, ids=[r[0] for r in TABLE])
def test_a_message_reads_as_expected(
    text: str, lang: str, unit: Unit, expected: Expect | Problem
) -> None:
    result = parse_log(text, lang, unit, NOW, OSLO)
    if expected is Problem.AMBIGUOUS_NUMBER:
        assert isinstance(result, LogProblem) and result.kind is expected
        return
    if isinstance(expected, Problem):
        assert result == LogProblem(expected)
        return
    assert isinstance(result, ParsedLog), result
    local = result.started_at.astimezone(OSLO)
    got = Expect(
        total=result.total_ml,
        left=result.left_ml,
        right=result.right_ml,
        minutes=result.duration_min,
        method=result.method,
        note=result.note,
        at=local.strftime("%H:%M"),
        yesterday=local.date() < NOW.astimezone(OSLO).date(),
    )
    assert got == expected
    assert result.started_at.tzinfo is not None and result.started_at <= NOW


def test_a_clock_a_few_minutes_fast_means_now_not_yesterday() -> None:
    result = parse_log("120 10:03", "en", Unit.ML, NOW, OSLO)
    assert isinstance(result, ParsedLog)
    assert result.started_at == NOW


def test_at_7_in_the_evening_means_19_00() -> None:
    evening = datetime(2026, 3, 10, 19, 30, tzinfo=UTC)  # 20:30 in Oslo
    result = parse_log("kl 7 100", "nb", Unit.ML, evening, OSLO)
    assert isinstance(result, ParsedLog)
    assert result.started_at.astimezone(OSLO).strftime("%d %H:%M") == "10 19:00"


def test_ago_is_real_time_across_the_spring_change() -> None:
    # 03:10 summer time on 29 March 2026; 30 real minutes earlier it was 01:40 winter time.
    now = datetime(2026, 3, 29, 1, 10, tzinfo=UTC)
    result = parse_log("100 30 min ago", "en", Unit.ML, now, OSLO)
    assert isinstance(result, ParsedLog)
    assert result.started_at == datetime(2026, 3, 29, 0, 40, tzinfo=UTC)
    assert result.started_at.astimezone(OSLO).strftime("%H:%M") == "01:40"


def test_a_clock_time_on_the_autumn_change_is_one_real_moment() -> None:
    now = datetime(2026, 10, 25, 9, 0, tzinfo=UTC)  # 10:00 winter time
    result = parse_log("100 kl 8", "nb", Unit.ML, now, OSLO)
    assert isinstance(result, ParsedLog)
    assert result.started_at == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)


def test_parse_time_reads_only_times() -> None:
    assert parse_time("9:15", NOW, OSLO) == datetime(2026, 3, 10, 8, 15, tzinfo=UTC)
    assert parse_time("for 20 min siden", NOW, OSLO) == NOW - timedelta(minutes=20)
    assert parse_time("i går kl 23", NOW, OSLO) == datetime(2026, 3, 9, 22, 0, tzinfo=UTC)
    assert parse_time("120 ml", NOW, OSLO) is None
    assert parse_time("hello", NOW, OSLO) is None
    assert parse_time("i dag 14:30", NOW, OSLO) == LogProblem(Problem.IN_FUTURE)


def test_a_long_note_is_cut_to_fit() -> None:
    result = parse_log("120 #" + "x" * 2000, "en", Unit.ML, NOW, OSLO)
    assert isinstance(result, ParsedLog)
    assert result.note == "x" * NOTE_MAX_CHARS


# -- property: no text makes the parser raise, and whatever it accepts is valid -----------

WORDS = [
    "L", "R", "v", "h", "left", "right", "venstre", "høyre", "both", "begge", "total", "ml",
    "oz", "dl", "min", "m", "h", "t", "timer", "ago", "siden", "for", "kl", "kl.", "at", "i",
    "går", "yesterday", "today", "am", "pm", "hand", "håndmelket", "pump", "#", "?", "-", ",",
    ".", ":", "an", "en", "dager", "days",
]  # fmt: skip
NUMBERS = st.one_of(
    st.integers(0, 2000).map(str),
    st.decimals(0, 1000, places=2).map(lambda d: str(d).replace(".", ",")),
    st.from_regex(r"[0-9]{1,2}[:.][0-9]{2}", fullmatch=True),
    st.from_regex(r"[0-9]{5,400}", fullmatch=True),
)
LOGLIKE = st.lists(st.one_of(st.sampled_from(WORDS), NUMBERS), max_size=12).map(" ".join)
TEXTS = st.one_of(LOGLIKE, st.text(max_size=200))
ZONES = st.sampled_from(["Europe/Oslo", "America/New_York", "Asia/Kolkata", "UTC"]).map(ZoneInfo)
MOMENTS = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


def assert_valid(result: ParsedLog, now: datetime) -> None:
    assert 0 <= result.total_ml <= SESSION_MAX_ML
    for side in (result.left_ml, result.right_ml):
        assert side is None or 0 <= side <= SIDE_MAX_ML
    if result.left_ml is not None or result.right_ml is not None:
        assert abs((result.left_ml or 0) + (result.right_ml or 0) - result.total_ml) < 0.2
    assert result.duration_min is None or 1 <= result.duration_min <= DURATION_MAX_MIN
    assert result.started_at.tzinfo is not None
    assert now - MAX_AGE <= result.started_at <= now
    assert result.note is None or 0 < len(result.note) <= NOTE_MAX_CHARS
    assert result.method in (Method.PUMP, Method.HAND)


@settings(max_examples=200, deadline=None)
@given(
    text=TEXTS,
    lang=st.sampled_from(["en", "nb"]),
    unit=st.sampled_from(Unit),
    now=MOMENTS,
    tz=ZONES,
)
def test_no_text_makes_the_parser_raise_or_accept_nonsense(
    text: str, lang: str, unit: Unit, now: datetime, tz: ZoneInfo
) -> None:
    result = parse_log(text, lang, unit, now, tz)
    assert isinstance(result, ParsedLog | LogProblem)
    if isinstance(result, ParsedLog):
        assert_valid(result, now)
    moment = parse_time(text, now, tz)
    if isinstance(moment, datetime):
        assert now - MAX_AGE <= moment <= now
