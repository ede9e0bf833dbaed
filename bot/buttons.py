"""Button data: every inline button's callback data is built and parsed here, and nowhere else.

Data reads `prefix:action[:field...]` (at most 64 bytes, Telegram's limit). Each kind of
button is declared once below, with the type of each field:

    LOG_UNDO = Button("log", "undo", ROW_ID)

`LOG_UNDO.data(42)` builds `"log:undo:42"`; `parse("log:undo:42")` gives
`Pressed(LOG_UNDO, (42,))`, so a feature's button handler can `match` on what was pressed.

Anyone can send a tap with any data, so parsing is strict: numbers are ASCII digits only
(`str.isdigit()` also takes `²` and `١`), without a leading zero, and within what the value is
used for (a row id fits its database column, a timestamp fits a `datetime`); every field must
be there and nothing more. Whatever does not parse is None, and handlers answer it with the
polite "out of date" (`handlers.common.out_of_date`). Whether a well-formed value means
anything (a snooze length the bot offers, an entry in this chat's log) is the feature's call.

Adding a button is one line here (a new prefix too); its feature registers a handler with
`pattern=buttons.pattern("prefix")` (or `pattern("prefix", BUTTON, ...)` when features share a
prefix), and `tests/faults/test_tampering.py` forges it automatically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Any

MAX_BYTES = 64  # Telegram refuses longer callback data
SEPARATOR = ":"

# What the columns hold: row ids are INTEGER (32-bit on PostgreSQL), Telegram ids BIGINT.
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
LAST_TIMESTAMP = 253_402_300_799  # 9999-12-31 23:59:59 UTC, the last second a datetime holds

# Only ASCII digits, no leading zero, no "+", no "_", no spaces (all of which int() accepts).
NUMBER = re.compile(r"0|-?[1-9][0-9]{0,18}")


@dataclass(frozen=True)
class Number:
    """A whole number between `low` and `high`."""

    low: int
    high: int

    def parse(self, text: str) -> int | None:
        if not NUMBER.fullmatch(text):
            return None
        value = int(text)
        return value if self.low <= value <= self.high else None

    def build(self, value: int) -> str:
        if isinstance(value, bool) or not self.low <= value <= self.high:
            raise ValueError(f"{value!r} is outside {self.low}..{self.high}")
        return str(value)


@dataclass(frozen=True)
class Word:
    """A short ASCII name (a unit, a language, a topic id, a time zone), by pattern."""

    pattern: str = r"[a-z0-9_]{1,32}"

    def parse(self, text: str) -> str | None:
        return text if re.fullmatch(self.pattern, text, re.ASCII) else None

    def build(self, value: str) -> str:
        if self.parse(value) is None:
            raise ValueError(f"{value!r} does not match {self.pattern}")
        return value


@dataclass(frozen=True)
class ClockTime:
    """A wall-clock time as four digits, `0730`."""

    def parse(self, text: str) -> time | None:
        if not re.fullmatch(r"[0-9]{4}", text):
            return None
        hours, minutes = int(text[:2]), int(text[2:])
        return time(hours, minutes) if hours < 24 and minutes < 60 else None

    def build(self, value: time) -> str:
        return value.strftime("%H%M")


Field = Number | Word | ClockTime

ROW_ID = Number(1, INT32_MAX)  # a session's or a plan's id
TELEGRAM_ID = Number(0, INT64_MAX)  # a user's id (0: none was known)
TIMESTAMP = Number(0, LAST_TIMESTAMP)  # whole seconds since 1970, UTC
PAGE = Number(0, INT32_MAX)
MINUTES = Number(-24 * 60, 24 * 60)
SMALL = Number(0, 999)  # days, hours, a yes (1) or no (0)
WORD = Word()
ZONE = Word(r"[A-Za-z0-9_+\-]{1,30}(?:/[A-Za-z0-9_+\-]{1,30}){0,2}")


@dataclass(frozen=True, eq=False)
class Button:
    """One kind of button: its prefix (the feature), its action, and the types of its fields."""

    prefix: str
    action: str
    fields: tuple[Field, ...]

    def __init__(self, prefix: str, action: str, *fields: Field) -> None:
        object.__setattr__(self, "prefix", prefix)
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "fields", fields)
        key = (prefix, action, len(fields))
        if key in KINDS:
            raise ValueError(f"two buttons are {prefix}:{action} with {len(fields)} fields")
        KINDS[key] = self

    def data(self, *values: Any) -> str:
        """The callback data for these values; ValueError for a value the parser would refuse."""
        if len(values) != len(self.fields):
            raise ValueError(f"{self} takes {len(self.fields)} values, not {len(values)}")
        parts = [self.prefix, self.action]
        parts += [field.build(value) for field, value in zip(self.fields, values, strict=True)]
        data = SEPARATOR.join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"{data!r} is longer than Telegram allows")
        return data

    def __repr__(self) -> str:
        return f"Button({self.prefix}:{self.action}/{len(self.fields)})"


@dataclass(frozen=True)
class Pressed:
    """A tap, parsed: which button, and its field values (ints, words, times)."""

    button: Button
    values: tuple[Any, ...]


KINDS: dict[tuple[str, str, int], Button] = {}


def parse(data: str | None) -> Pressed | None:
    """The button and values in `data`; None for data no button of ours would carry."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    prefix, _, rest = data.partition(SEPARATOR)
    action, _, tail = rest.partition(SEPARATOR)
    texts = tail.split(SEPARATOR) if tail else []
    button = KINDS.get((prefix, action, len(texts)))
    if button is None or (tail == "" and rest.endswith(SEPARATOR)):
        return None
    values = tuple(field.parse(text) for field, text in zip(button.fields, texts, strict=True))
    if any(value is None for value in values):
        return None
    return Pressed(button, values)


def pattern(prefix: str, *actions: Button) -> str:
    """The `CallbackQueryHandler` pattern that sends a prefix's taps to its feature; with
    `actions`, only those buttons' (when features share a prefix)."""
    if not actions:
        return rf"^{re.escape(prefix)}{SEPARATOR}"
    names = "|".join(sorted({re.escape(button.action) for button in actions}))
    return rf"^{re.escape(prefix)}{SEPARATOR}(?:{names})(?:{SEPARATOR}|$)"


def prefixes() -> set[str]:
    return {prefix for prefix, _, _ in KINDS}


# -- every button the bot sends -------------------------------------------------------------

# Logging: the confirmation's Undo and Fix time, then a time shift (minutes) and Done.
LOG_UNDO = Button("log", "undo", ROW_ID)
LOG_FIX = Button("log", "fix", ROW_ID)
LOG_DONE = Button("log", "done", ROW_ID)
LOG_SHIFT = Button("log", "shift", ROW_ID, MINUTES)

# Reminders: the /remind menu, the buttons on a reminder (plan id, the reminder's due time)
# and the /pause lengths (hours, or "morning").
REM_PRESET = Button("rem", "preset", WORD)
REM_ONCE_A_DAY = Button("rem", "occ", ClockTime())
REM_OFF = Button("rem", "off")
REM_LOG = Button("rem", "log", ROW_ID, TIMESTAMP)
REM_SNOOZE = Button("rem", "snooze", ROW_ID, MINUTES, TIMESTAMP)
REM_SKIP = Button("rem", "skip", ROW_ID, TIMESTAMP)
REM_PAUSE = Button("rem", "pause", ROW_ID, WORD)

# Power pumping: start or not after the note; cancel (plan id, the hour's start).
PWR_START = Button("pwr", "start")
PWR_NOT_NOW = Button("pwr", "no")
PWR_CANCEL = Button("pwr", "cancel", ROW_ID, TIMESTAMP)

# Stats and the log: chart length (days), /history pages and entries, /exclusive, /forget
# (the id of the user who asked).
STATS_CHART = Button("stats", "chart", SMALL)
STATS_PAGE = Button("stats", "hist", PAGE)
STATS_ENTRY = Button("stats", "entry", ROW_ID, PAGE)
STATS_DELETE = Button("stats", "del", ROW_ID, PAGE)
STATS_FIX = Button("stats", "fix", ROW_ID, PAGE)
STATS_EXCLUSIVE = Button("stats", "excl", SMALL)
STATS_FORGET = Button("stats", "forget", TELEGRAM_ID)
STATS_KEEP = Button("stats", "keep")

# /report: another length (days).
REPORT_DAYS = Button("report", "days", SMALL)

# The live session timer: start (from /timer's hint or a reminder), and on its message pause,
# resume, stop and switch side (the timer's start, so an older timer's message is out of date).
TIMER_START = Button("timer", "start")
TIMER_PAUSE = Button("timer", "pause", TIMESTAMP)
TIMER_RESUME = Button("timer", "resume", TIMESTAMP)
TIMER_STOP = Button("timer", "stop", TIMESTAMP)
TIMER_SIDE = Button("timer", "side", TIMESTAMP)

# The step-down plan: the goal (`fewer` or `stop`), the target (sessions a day), start (from,
# to), how the breasts feel, and pause, resume, change, end.
STEP_GOAL = Button("step", "goal", Word("fewer|stop"), SMALL)
STEP_TARGET = Button("step", "to", SMALL, SMALL)
STEP_START = Button("step", "go", SMALL, SMALL)
STEP_FEEL = Button("step", "feel", Word("ok|full|sore"))
STEP_PAUSE = Button("step", "pause")
STEP_RESUME = Button("step", "resume")
STEP_CHANGE = Button("step", "change")
STEP_END = Button("step", "end")

# /trend: another length (weeks).
TREND_WEEKS = Button("trend", "weeks", SMALL)

# Importing a CSV file: confirm, cancel, undo (the import's id).
IMPORT_GO = Button("imp", "go", ROW_ID)
IMPORT_CANCEL = Button("imp", "no", ROW_ID)
IMPORT_UNDO = Button("imp", "undo", ROW_ID)

# Tips: a topic, a group of topics, the menu, a time away (hours), the nudge switch, and "off"
# under a nudge.
TIP_TOPIC = Button("tip", "t", WORD)
TIP_GROUP = Button("tip", "g", WORD)
TIP_MENU = Button("tip", "menu")
TIP_AWAY = Button("tip", "away", SMALL)
TIP_NUDGES = Button("tip", "nudge", WORD)
TIP_NUDGES_OFF_UNDER = Button("tip", "nudge", Word("off"), WORD)

# Settings: a language, a unit, a time zone, the hour the day starts.
SET_LANGUAGE = Button("set", "lang", WORD)
SET_UNIT = Button("set", "unit", WORD)
SET_ZONE = Button("set", "tz", ZONE)
SET_DAY_START = Button("set", "day", ClockTime())
SET_BABIES = Button("set", "babies", Number(1, 3))  # bot.domain.stats.MAX_BABIES

# The milk stash: a logged session's milk into a place (`fridge` or `freezer`, session id);
# use, thaw, freeze, throw out or open one portion (portion id); the pick list and the stash.
STASH_PUT = Button("stash", "put", Word("fridge|freezer"), ROW_ID)
STASH_USE = Button("stash", "use", ROW_ID)
STASH_THAW = Button("stash", "thaw", ROW_ID)
STASH_FREEZE = Button("stash", "freeze", ROW_ID)
STASH_TOSS = Button("stash", "toss", ROW_ID)
STASH_SHOW = Button("stash", "show", ROW_ID)
STASH_PICK = Button("stash", "pick")
STASH_LIST = Button("stash", "list")

# Bottle feeds: undo one (the feed's id).
FEED_UNDO = Button("feed", "undo", ROW_ID)

# A family group's link to the parent's stash: unlink from the group, or from her private chat
# (the group's id: groups have negative ids); show her pumping log there or not.
GROUP_ID = Number(-INT64_MAX, -1)
LINK_OFF = Button("link", "off")
LINK_DROP = Button("link", "drop", GROUP_ID)
# Her pumping log shown in that group (1) or not (0).
LINK_LOG = Button("link", "log", GROUP_ID, SMALL)
