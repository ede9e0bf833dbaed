"""The live session timer: what typed words start or stop it, how long it has run, and when its
message is edited next.

Plain functions over a timer's times and `now` (aware UTC); no Telegram, no database. The row
(`bot.storage.models.SessionTimer`) is what survives a restart; `scheduler/timers.py` edits
the message, `handlers/timer.py` answers the buttons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

EDIT_EVERY = timedelta(minutes=1)  # never more often: Telegram's edit limits, and the pace
AWAIT_AMOUNTS = timedelta(hours=1)  # after Stop, a typed log this long takes the duration
MAX_RUNNING = timedelta(hours=3)  # a forgotten timer stops being edited after this
SIDES = ("left", "right")


class TimerCommand(StrEnum):
    START = "start"
    STOP = "stop"


# Whole messages (lower case, punctuation and emoji gone): a log like "start 14:00 120 ml" is
# not a timer command, and "stopp" alone is.
START_TEXTS = frozenset(
    {
        "start",
        "start pumping",
        "start timer",
        "start the timer",
        "starting",
        "starting to pump",
        "starting pumping",
        "pumping now",
        "begynner",
        "begynner å pumpe",
        "begynner pumping",
        "begynner med pumping",
        "starter",
        "starter pumping",
        "starter å pumpe",
        "starter tidtaker",
        "starter tidtakeren",
        "start tidtaker",
        "pumper nå",
    }
)
STOP_TEXTS = frozenset(
    {
        "stop",
        "stop pumping",
        "stop timer",
        "stop the timer",
        "stopp",
        "stopper",
        "stopp tidtaker",
        "stopp tidtakeren",
        "ferdig å pumpe",
        "ferdig med pumping",
        "ferdig med pumpingen",
    }
)


def parse_timer_text(text: str) -> TimerCommand | None:
    """START for "start", "start pumping", "begynner", "starter pumping" and the like; STOP for
    "stop", "stopp" and the like; None for anything else (a log, a question)."""
    words = re.sub(r"[^\w\s]", " ", text.lower()).split()
    cleaned = " ".join(words)
    if cleaned in START_TEXTS:
        return TimerCommand.START
    if cleaned in STOP_TEXTS:
        return TimerCommand.STOP
    return None


@dataclass(frozen=True)
class TimerTimes:
    """A timer's times, as the row holds them."""

    started_at: datetime
    paused_at: datetime | None = None
    paused_seconds: int = 0
    stopped_at: datetime | None = None

    @property
    def running(self) -> bool:
        return self.paused_at is None and self.stopped_at is None


def elapsed(timer: TimerTimes, now: datetime) -> timedelta:
    """Pumping time so far: from the start to now (or to the pause, or the stop), less pauses."""
    end = timer.stopped_at or timer.paused_at or now
    return max(timedelta(0), end - timer.started_at - timedelta(seconds=timer.paused_seconds))


def shown_minutes(timer: TimerTimes, now: datetime) -> int:
    """Whole minutes gone, as the message shows them (0 in the first minute)."""
    return int(elapsed(timer, now) // timedelta(minutes=1))


def duration_minutes(timer: TimerTimes, now: datetime) -> int:
    """The session's duration for the log: to the nearest minute, at least 1."""
    return max(1, round(elapsed(timer, now) / timedelta(minutes=1)))


def next_edit(timer: TimerTimes, edited_at: datetime | None, now: datetime) -> datetime | None:
    """When the message next shows a new whole minute: at once if it is behind (after a
    restart), else at the next minute; never sooner than a minute after the last edit. None
    when it is not running, or has run longer than `MAX_RUNNING`."""
    if not timer.running or elapsed(timer, now) >= MAX_RUNNING:
        return None
    minute = timedelta(minutes=1)
    origin = timer.started_at + timedelta(seconds=timer.paused_seconds)
    last_minute = origin + (elapsed(timer, now) // minute) * minute
    behind = edited_at is None or edited_at < last_minute
    due = last_minute if behind else last_minute + minute
    if edited_at is not None:
        due = max(due, edited_at + EDIT_EVERY)
    return due


def edit_is_due(timer: TimerTimes, edited_at: datetime | None, now: datetime) -> bool:
    """Whether the message may be edited now: running, within `MAX_RUNNING`, and a minute or
    more since the last edit (a second's slack for a job that runs a little early)."""
    if not timer.running or elapsed(timer, now) >= MAX_RUNNING:
        return False
    return edited_at is None or now - edited_at >= EDIT_EVERY - timedelta(seconds=1)


def paused(timer: TimerTimes, now: datetime) -> TimerTimes:
    return TimerTimes(timer.started_at, now, timer.paused_seconds, timer.stopped_at)


def resumed(timer: TimerTimes, now: datetime) -> TimerTimes:
    """Running again; the pause just ended counts with the earlier ones."""
    if timer.paused_at is None:
        return timer
    pause = int((now - timer.paused_at).total_seconds())
    return TimerTimes(timer.started_at, None, timer.paused_seconds + pause, timer.stopped_at)


def log_duration(timer: TimerTimes, now: datetime) -> int | None:
    """The duration a typed log takes from this timer: a running or paused one's so far, or a
    stopped one's if it stopped within `AWAIT_AMOUNTS`; None for one stopped longer ago."""
    if timer.stopped_at is not None and now - timer.stopped_at > AWAIT_AMOUNTS:
        return None
    return duration_minutes(timer, now)


def other_side(side: str | None) -> str:
    """Switching sides: left after right, right after left (and after none)."""
    return "left" if side == "right" else "right"
