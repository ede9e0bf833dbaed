"""The settings' own /export file: the chat's settings, its running session timer and its
step-down plan, one `setting,value` pair a line.

A fourth CSV beside the sessions, stash and feeds files, in the same style
(`bot.domain.export`): UTF-8 with a byte-order mark, stable English names, commas or
semicolons by the chat's language. Times are local with their UTC offset (ISO 8601); an empty
value means "none" (or, for `babies`, never asked: counted as one). The settings come always:

    language            en or nb
    timezone            the IANA name, Europe/Oslo
    unit                ml or oz (what the chat shows; the files hold millilitres)
    exclusive_pumping   yes or no
    day_start           when the parent's day starts, HH:MM (00:00: midnight)
    babies              how many babies the milk is for (empty: never asked, counted as one)

then, when a session timer exists (running, paused, or stopped and waiting for the amounts):

    timer_started         when it started
    timer_side            left or right: the side it shows now (empty: none chosen)
    timer_paused          when the current pause began (empty: not paused)
    timer_paused_seconds  the pauses before the current one, together
    timer_stopped         when Stop was tapped (empty: still timing)

and when a step-down plan exists:

    stepdown_from_sessions  sessions a day when it started
    stepdown_to_sessions    the goal (0: stopping)
    stepdown_step           the step it is on, from 1
    stepdown_steps          how many steps it has
    stepdown_started        when it started
    stepdown_next_step      when the next step comes (empty: the last step)
    stepdown_paused         when it was paused (empty: not paused)
    stepdown_feeling        the last answer to "how do your breasts feel?" (empty: none yet)

The import (`bot.domain.imports`) knows the file by its header and says it holds no sessions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.chats import ChatSettings
from bot.domain.export import CsvStyle, csv_bytes
from bot.domain.stepdown import plan_steps
from bot.storage.models import SessionTimer, StepDownPlan

COLUMNS = ("setting", "value")


def to_the_second(value: datetime | None, tz: ZoneInfo) -> str:
    """Local time with its offset, to the second (a timer's start is stored to the
    microsecond); empty for none."""
    return "" if value is None else value.astimezone(tz).isoformat(timespec="seconds")


def settings_pairs(
    settings: ChatSettings, timer: SessionTimer | None, plan: StepDownPlan | None
) -> list[tuple[str, str]]:
    """The file's lines, in order: the settings, then the timer's and the plan's if any."""
    tz = settings.tz
    pairs = [
        ("language", settings.language),
        ("timezone", settings.timezone),
        ("unit", str(settings.unit)),
        ("exclusive_pumping", "yes" if settings.exclusive_pumping else "no"),
        ("day_start", settings.day_start.strftime("%H:%M")),
        ("babies", str(settings.babies) if settings.babies_asked else ""),
    ]
    if timer is not None:
        pairs += [
            ("timer_started", to_the_second(timer.started_at, tz)),
            ("timer_side", timer.side or ""),
            ("timer_paused", to_the_second(timer.paused_at, tz)),
            ("timer_paused_seconds", str(timer.paused_seconds)),
            ("timer_stopped", to_the_second(timer.stopped_at, tz)),
        ]
    if plan is not None:
        pairs += [
            ("stepdown_from_sessions", str(plan.start_sessions)),
            ("stepdown_to_sessions", str(plan.target_sessions)),
            ("stepdown_step", str(plan.step + 1)),
            ("stepdown_steps", str(len(plan_steps(plan.start_sessions, plan.target_sessions)))),
            ("stepdown_started", to_the_second(plan.started_at, tz)),
            ("stepdown_next_step", to_the_second(plan.next_step_at, tz)),
            ("stepdown_paused", to_the_second(plan.paused_at, tz)),
            ("stepdown_feeling", plan.feeling or ""),
        ]
    return pairs


def settings_csv(
    settings: ChatSettings, timer: SessionTimer | None, plan: StepDownPlan | None
) -> bytes:
    def rows(_style: CsvStyle) -> Iterable[tuple[str, str]]:
        return settings_pairs(settings, timer, plan)

    return csv_bytes(COLUMNS, rows, settings.language)


def settings_filename(now: datetime, tz: ZoneInfo) -> str:
    return f"pumpbot-settings-{now.astimezone(tz).date().isoformat()}.csv"
