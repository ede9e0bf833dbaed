"""Reads a pumping session from one short chat message, in English or Norwegian.

`parse_log("L 60 R 70 20min", "en", Unit.ML, now, tz)` gives a `ParsedLog` in millilitres and
UTC, or a `LogProblem` saying why nothing should be stored. Words of both languages are read in
every chat, in any order and case, with a decimal comma or point. The reading is strict: a word
the parser does not know makes the message unreadable, so chatter is never logged by accident.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.units import unit_to_ml
from bot.storage.models import Method, Unit

SIDE_MAX_ML = 500
SESSION_MAX_ML = 1000
DURATION_MAX_MIN = 180
MAX_AGE = timedelta(days=7)
NOTE_MAX_CHARS = 500
# A clock time a few minutes ahead of the bot's clock is a phone clock running fast, not
# a session tomorrow or yesterday: it is stored as now.
CLOCK_SLACK = timedelta(minutes=5)


class Problem(StrEnum):
    UNREADABLE = "unreadable"
    MISSING_AMOUNT = "missing_amount"
    SIDE_TOO_LARGE = "side_too_large"
    TOTAL_TOO_LARGE = "total_too_large"
    DURATION_TOO_LONG = "duration_too_long"
    TOO_FAR_BACK = "too_far_back"
    IN_FUTURE = "in_future"


@dataclass(frozen=True)
class LogProblem:
    """Why a message cannot be stored; the handler turns it into a reply."""

    kind: Problem


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


# -- words ---------------------------------------------------------------------------------

LEFT = {"l", "left", "v", "venstre"}
RIGHT = {"r", "right", "h", "høyre", "hoyre", "høgre"}
BOTH = {"both", "begge", "total", "totalt", "tot", "sum"}
SIDE_WORDS = {"side", "sides", "sider", "sidene", "sida", "bryst", "breast", "breasts"}
VOLUME_UNITS = {
    **dict.fromkeys(("ml", "mls", "milliliter", "milliliters", "millilitre", "millilitres"), 1.0),
    **dict.fromkeys(("cl", "centiliter", "centilitre"), 10.0),
    **dict.fromkeys(("dl", "desiliter", "deciliter", "decilitre"), 100.0),
}
OUNCES = {"oz", "ounce", "ounces", "unse", "unser"}
MINUTE_UNITS = {"m", "min", "mins", "minute", "minutes", "minutt", "minutter", "minuttar"}
HOUR_UNITS = {"h", "hr", "hrs", "hour", "hours", "t", "time", "timer", "timar"}
DAY_UNITS = {"d", "day", "days", "dag", "dager", "dagar", "døgn"}
AGO = {"ago", "siden", "sia"}
ONE = {"a", "an", "one", "en", "ei", "et", "ett"}
AT = {"at", "kl", "klokka", "klokken"}
YESTERDAY = {"yesterday", "igår", "igar"}
TODAY = {"today", "idag"}
HAND = {"hand", "hånd", "håndmelking", "håndmelket", "håndmelka", "håndmelk", "manually"}
PUMP = {"pump", "pumped", "pumping", "pumpet", "pumpa", "pumpe", "pumpede"}
MERIDIEM = {"am", "pm"}
FILLERS = {
    *PUMP,
    *SIDE_WORDS,
    "and", "og", "expressed", "expression", "by", "med", "with", "ca", "about", "around",
    "approx", "circa", "cirka", "omtrent", "i", "in", "for", "just", "now", "nå", "akkurat",
    "session", "økt", "got", "fikk", "milk", "melk", "of", "av", "on", "på", "the",
}  # fmt: skip

_TOKEN = re.compile(
    r"(?P<clock>[0-9]{1,2}:[0-9]{2})(?![0-9])"
    r"|(?P<number>[0-9]+(?:[.,][0-9]+)?)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<minus>-(?=[0-9]))"
)


@dataclass(frozen=True)
class _Token:
    kind: str  # clock, number, word, minus
    text: str

    @property
    def value(self) -> float:
        return float(self.text.replace(",", "."))


def _tokens(text: str) -> list[_Token]:
    """Numbers, clock times and words; other characters (punctuation, emoji) separate them."""
    return [_Token(match.lastgroup or "", match.group()) for match in _TOKEN.finditer(text.lower())]


@dataclass(frozen=True)
class _Clock:
    hour: int
    minute: int
    # `kl 7` or `7:30` may mean morning or evening; `07:30`, `19:30` and `7 pm` may not.
    twelve_hour_guess: bool


@dataclass
class _Reading:
    """What one pass over the tokens found. Any value given twice makes it unreadable."""

    left_ml: float | None = None
    right_ml: float | None = None
    total_ml: float | None = None
    duration_min: float | None = None
    clock: _Clock | None = None
    day_offset: int | None = None
    ago: timedelta | None = None
    ago_too_far: bool = False
    method: Method | None = None
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
        if 0 <= i < len(self.tokens) and self.tokens[i].kind == "number":
            return self.tokens[i].value
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
        if word in YESTERDAY or (word == "i" and self.word(i + 1) in ("går", "gar")):
            return self.ok(reading.set("day_offset", -1), 1 if word in YESTERDAY else 2)
        if word in TODAY or (word == "i" and self.word(i + 1) == "dag"):
            return self.ok(reading.set("day_offset", 0), 1 if word in TODAY else 2)
        used = self.ago_at(i)
        if used:
            return used
        if word in AT:
            used = self.clock_at(i + 1)
            return used + 1 if used else 0
        if token.kind == "clock" or (token.kind == "number" and self.word(i + 1) in MERIDIEM):
            return self.clock_at(i)
        if word in BOTH or (word in LEFT | RIGHT and not self.sides_after):
            return self.side_then_amount(i)
        if token.kind == "number":
            used = 0 if self.h_means_right(i + 1, has_unit=False) else self.duration_at(i)
            return used or self.amount_then_side(i)
        if word in HAND:
            # A hand pump (`hand pump`, `håndpumpe`) is still a pump.
            method = Method.PUMP if self.word(i + 1) in PUMP else Method.HAND
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
        if unit_word in VOLUME_UNITS:
            return value * VOLUME_UNITS[unit_word], 2, True
        if unit_word in OUNCES:
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
        name = "left_ml" if word in LEFT else "right_ml" if word in RIGHT else "total_ml"
        return self.ok(self.reading.set(name, amount[0]), j - i + amount[1])

    def amount_then_side(self, i: int) -> int:
        amount = self.amount_at(i)
        if amount is None:
            return 0
        ml, used, has_unit = amount
        name = "total_ml"
        side = self.word(i + used)
        if self.sides_after and side in LEFT | RIGHT | BOTH:
            if side == "h" and not self.h_means_right(i + used, has_unit):
                return self.ok(self.reading.set(name, ml), used)
            name = "left_ml" if side in LEFT else "right_ml" if side in RIGHT else "total_ml"
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
        if value is None and self.word(i) in ONE:
            value = 1.0
        unit_word = self.word(i + 1)
        if value is None or unit_word not in units:
            return None
        if unit_word in MINUTE_UNITS:
            return value, 2
        if unit_word in HOUR_UNITS:
            return value * 60, 2
        return value * 24 * 60, 2

    def duration_at(self, i: int) -> int:
        span = self.minutes_at(i, MINUTE_UNITS | HOUR_UNITS)
        if span is None:
            return 0
        minutes, used = span
        if self.word(i + 1) in HOUR_UNITS:  # `1 h 20 min`
            more = self.minutes_at(i + used, MINUTE_UNITS)
            if more is not None:
                minutes, used = minutes + more[0], used + more[1]
        return self.ok(self.reading.set("duration_min", minutes), used)

    def ago_at(self, i: int) -> int:
        """`20 min ago`, `for 20 min siden`, `2 days ago`."""
        start = i + 1 if self.word(i) == "for" else i
        span = self.minutes_at(start, MINUTE_UNITS | HOUR_UNITS | DAY_UNITS)
        if span is None or self.word(start + span[1]) not in AGO:
            return 0
        minutes = span[0]
        too_far = minutes > MAX_AGE.total_seconds() / 60
        self.reading.ago_too_far = too_far
        ago = MAX_AGE if too_far else timedelta(minutes=minutes)
        return self.ok(self.reading.set("ago", ago), start - i + span[1] + 1)

    def clock_at(self, i: int) -> int:
        """`14:30`, `14.30` or `7` (after `kl`/`at`), `1430`, each with an optional am/pm."""
        if i >= len(self.tokens):
            return 0
        token = self.tokens[i]
        text = token.text
        match = re.fullmatch(r"([0-9]{1,2})(?:[:.,]([0-9]{2}))?|([0-9]{2})([0-9]{2})", text)
        if token.kind not in ("clock", "number") or match is None:
            return 0
        hour_text = match.group(1) or match.group(3)
        hour, minute = int(hour_text), int(match.group(2) or match.group(4) or 0)
        used = 1
        meridiem = self.word(i + 1) if self.word(i + 1) in MERIDIEM else None
        if meridiem:
            used += 1
            if not 1 <= hour <= 12:
                return 0
            hour = hour % 12 + (12 if meridiem == "pm" else 0)
        if hour > 23 or minute > 59:
            return 0
        guess = meridiem is None and 1 <= hour <= 12 and not hour_text.startswith("0")
        return self.ok(self.reading.set("clock", _Clock(hour, minute, guess)), used)


# -- turning a reading into a session ------------------------------------------------------


def _split_note(text: str) -> tuple[str, str | None]:
    body, _hash, note = text.partition("#")
    # Control characters have no place in a note, and PostgreSQL refuses NUL in text.
    note = "".join(c for c in note if c in "\n\t" or unicodedata.category(c) != "Cc")
    note = note.strip()[:NOTE_MAX_CHARS].strip()
    return body, note or None


def _read(body: str, unit: Unit) -> _Reading | None:
    tokens = _tokens(body)
    for sides_after in (False, True):
        reading = _Reader(tokens, unit, sides_after).read()
        if reading is not None:
            return reading
    return None


def _at(day: date, clock: _Clock, hour: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, clock.minute), tzinfo=tz).astimezone(UTC)


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
    today = now.astimezone(tz).date()
    days = [reading.day_offset] if reading.day_offset is not None else [0, -1]
    hours = [clock.hour]
    if clock.twelve_hour_guess and reading.day_offset != -1:
        hours.append((clock.hour + 12) % 24)
    candidates = [
        _at(today + timedelta(days=offset), clock, hour, tz) for offset in days for hour in hours
    ]
    # The latest reading that is not in the future: what a person logging means.
    past = [moment for moment in candidates if moment <= now + CLOCK_SLACK]
    if not past:
        return Problem.IN_FUTURE
    return min(max(past), now)


def parse_log(
    text: str, lang: str, unit: Unit, now: datetime, tz: ZoneInfo
) -> ParsedLog | LogProblem:
    """Read one message as a session, or say what is wrong with it.

    Both languages are read whatever `lang` is (a Norwegian parent may type English words);
    a bare number is in the chat's `unit`. `now` is aware; the result is never after it.
    A clock time later than now means yesterday; with no time, the session ended now.
    """
    body, note = _split_note(text)
    reading = _read(body, unit)
    if reading is None:
        return LogProblem(Problem.UNREADABLE)
    if not reading.has_amount:
        found_something = reading.has_time or reading.duration_min is not None
        return LogProblem(Problem.MISSING_AMOUNT if found_something else Problem.UNREADABLE)
    left, right, total = reading.left_ml, reading.right_ml, reading.total_ml
    if left is not None or right is not None:
        sides = (left or 0) + (right or 0)
        # `L 60 R 70 total 130` is fine; a total that disagrees with its sides is a typo.
        if total is not None and not math.isclose(total, sides, abs_tol=1):
            return LogProblem(Problem.UNREADABLE)
        total = sides
    assert total is not None
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


def reads_as_log(text: str) -> bool:
    """Whether every word before any `#` note is a log word and the message says an amount,
    a time or a duration: a log to store, or one to refuse with its reason (`20 min` has no
    amount, `1200 ml` is too much). Anything else is no log at all, whatever the numbers."""
    reading = _read(_split_note(text)[0], Unit.ML)
    return reading is not None and (
        reading.has_amount or reading.has_time or reading.duration_min is not None
    )


def parse_time(text: str, now: datetime, tz: ZoneInfo) -> datetime | LogProblem | None:
    """A message that only says when (`14:30`, `kl 7`, `20 min ago`): the moment it means.

    None when the text is not only a time (it may be a whole log, or chatter).
    """
    body, note = _split_note(text)
    reading = _read(body, Unit.ML)
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
