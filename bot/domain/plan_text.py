"""Reading a typed reminder plan, in English or Bokmål, into what the parent asked for.

every 3h · every 2h30m · every 2.5 hours · hver 3. time · hver 2,5 time · hver tredje time
06:00 09:00 12:00 · kl 7 og kl 19 · at 7 and 19
... night 5h · natt 5 timer · night off      (a longer interval at night, or none)
... quiet 22-07 · stille 22:30-06:30 · quiet off   (quiet hours)
off · av · stop                               (no reminders)

Spans and clock times are read by `bot.domain.timetext`, with the words of
`bot.domain.vocabulary`, as everywhere else in the bot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import time, timedelta
from enum import StrEnum

from bot.domain.planning import NightWindow
from bot.domain.timetext import Clock, parse_duration, read_clock
from bot.domain.vocabulary import (
    AND_WORDS,
    AT_WORDS,
    MERIDIEM_WORDS,
    OFF_WORDS,
    ORDINALS,
    alternation,
)

MIN_INTERVAL = timedelta(hours=1)
MAX_INTERVAL = timedelta(hours=24)
MAX_NIGHT_INTERVAL = timedelta(hours=12)
MAX_TIMES = 12

EVERY = re.compile(r"^(?:every|each|hver|hvert|hveranden)\b\s*")
NIGHT_WORDS = r"nights?|natt|natta|netter|om\s+natta"
QUIET_WORDS = r"quiet(?:\s+hours)?|stille(?:\s+timer)?|stilletid"
SECTION = re.compile(rf"\b(?P<key>{NIGHT_WORDS}|{QUIET_WORDS})\b", re.IGNORECASE)
TIME_MARKERS = {*AT_WORDS, "kl.", "@"}
TIME_JOINERS = {*AND_WORDS, "&", ",", "+"}
_CLOCK = r"[0-9]{1,4}(?:[:.][0-9]{2})?"
WINDOW = re.compile(
    rf"^(?:from\s+|fra\s+)?(?:kl\.?\s*)?(?P<a>{_CLOCK})\s*"
    rf"(?:-|–|to|til)\s*(?:kl\.?\s*)?(?P<b>{_CLOCK})$",
    re.IGNORECASE,
)
_MERIDIEM = alternation(MERIDIEM_WORDS)


class Problem(StrEnum):
    UNREADABLE = "unreadable"
    INTERVAL_RANGE = "interval_range"  # shorter than 1 h or longer than 24 h
    NIGHT_RANGE = "night_range"  # night interval not longer than the day's, or over 12 h
    TOO_MANY_TIMES = "too_many_times"


class PlanTextError(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class PlanRequest:
    """A typed change. Fields left unset (`*_given` False) keep what the plan already has."""

    off: bool = False
    interval: timedelta | None = None
    times: tuple[time, ...] = ()
    night_interval: timedelta | None = None
    night_interval_given: bool = False
    quiet: NightWindow | None = None
    quiet_given: bool = False

    @property
    def changes_schedule(self) -> bool:
        return self.interval is not None or bool(self.times)


def parse_plan_text(text: str) -> PlanRequest:
    """Read a typed plan; raise PlanTextError saying what is wrong with it."""
    cleaned = " ".join(text.lower().replace("\u00a0", " ").split())
    if not cleaned:
        raise PlanTextError(Problem.UNREADABLE)
    parts = SECTION.split(cleaned)
    main = parts[0].strip(" ,;")
    request = PlanRequest()
    if main in OFF_WORDS:
        request = PlanRequest(off=True)
    elif main:
        request = _main(main)
    for key, value in zip(parts[1::2], parts[2::2], strict=True):
        value = value.strip(" ,;:")
        if re.fullmatch(NIGHT_WORDS, key):
            night = None if value in OFF_WORDS else _duration(value)
            request = _with(request, night_interval=night, night_interval_given=True)
        else:
            quiet = None if value in OFF_WORDS else _window(value)
            request = _with(request, quiet=quiet, quiet_given=True)
    if request.off and (request.night_interval_given or request.quiet_given):
        raise PlanTextError(Problem.UNREADABLE)
    _check(request)
    return request


def _with(request: PlanRequest, **changes: object) -> PlanRequest:
    return replace(request, **changes)  # type: ignore[arg-type]


def _main(text: str) -> PlanRequest:
    every = EVERY.match(text)
    if every or _duration_or_none(text, clock_form=False) is not None:
        return PlanRequest(interval=_duration(text))
    return PlanRequest(times=_times(text))


def _duration_or_none(text: str, *, clock_form: bool) -> timedelta | None:
    """`every 3h`, `hver tredje time`, `natt 5 timer`: ordinals read as digits (`tredje` 3)."""
    text = EVERY.sub("", text)
    for word, number in ORDINALS.items():
        text = re.sub(rf"\b{word}\b", str(number), text)
    return parse_duration(text, clock_form=clock_form)


def _duration(text: str) -> timedelta:
    # `every 2:30` is an interval; `2:30` alone is a clock time (see `_main`).
    duration = _duration_or_none(text, clock_form=bool(EVERY.match(text)))
    if duration is None:
        raise PlanTextError(Problem.UNREADABLE)
    return duration


def _times(text: str) -> tuple[time, ...]:
    # `7pm` and `7 pm` alike: a meridiem is joined to the time before it.
    text = re.sub(rf"\s+({_MERIDIEM})\b", r"\1", text)
    tokens = re.findall(r"[^\s,&+]+|[,&+]", text)
    times: list[time] = []
    marked = False
    for token in tokens:
        if token in TIME_MARKERS:
            marked = True
            continue
        if token in TIME_JOINERS:
            continue
        clock = read_clock(token.rstrip("."))
        if clock is None or (clock.bare and not marked):
            raise PlanTextError(Problem.UNREADABLE)  # a bare "7" could mean anything
        times.append(clock.time)
    if not times:
        raise PlanTextError(Problem.UNREADABLE)
    if len(set(times)) > MAX_TIMES:
        raise PlanTextError(Problem.TOO_MANY_TIMES)
    return tuple(sorted(set(times)))


def _clock(text: str) -> time:
    clock: Clock | None = read_clock(text)
    if clock is None:
        raise PlanTextError(Problem.UNREADABLE)
    return clock.time


def _window(text: str) -> NightWindow:
    match = WINDOW.match(text)
    if match is None:
        raise PlanTextError(Problem.UNREADABLE)
    start, end = _clock(match["a"]), _clock(match["b"])
    if start == end:
        raise PlanTextError(Problem.UNREADABLE)
    return NightWindow(start, end)


def _check(request: PlanRequest) -> None:
    if request.interval is not None and not MIN_INTERVAL <= request.interval <= MAX_INTERVAL:
        raise PlanTextError(Problem.INTERVAL_RANGE)
    night = request.night_interval
    if night is not None and not MIN_INTERVAL <= night <= MAX_NIGHT_INTERVAL:
        raise PlanTextError(Problem.NIGHT_RANGE)
    if night is not None and request.interval is not None and night < request.interval:
        raise PlanTextError(Problem.NIGHT_RANGE)
