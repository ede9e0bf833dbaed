"""A step-down plan: fewer pumping sessions a day, or none, one step at a time.

The guidance (locales/sources/stepdown.md; the Norwegian pumping guide on stepping down
gradually) says to drop or merge one session at a time, to give the breasts a few days (3 to 5)
before the next step, to make the last session shorter before dropping it, and to watch for a
sore, hard, red or lumpy area, the early signs of a blocked duct or mastitis. The plan here
follows that: one session fewer a step, `STEP_DAYS` days a step, the last session shortened
before it goes. Plain functions, no Telegram, no database: `bot/stepping.py` stores the plan and
moves the reminders, `scheduler/stepdown.py` takes the steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

STEP_DAYS = 3  # the short end of the guidance's 3 to 5 days; pausing gives more
MAX_SESSIONS = 12
DAY = timedelta(hours=24)


class Goal(StrEnum):
    FEWER = "fewer"  # down to `target` sessions a day
    STOP = "stop"  # down to none


class Feeling(StrEnum):
    COMFORTABLE = "ok"
    FULL = "full"
    SORE = "sore"  # sore, a lump, hard or red: the plan pauses


@dataclass(frozen=True)
class Step:
    """One step: this many sessions a day; `shorter`: keep them short (the last session
    before stopping)."""

    sessions: int
    shorter: bool = False


def plan_steps(current: int, target: int) -> list[Step]:
    """The steps from `current` sessions a day down to `target` (0: stop), one session fewer
    a step; stopping ends with one shorter session before none."""
    if not 0 <= target < current <= MAX_SESSIONS:
        raise ValueError(f"no step-down from {current} to {target}")
    steps = [Step(n) for n in range(current - 1, max(target, 1) - 1, -1)]
    if target == 0:
        if not steps or steps[-1].sessions != 1:
            steps.append(Step(1))
        steps.append(Step(1, shorter=True))
        steps.append(Step(0))
    return steps


def step_interval(sessions: int) -> timedelta | None:
    """The reminder interval for `sessions` a day: the day shared out evenly, to the nearest
    half hour (None: no reminders, the plan has stopped)."""
    if sessions <= 0:
        return None
    half_hours = round(DAY / sessions / timedelta(minutes=30))
    return timedelta(minutes=30) * max(half_hours, 4)


def step_start(started_at: datetime, index: int, paused: timedelta = timedelta(0)) -> datetime:
    """When step `index` (0: the first) begins, the plan's pauses added."""
    return started_at + index * timedelta(days=STEP_DAYS) + paused


# Whole words that say the breasts are not fine; the plan pauses and the warning signs are
# shown. English and Norwegian as parents type them.
WARNING_WORDS = frozenset(
    {
        "sore",
        "lump",
        "lumps",
        "lumpy",
        "hard",
        "red",
        "painful",
        "hurts",
        "vondt",
        "øm",
        "ømt",
        "kul",
        "kuler",
        "klump",
        "hardt",
        "rødt",
        "rød",
        "verker",
    }
)


def has_warning_word(text: str) -> bool:
    """Whether the message names a warning sign ("sore", "a lump", "vondt", "rødt")."""
    return any(word in WARNING_WORDS for word in re.findall(r"\w+", text.lower()))
