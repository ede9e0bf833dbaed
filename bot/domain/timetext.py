"""Clock times and spans of time as parents type them, and the moment a typed clock time means.

- `read_clock("14.30")`: the one reader of clock strings (`14:30`, `14.30`, `7`, `1430`, `7pm`),
  for logs, fix-time replies and typed reminder plans alike.
- `latest_past(clock, now, tz)`: what a clock time typed about the past means: the latest moment
  not after now at which the chat's wall clock showed it. A time inside the spring gap (02:30 on
  the night the clocks skip 02:00-03:00) was never shown; it means the moment right after the
  gap (03:00). A time the autumn night shows twice is the later one if that has passed.
- `parse_duration("2 t 30 min")`: the one reader of spans (`8h`, `2,5 timer`, `8h30`, `8:30`,
  `90 min`, `an hour`, `1 døgn`), for /away, /pause and reminder intervals; its words come from
  `bot.domain.vocabulary`, the same sets the log parser reads.

zoneinfo has no public list of transitions, so the end of a gap is found by bisection over the
few hours around it (about 15 offset lookups, only for a time inside a gap).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.vocabulary import (
    AND_WORDS,
    DAY_WORDS,
    HOUR_WORDS,
    MERIDIEM_WORDS,
    MINUTE_WORDS,
    MORNING_WORDS,
    ONE_WORDS,
    alternation,
)

# A clock time a few minutes ahead of the bot's clock is a phone clock running fast, not
# a session tomorrow or yesterday: it is taken as now.
CLOCK_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class Clock:
    """A typed wall-clock time."""

    hour: int
    minute: int
    # `kl 7` or `7:30` may mean morning or evening; `07:30`, `19:30` and `7 pm` may not.
    twelve_hour_guess: bool
    # Written without a separator (`7`, `1430`): a number unless something says it is a time.
    bare: bool

    @property
    def time(self) -> time:
        return time(self.hour, self.minute)


_CLOCK_TEXT = re.compile(
    r"(?:(?P<h>[0-9]{1,2})(?:[:.,](?P<m>[0-9]{2}))?|(?P<h4>[0-9]{2})(?P<m4>[0-9]{2}))"
    rf"(?:\s*(?P<meridiem>{alternation(MERIDIEM_WORDS)})\.?)?"
)


def read_clock(text: str, meridiem: str | None = None) -> Clock | None:
    """`14:30`, `14.30`, `7`, `1430`, each with an optional am/pm (in `text` or given
    separately); None if it is not a valid time of day."""
    match = _CLOCK_TEXT.fullmatch(text.strip().lower())
    if match is None:
        return None
    written_meridiem = match["meridiem"]
    if written_meridiem and meridiem:
        return None
    meridiem = written_meridiem or meridiem
    hour_text = match["h"] or match["h4"]
    minute_text = match["m"] or match["m4"]
    hour, minute = int(hour_text), int(minute_text or 0)
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    guess = meridiem is None and 1 <= hour <= 12 and not hour_text.startswith("0")
    bare = match["m"] is None and meridiem is None
    return Clock(hour, minute, twelve_hour_guess=guess, bare=bare)


# -- the moment a clock time means -----------------------------------------------------------


def _wall_time_of(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None, fold=0)


def _gap_end(before: datetime, after: datetime, tz: ZoneInfo) -> datetime:
    """The first moment (UTC) with the later offset, between two moments with different ones."""
    offset_before = before.astimezone(tz).utcoffset()
    low, high = before, after
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def wall_moments(day: date, at: time, tz: ZoneInfo) -> list[datetime]:
    """The moments (UTC) at which the wall clock in `tz` showed `at` on that local day: one
    as a rule, two in the autumn overlap (earlier first), and for a time inside the spring gap
    the moment right after the gap."""
    naive = datetime.combine(day, at)
    earlier, later = naive.replace(tzinfo=tz), naive.replace(tzinfo=tz, fold=1)
    if earlier.utcoffset() == later.utcoffset():  # no change of the clocks near: shown once
        return [earlier.astimezone(UTC)]
    # Read with the offset before (fold=0) and after (fold=1) a change of the clocks.
    moments = sorted({local.astimezone(UTC) for local in (earlier, later)})
    shown = [moment for moment in moments if _wall_time_of(moment, tz) == naive]
    if shown:
        return shown
    # Never shown (a gap): the two readings fall either side of the change.
    return [_gap_end(moments[0], moments[-1], tz)]


def latest_past(
    clock: Clock, now: datetime, tz: ZoneInfo, *, day_offset: int | None = None
) -> datetime | None:
    """The latest moment, not after now, at which the wall clock showed `clock` (today or
    yesterday, or on the day `day_offset` says: 0 today, -1 yesterday); a 12-hour guess
    (`kl 7`) may also mean 19:00. A time up to `CLOCK_SLACK` ahead is now. None if the time has
    not come yet on the day given."""
    now = now.astimezone(UTC)
    today = now.astimezone(tz).date()
    offsets = [day_offset] if day_offset is not None else [0, -1]
    hours = [clock.hour]
    if clock.twelve_hour_guess and day_offset != -1:
        hours.append((clock.hour + 12) % 24)
    candidates = [
        moment
        for offset in offsets
        for hour in hours
        for moment in wall_moments(today + timedelta(days=offset), time(hour, clock.minute), tz)
    ]
    past = [moment for moment in candidates if moment <= now + CLOCK_SLACK]
    if not past:
        return None
    return min(max(past), now)


# -- spans of time ---------------------------------------------------------------------------

_DAYS = alternation(DAY_WORDS)
_HOURS = alternation(HOUR_WORDS)
_MINUTES = alternation(MINUTE_WORDS)
_ONE = alternation(ONE_WORDS)
_AND = alternation(AND_WORDS)
# A decimal comma or point with one or two decimals; three would look like a thousands
# separator (`1.000`), which no span of time needs.
_NUMBER = r"[0-9]{1,4}(?:[.,][0-9]{1,2})?"
_SPAN = re.compile(
    rf"""
    (?P<hours>{_NUMBER}|{_ONE})\s*\.?\s*{_HOURS}\.?
        (?:\s*(?:{_AND}\s*)?(?P<extra>[0-9]{{1,3}})\s*(?:{_MINUTES}\.?)?)?
    | (?P<minutes>{_NUMBER}|{_ONE})\s*{_MINUTES}\.?
    | (?P<days>{_NUMBER}|{_ONE})\s*{_DAYS}\.?
    | (?P<clock_h>[0-9]{{1,2}}):(?P<clock_m>[0-9]{{2}})
    | (?P<bare>{_NUMBER})
    """,
    re.VERBOSE,
)


def _number(text: str) -> float:
    return 1.0 if text in ONE_WORDS else float(text.replace(",", "."))


def parse_duration(
    text: str, *, bare_unit: timedelta | None = None, clock_form: bool = True
) -> timedelta | None:
    """A typed span: `8h`, `8 t`, `2.5 hours`, `2,5 timer`, `8h30`, `1 h og 20 min`, `90 min`,
    `an hour`, `en time`, `1 døgn`, `2 days`, and (if `clock_form`) `8:30`. A bare number
    (`8`) counts in `bare_unit`, or is no span when that is None. None if the text is not a
    span."""
    cleaned = " ".join(text.lower().replace("\u00a0", " ").split())
    match = _SPAN.fullmatch(cleaned)
    if match is None:
        return None
    if match["hours"]:
        minutes = _number(match["hours"]) * 60 + int(match["extra"] or 0)
    elif match["minutes"]:
        minutes = _number(match["minutes"])
    elif match["days"]:
        minutes = _number(match["days"]) * 24 * 60
    elif match["clock_h"]:
        if not clock_form or int(match["clock_m"]) > 59:
            return None
        minutes = int(match["clock_h"]) * 60 + int(match["clock_m"])
    elif bare_unit is not None:
        return bare_unit * _number(match["bare"])
    else:
        return None
    return timedelta(minutes=minutes)


# -- /pause ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UntilMorning:
    """`/pause tomorrow`: until the night ends."""


def parse_pause(text: str) -> timedelta | UntilMorning | None:
    """`3`, `3h`, `3 timar`, `90 min`, `2,5 t` -> that long; `tomorrow`, `i morgen` -> until
    the morning; None if unreadable. Whether the length is allowed is the caller's rule."""
    cleaned = " ".join(text.lower().split())
    if cleaned in MORNING_WORDS:
        return UntilMorning()
    return parse_duration(cleaned, bare_unit=timedelta(hours=1))
