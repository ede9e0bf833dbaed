"""What the live session timer's message says, in the chat's language (its buttons:
`scheduler.timers.timer_keyboard`)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.chats import ChatSettings
from bot.domain.timer import TimerTimes, duration_minutes, shown_minutes
from bot.storage.models import SessionTimer
from bot.text.formatting import format_clock, format_minutes
from bot.text.i18n import N_, Translator

SIDE_NAMES = {"left": N_("left side"), "right": N_("right side")}


def times_of(row: SessionTimer) -> TimerTimes:
    return TimerTimes(row.started_at, row.paused_at, row.paused_seconds, row.stopped_at)


def token(row: SessionTimer) -> int:
    """The timer's start in whole seconds: its buttons carry it, so an older timer's buttons
    are out of date."""
    return int(row.started_at.timestamp())


def timer_text(row: SessionTimer, settings: ChatSettings, now: datetime) -> str:
    """Running, paused or stopped: the time so far, and what to do next."""
    tr, tz = settings.tr, settings.tz
    times = times_of(row)
    started = format_clock(row.started_at, tz, tr.locale)
    if row.stopped_at is not None:
        duration = format_minutes(duration_minutes(times, now), tr)
        return "⏹ " + tr._(
            "<b>Stopped: {duration}.</b>\nSend the amounts, like <code>L 60 R 70</code>; the "
            "duration, {duration}, is noted.",
            duration=duration,
        )
    shown = format_minutes(shown_minutes(times, now), tr)
    if row.paused_at is not None:
        return "⏸ " + tr._(
            "<b>Paused at {minutes}.</b>\nStarted at {time}.", minutes=shown, time=started
        )
    lines = [
        "⏱ "
        + tr._(
            "<b>Pumping: {minutes}</b>\nStarted at {time}. I update this about once a minute.",
            minutes=shown,
            time=started,
        )
    ]
    if row.side:
        lines.append(tr._("Side now: {side}", side=tr._(SIDE_NAMES[row.side])))
    return "\n".join(lines)


def timer_logged_text(minutes: int, tr: Translator) -> str:
    """The timer's message once a typed log took its duration."""
    return "✅ " + tr._(
        "Timer done: {duration}, noted with the session you logged.",
        duration=format_minutes(minutes, tr),
    )


def timer_status_line(row: SessionTimer, settings: ChatSettings, now: datetime) -> str:
    """The timer in one line, for the export's caption: running, paused or stopped."""
    tr, times = settings.tr, times_of(row)
    started = format_clock(row.started_at, settings.tz, tr.locale)
    if row.stopped_at is not None:
        return tr._(
            "Session timer: stopped at {duration}, waiting for the amounts.",
            duration=format_minutes(duration_minutes(times, now), tr),
        )
    shown = format_minutes(shown_minutes(times, now), tr)
    if row.paused_at is not None:
        return tr._(
            "Session timer: paused at {minutes}, started at {time}.", minutes=shown, time=started
        )
    return tr._(
        "Session timer: running for {minutes}, started at {time}.", minutes=shown, time=started
    )
