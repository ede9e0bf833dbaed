"""Reads a pumping session from one short chat message, in English or Norwegian.

`parse_log("L 60 R 70 20min", "en", Unit.ML, now, tz)` gives a `ParsedLog` in millilitres and
UTC, or a `LogProblem` saying why nothing should be stored. Words of both languages are read in
every chat (the shared sets in `bot.domain.vocabulary`), in any order and case. The reading is
strict: a word the parser does not know makes the message unreadable, so chatter is never
logged by accident.

Numbers follow the chat's language: a decimal point or comma with one or two decimals
(`60.5`, `60,5`, `4,5oz`) is a decimal everywhere; `1,000` is a thousand in English and `1.000`
in Norwegian, and the other way round is ambiguous, so the parent is asked (`AMBIGUOUS_NUMBER`).
`1 000` is a thousand. Clock times mean the latest past moment the wall clock showed them
(`bot.domain.timetext.latest_past`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.timetext import Clock, latest_past, read_clock
from bot.domain.units import Method, Unit, unit_to_ml
from bot.domain.vocabulary import (
    AGO_WORDS,
    AT_WORDS,
    BOTH_WORDS,
    DAY_WORDS,
    HAND_WORDS,
    HOUR_WORDS,
    LEFT_WORDS,
    MERIDIEM_WORDS,
    MINUTE_WORDS,
    ONE_WORDS,
    OUNCE_WORDS,
    PUMP_WORDS,
    RIGHT_WORDS,
    SIDE_WORDS,
    TODAY_WORDS,
    VOLUME_WORDS,
    YESTERDAY_WORDS,
)

SIDE_MAX_ML = 500
SESSION_MAX_ML = 1000
DURATION_MAX_MIN = 180
MAX_AGE = timedelta(days=7)
NOTE_MAX_CHARS = 500


class Problem(StrEnum):
    UNREADABLE = "unreadable"
    MISSING_AMOUNT = "missing_amount"
    SIDE_TOO_LARGE = "side_too_large"
    TOTAL_TOO_LARGE = "total_too_large"
    DURATION_TOO_LONG = "duration_too_long"
    TOO_FAR_BACK = "too_far_back"
    IN_FUTURE = "in_future"
    ZERO_AMOUNT = "zero_amount"
    AMBIGUOUS_NUMBER = "ambiguous_number"


@dataclass(frozen=True)
class LogProblem:
    """Why a message cannot be stored; the handler turns it into a reply."""

    kind: Problem
    # For AMBIGUOUS_NUMBER: the number as typed, and its two readings.
    typed: str | None = None
    readings: tuple[float, float] | None = None


@dataclass(frozen=True)
class ParsedLog:
    """One session as understood: volumes in millilitres, `started_at` aware UTC."""

    started_at: datetime
    total_ml: float
    left_ml: float | None = None
    right_ml: float | None = None
    duration_min: int | None = None
    method: Method = Method.PUMP
    note: str | None = None
    # True when the message said when (a clock time, "20 min ago", "yesterday 23:00").
    time_given: bool = False


# Words only a log message uses; the rest come from `bot.domain.vocabulary`.
FILLERS = {
    *PUMP_WORDS,
    *SIDE_WORDS,
    "and", "og", "expressed", "expression", "by", "med", "with", "ca", "about", "around",
    "approx", "circa", "cirka", "omtrent", "i", "in", "for", "just", "now", "nå", "akkurat",
    "session", "økt", "got", "fikk", "milk", "melk", "of", "av", "on", "på", "the",
}  # fmt: skip

_ONE_SIDE = LEFT_WORDS | RIGHT_WORDS
_ANY_SIDE = _ONE_SIDE | BOTH_WORDS
_SPAN_WORDS = MINUTE_WORDS | HOUR_WORDS
_AGO_SPAN_WORDS = _SPAN_WORDS | DAY_WORDS

# -- numbers -------------------------------------------------------------------------------

# The thousands separator each language writes (besides a space): `1,000` in English,
# `1.000` in Norwegian, where the comma is the decimal sign (`60,5`).
THOUSANDS_SEPARATOR = {"en": ",", "nb": "."}
_SPACES = " \u00a0\u2009\u202f"  # space, no-break, thin and narrow no-break
# `1 000 ml`: a digit, then groups of three after a space (no amount needs more than 9 999).
_SPACED_THOUSANDS = re.compile(
    rf"(?<![0-9.,])([1-9])((?:[{_SPACES}][0-9]{{3}})+)(?![0-9]|[.,][0-9])"
)

_TOKEN = re.compile(
    r"(?P<clock>[0-9]{1,2}:[0-9]{2})(?![0-9])"
    r"|(?P<number>[0-9]+(?:[.,][0-9]+)*)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<minus>-(?=[0-9]))"
)


@dataclass(frozen=True)
class Number:
    """A typed number's value; `decimal` is set when it could also be read the other way
    (`1.000` in an English chat: a thousand, or one with three decimals)."""

    value: float
    decimal: float | None = None

    @property
    def ambiguous(self) -> bool:
        return self.decimal is not None


def read_number(text: str, lang: str) -> Number | None:
    """`120`, `60,5`, `4.5`, `1,000` or `1.000` (a thousand or ambiguous, by the chat's
    language), `1.000.000`, `1,000.5` (en) or `1.000,5` (nb); None if it cannot be a number."""
    if text.isascii() and text.isdigit():
        return Number(float(text))
    thousands = THOUSANDS_SEPARATOR.get(lang, ",")
    parts = re.split(r"([.,])", text)
    digits, separators = parts[0::2], parts[1::2]
    if not separators:
        return Number(float(text))
    grouped = len(digits[0]) <= 3 and not digits[0].startswith("0")
    groups_of_three = all(len(group) == 3 for group in digits[1:])
    if len(separators) == 1:
        decimal = float(f"{digits[0]}.{digits[1]}")
        if not (grouped and groups_of_three):
            return Number(decimal)  # 60,5 · 4.5 · 0.500 · 1000.5
        thousand = float(digits[0] + digits[1])
        if separators[0] == thousands:
            return Number(thousand)
        return Number(thousand, decimal=decimal)
    # Several separators: thousands groups, maybe a decimal part after a different sign.
    *group_signs, last = separators
    if not grouped or any(sign != thousands for sign in group_signs):
        return None
    if last == thousands and groups_of_three:
        return Number(float("".join(digits)))
    if last != thousands and all(len(group) == 3 for group in digits[1:-1]):
        return Number(float("".join(digits[:-1]) + "." + digits[-1]))
    return None


def _join_spaced_thousands(text: str) -> str:
    return _SPACED_THOUSANDS.sub(lambda m: m[1] + re.sub(f"[{_SPACES}]", "", m[2]), text)


@dataclass(frozen=True)
class _Token:
    kind: str  # clock, number, word, minus
    text: str
    number: Number | None = None


def _tokens(text: str, lang: str) -> list[_Token] | None:
    """Numbers, clock times and words; other characters (punctuation, emoji) separate them.
    None if a number cannot be read (`1,2.3`)."""
    tokens = []
    for match in _TOKEN.finditer(text.lower()):
        kind, token_text = match.lastgroup or "", match.group()
        number = None
        if kind == "number":
            number = read_number(token_text, lang)
            if number is None:
                return None
        tokens.append(_Token(kind, token_text, number))
    return tokens


@dataclass
class _Reading:
    """What one pass over the tokens found. Any value given twice makes it unreadable."""

    left_ml: float | None = None
    right_ml: float | None = None
    total_ml: float | None = None
    duration_min: float | None = None
    clock: Clock | None = None
    day_offset: int | None = None
    ago: timedelta | None = None
    ago_too_far: bool = False
    method: Method | None = None
    # A number that reads one way as a thousand and another as a decimal: the parent is asked.
    ambiguous: _Token | None = None
    fields_set: set[str] = field(default_factory=set)

    def set(self, name: str, value: object) -> bool:
        if name in self.fields_set:
            return False
        self.fields_set.add(name)
        setattr(self, name, value)
        return True

    @property
    def has_amount(self) -> bool:
        return bool({"left_ml", "right_ml", "total_ml"} & self.fields_set)

    @property
    def has_time(self) -> bool:
        return bool({"clock", "day_offset", "ago"} & self.fields_set)


def _side_field(word: str | None) -> str:
    return "left_ml" if word in LEFT_WORDS else "right_ml" if word in RIGHT_WORDS else "total_ml"


class _Reader:
    """One left-to-right pass. `sides_after`: `60 left` instead of `left 60`."""

    def __init__(self, tokens: list[_Token], unit: Unit, sides_after: bool) -> None:
        self.tokens = tokens
        self.unit = unit
        self.sides_after = sides_after
        self.reading = _Reading()

    def word(self, i: int) -> str | None:
        if 0 <= i < len(self.tokens) and self.tokens[i].kind == "word":
            return self.tokens[i].text
        return None

    def number(self, i: int) -> float | None:
        if 0 <= i < len(self.tokens) and self.tokens[i].number is not None:
            token = self.tokens[i]
            if token.number.ambiguous:
                self.reading.ambiguous = token
            return token.number.value
        return None

    def read(self) -> _Reading | None:
        i = 0
        while i < len(self.tokens):
            step = self.step(i)
            if step == 0:
                return None
            i += step
        return self.reading

    def step(self, i: int) -> int:
        """Read what starts at token i; the number of tokens used, 0 if it makes no sense."""
        reading = self.reading
        token = self.tokens[i]
        word = self.word(i)
        if token.kind == "minus":
            return 0
        if word in YESTERDAY_WORDS or (word == "i" and self.word(i + 1) in ("går", "gar")):
            return self.ok(reading.set("day_offset", -1), 1 if word in YESTERDAY_WORDS else 2)
        if word in TODAY_WORDS or (word == "i" and self.word(i + 1) == "dag"):
            return self.ok(reading.set("day_offset", 0), 1 if word in TODAY_WORDS else 2)
        used = self.ago_at(i)
        if used:
            return used
        if word in AT_WORDS:
            used = self.clock_at(i + 1)
            return used + 1 if used else 0
        if token.kind == "clock" or (token.kind == "number" and self.word(i + 1) in MERIDIEM_WORDS):
            return self.clock_at(i)
        if word in BOTH_WORDS or (word in _ONE_SIDE and not self.sides_after):
            return self.side_then_amount(i)
        if token.kind == "number":
            used = 0 if self.h_means_right(i + 1, has_unit=False) else self.duration_at(i)
            return used or self.amount_then_side(i)
        if word in HAND_WORDS:
            # A hand pump (`hand pump`, `håndpumpe`) is still a pump.
            method = Method.PUMP if self.word(i + 1) in PUMP_WORDS else Method.HAND
            return self.ok(reading.set("method", method), 1)
        if word in FILLERS:
            return 1
        return 0

    @staticmethod
    def ok(accepted: bool, used: int) -> int:
        return used if accepted else 0

    # -- amounts --------------------------------------------------------------------------

    def amount_at(self, i: int) -> tuple[float, int, bool] | None:
        """(millilitres, tokens used, whether a unit was written) for a number at token i."""
        value = self.number(i)
        if value is None:
            return None
        unit_word = self.word(i + 1)
        if unit_word in VOLUME_WORDS:
            return value * VOLUME_WORDS[unit_word], 2, True
        if unit_word in OUNCE_WORDS:
            return unit_to_ml(value, Unit.OZ), 2, True
        return unit_to_ml(value, self.unit), 1, False

    def side_then_amount(self, i: int) -> int:
        word = self.word(i)
        j = i + 1
        while self.word(j) in SIDE_WORDS:
            j += 1
        amount = self.amount_at(j)
        if amount is None:
            return 0
        name = _side_field(word)
        return self.ok(self.reading.set(name, amount[0]), j - i + amount[1])

    def amount_then_side(self, i: int) -> int:
        amount = self.amount_at(i)
        if amount is None:
            return 0
        ml, used, has_unit = amount
        name = "total_ml"
        side = self.word(i + used)
        if self.sides_after and side in _ANY_SIDE:
            if side == "h" and not self.h_means_right(i + used, has_unit):
                return self.ok(self.reading.set(name, ml), used)
            name = _side_field(side)
            used += 1
        return self.ok(self.reading.set(name, ml), used)

    def h_means_right(self, i: int, has_unit: bool) -> bool:
        """After a number, `h` is an hour (`1h`), except in `60 v 70 h` or `70 ml h`."""
        if not self.sides_after or self.word(i) != "h":
            return False
        return has_unit or self.reading.left_ml is not None

    # -- durations and times --------------------------------------------------------------

    def minutes_at(self, i: int, units: set[str]) -> tuple[float, int] | None:
        """A span at token i (`20 min`, `1,5 t`, `an hour`): (minutes, tokens used)."""
        value = self.number(i)
        if value is None and self.word(i) in ONE_WORDS:
            value = 1.0
        unit_word = self.word(i + 1)
        if value is None or unit_word not in units:
            return None
        if unit_word in MINUTE_WORDS:
            return value, 2
        if unit_word in HOUR_WORDS:
            return value * 60, 2
        return value * 24 * 60, 2

    def duration_at(self, i: int) -> int:
        span = self.minutes_at(i, _SPAN_WORDS)
        if span is None:
            return 0
        minutes, used = span
        if self.word(i + 1) in HOUR_WORDS:  # `1 h 20 min`
            more = self.minutes_at(i + used, MINUTE_WORDS)
            if more is not None:
                minutes, used = minutes + more[0], used + more[1]
        return self.ok(self.reading.set("duration_min", minutes), used)

    def ago_at(self, i: int) -> int:
        """`20 min ago`, `for 20 min siden`, `2 days ago`."""
        start = i + 1 if self.word(i) == "for" else i
        span = self.minutes_at(start, _AGO_SPAN_WORDS)
        if span is None or self.word(start + span[1]) not in AGO_WORDS:
            return 0
        minutes = span[0]
        too_far = minutes > MAX_AGE.total_seconds() / 60
        self.reading.ago_too_far = too_far
        ago = MAX_AGE if too_far else timedelta(minutes=minutes)
        return self.ok(self.reading.set("ago", ago), start - i + span[1] + 1)

    def clock_at(self, i: int) -> int:
        """`14:30`, `14.30` or `7` (after `kl`/`at`), `1430`, each with an optional am/pm."""
        if i >= len(self.tokens) or self.tokens[i].kind not in ("clock", "number"):
            return 0
        meridiem = self.word(i + 1) if self.word(i + 1) in MERIDIEM_WORDS else None
        clock = read_clock(self.tokens[i].text, meridiem)
        if clock is None:
            return 0
        return self.ok(self.reading.set("clock", clock), 2 if meridiem else 1)


# -- turning a reading into a session ------------------------------------------------------


def _split_note(text: str) -> tuple[str, str | None]:
    body, _hash, note = text.partition("#")
    # Control characters have no place in a note, and PostgreSQL refuses NUL in text.
    note = "".join(c for c in note if c in "\n\t" or unicodedata.category(c) != "Cc")
    note = note.strip()[:NOTE_MAX_CHARS].strip()
    return body, note or None


def _read(body: str, unit: Unit, lang: str) -> _Reading | None:
    # `1 000 ml` is read as a thousand only when the digits apart make no sense, so a
    # message such as `L 60 R 70 100 min` keeps its meaning.
    texts = [body]
    joined = _join_spaced_thousands(body)
    if joined != body:
        texts.append(joined)
    for text in texts:
        tokens = _tokens(text, lang)
        if tokens is None:
            continue
        for sides_after in (False, True):
            reading = _Reader(tokens, unit, sides_after).read()
            if reading is not None:
                return reading
    return None


def _ambiguity(reading: _Reading) -> LogProblem | None:
    token = reading.ambiguous
    if token is None or token.number is None or token.number.decimal is None:
        return None
    readings = (token.number.value, token.number.decimal)
    return LogProblem(Problem.AMBIGUOUS_NUMBER, typed=token.text, readings=readings)


def _resolve_time(reading: _Reading, now: datetime, tz: ZoneInfo) -> datetime | Problem | None:
    """When the session started, if the message said; None when it did not."""
    if reading.ago is not None:
        if reading.clock is not None or reading.day_offset is not None:
            return Problem.UNREADABLE
        return Problem.TOO_FAR_BACK if reading.ago_too_far else now - reading.ago
    clock = reading.clock
    if clock is None:
        # `yesterday` alone does not say when; `today` alone means now.
        return Problem.UNREADABLE if reading.day_offset == -1 else None
    # The latest moment the wall clock showed it, not in the future: what a person logging means.
    moment = latest_past(clock, now, tz, day_offset=reading.day_offset)
    return Problem.IN_FUTURE if moment is None else moment


def parse_log(
    text: str, lang: str, unit: Unit, now: datetime, tz: ZoneInfo
) -> ParsedLog | LogProblem:
    """Read one message as a session, or say what is wrong with it.

    Both languages are read whatever `lang` is (a Norwegian parent may type English words);
    a bare number is in the chat's `unit`. `now` is aware; the result is never after it.
    A clock time means the latest past moment the chat's wall clock showed it (later than
    now today means yesterday); with no time, the session ended now.
    """
    return read_log(text, lang, unit, now, tz) or LogProblem(Problem.UNREADABLE)


def read_log(
    text: str, lang: str, unit: Unit, now: datetime, tz: ZoneInfo
) -> ParsedLog | LogProblem | None:
    """`parse_log`, but None for a message that is no log at all: not every word before any
    `#` note is a log word, or it says no amount, time or duration. A message that reads as a
    log only with the other language's numbers (`60,5` in an English chat) is refused, as
    `parse_log` would."""
    body, note = _split_note(text)
    reading = _read(body, unit, lang)
    if reading is None or not _says_something(reading):
        others = (other for other in THOUSANDS_SEPARATOR if other != lang)
        if any(_says_something(_read(body, unit, other)) for other in others):
            return LogProblem(Problem.UNREADABLE)
        return None
    ambiguity = _ambiguity(reading)
    if ambiguity is not None:
        return ambiguity
    if not reading.has_amount:
        return LogProblem(Problem.MISSING_AMOUNT)
    left, right, total = reading.left_ml, reading.right_ml, reading.total_ml
    if left is not None or right is not None:
        sides = (left or 0) + (right or 0)
        # `L 60 R 70 total 130` is fine; a total that disagrees with its sides is a typo.
        if total is not None and not math.isclose(total, sides, abs_tol=1):
            return LogProblem(Problem.UNREADABLE)
        total = sides
    assert total is not None
    if round(total, 1) <= 0:
        return LogProblem(Problem.ZERO_AMOUNT)
    if any(side is not None and side > SIDE_MAX_ML for side in (left, right)):
        return LogProblem(Problem.SIDE_TOO_LARGE)
    if total > SESSION_MAX_ML:
        return LogProblem(Problem.TOTAL_TOO_LARGE)
    duration = None
    if reading.duration_min is not None:
        if reading.duration_min > DURATION_MAX_MIN:
            return LogProblem(Problem.DURATION_TOO_LONG)
        duration = round(reading.duration_min)
        if duration < 1:
            return LogProblem(Problem.UNREADABLE)
    now = now.astimezone(UTC)
    started = _resolve_time(reading, now, tz)
    if isinstance(started, Problem):
        return LogProblem(started)
    time_given = started is not None
    if started is None:
        started = now - timedelta(minutes=duration or 0)
    if now - started > MAX_AGE:
        return LogProblem(Problem.TOO_FAR_BACK)
    return ParsedLog(
        started_at=started,
        total_ml=round(total, 1),
        left_ml=None if left is None else round(left, 1),
        right_ml=None if right is None else round(right, 1),
        duration_min=duration,
        method=reading.method or Method.PUMP,
        note=note,
        time_given=time_given,
    )


# Words that make a message look like a log (sides, units, times, pumping), as opposed to the
# small words a log may also hold (`the`, `og`).
LOG_TERMS = frozenset().union(
    LEFT_WORDS, RIGHT_WORDS, BOTH_WORDS, SIDE_WORDS, VOLUME_WORDS, OUNCE_WORDS, HOUR_WORDS,
    MINUTE_WORDS, AGO_WORDS, AT_WORDS, YESTERDAY_WORDS, TODAY_WORDS, HAND_WORDS, PUMP_WORDS,
    {"session", "økt", "expressed", "expression"},
)  # fmt: skip


def attempts_a_log(text: str) -> bool:
    """A number, and at least half of the other words (small words like `the` left out) are
    log words: a log the parser could not read (`pumped 120 mls lft`), which deserves the log
    format with examples. `is 5 hours on the counter ok` has a number but is no such attempt."""
    body = _split_note(text)[0].lower()
    tokens = [match.lastgroup for match in _TOKEN.finditer(body)]
    if "number" not in tokens and "clock" not in tokens:
        return False
    words = [w for w in re.findall(r"[^\W\d_]+", body) if w not in FILLERS - LOG_TERMS]
    return sum(w in LOG_TERMS for w in words) * 2 >= len(words)


def reads_as_log(text: str, lang: str) -> bool:
    """Whether every word before any `#` note is a log word and the message says an amount,
    a time or a duration: a log to store, or one to refuse with its reason (`20 min` has no
    amount, `1200 ml` is too much). Anything else is no log at all, whatever the numbers."""
    return _says_something(_read(_split_note(text)[0], Unit.ML, lang))


def _says_something(reading: _Reading | None) -> bool:
    """An amount, a time or a duration: what makes log words a log."""
    return reading is not None and (
        reading.has_amount or reading.has_time or reading.duration_min is not None
    )


def parse_time(text: str, now: datetime, tz: ZoneInfo) -> datetime | LogProblem | None:
    """A message that only says when (`14:30`, `kl 7`, `20 min ago`): the moment it means.

    None when the text is not only a time (it may be a whole log, or chatter).
    """
    body, note = _split_note(text)
    reading = _read(body, Unit.ML, "en")
    if reading is None or note or not reading.has_time:
        return None
    if reading.has_amount or reading.duration_min is not None or reading.method is not None:
        return None
    now = now.astimezone(UTC)
    started = _resolve_time(reading, now, tz)
    if isinstance(started, Problem):
        return LogProblem(started)
    if started is None:
        return now
    if now - started > MAX_AGE:
        return LogProblem(Problem.TOO_FAR_BACK)
    return started
