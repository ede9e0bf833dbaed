"""How a session reads: its confirmation, its line in a list, /today and /last, and why a
message could not be logged. Pure: values in, HTML text out (anything the user typed, notes and
names, is escaped here); `bot.logbook` and `bot.logviews` read the sessions it shows.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from babel.dates import format_date

from bot.domain.chats import ChatSettings
from bot.domain.daybook import Amounts, day_totals, parent_day
from bot.domain.parsing import (
    DURATION_MAX_MIN,
    MAX_AGE,
    SESSION_MAX_ML,
    SIDE_MAX_ML,
    LogProblem,
    Problem,
)
from bot.domain.stats import DaySummary
from bot.domain.units import Method
from bot.storage.models import PumpSession
from bot.text.formatting import (
    date_text,
    format_clock,
    format_duration,
    format_minutes,
    format_plain_number,
    minutes_in,
    volume,
    when_text,
)
from bot.text.i18n import N_, Translator

METHOD_NAMES = {Method.PUMP: N_("pump"), Method.HAND: N_("hand expression")}


def is_shared(settings: ChatSettings) -> bool:
    """Group chats (negative ids in Telegram) share one log, so entries show who logged them."""
    return settings.id < 0


def sides_phrase(session: PumpSession, settings: ChatSettings) -> str | None:
    tr = settings.tr
    left, right = session.left_ml, session.right_ml
    if left is not None and right is not None:
        left_text, right_text = volume(left, settings), volume(right, settings)
        return tr._("Left {left} · right {right}", left=left_text, right=right_text)
    if left is not None:
        return tr._("Left side only: {left}", left=volume(left, settings))
    if right is not None:
        return tr._("Right side only: {right}", right=volume(right, settings))
    return None


def method_name(method: Method | str, tr: Translator) -> str:
    return tr._(METHOD_NAMES[Method(method)])


def session_details(session: PumpSession, settings: ChatSettings) -> list[str]:
    """The lines under a session's headline: sides, duration, method, note, who logged it."""
    tr, tz = settings.tr, settings.tz
    lines = []
    sides = sides_phrase(session, settings)
    if sides:
        lines.append(f"↔️ {sides}")
    if session.duration_min:
        end = session.started_at + timedelta(minutes=session.duration_min)
        lines.append(
            "⏱ "
            + tr._(
                "Duration: {duration} ({start}–{end})",
                duration=format_minutes(session.duration_min, tr),
                start=format_clock(session.started_at, tz, tr.locale),
                end=format_clock(end, tz, tr.locale),
            )
        )
    icon = "🤲" if session.method == Method.HAND else "🍼"
    lines.append(f"{icon} " + tr._("Method: {method}", method=method_name(session.method, tr)))
    if session.note:
        lines.append(f"📝 {html.escape(session.note)}")
    if is_shared(settings) and session.logged_by_name:
        lines.append("👤 " + tr._("Logged by {name}", name=html.escape(session.logged_by_name)))
    return lines


def session_line(session: PumpSession, settings: ChatSettings) -> str:
    """A session on one line, for lists: `09:40 · 130 ml · L 60 ml · R 70 ml · 20 min`."""
    tr = settings.tr
    parts = [
        format_clock(session.started_at, settings.tz, tr.locale),
        f"<b>{volume(session.total_ml, settings)}</b>",
    ]
    if session.left_ml is not None:
        parts.append(tr._("L {left}", left=volume(session.left_ml, settings)))
    if session.right_ml is not None:
        parts.append(tr._("R {right}", right=volume(session.right_ml, settings)))
    if session.duration_min:
        parts.append(format_minutes(session.duration_min, tr))
    if session.method == Method.HAND:
        parts.append(method_name(session.method, tr))
    if is_shared(settings) and session.logged_by_name:
        parts.append(html.escape(session.logged_by_name))
    if session.note:
        parts.append(f"📝 {html.escape(session.note)}")
    return " · ".join(parts)


def today_line(sessions: Sequence[Amounts], settings: ChatSettings) -> str:
    totals = day_totals(sessions)
    return "📊 " + settings.tr.ngettext(
        "Today: {total} in {n} session.",
        "Today: {total} in {n} sessions.",
        totals.count,
        total=volume(totals.total_ml, settings),
    )


def day_line(
    sessions: Sequence[Amounts], settings: ChatSettings, moment: datetime, now: datetime
) -> str:
    """The running total of the parent day `moment` counts to (`sessions`: that day's):
    today's, or, for a session of an earlier day (pumped at 23:50, sent or undone at 00:10),
    that day's, named."""
    day = parent_day(moment, settings.tz, settings.day_start)
    today = parent_day(now, settings.tz, settings.day_start)
    if day >= today:
        return today_line(sessions, settings)
    tr = settings.tr
    totals = day_totals(sessions)
    total = volume(totals.total_ml, settings)
    if day == today - timedelta(days=1):
        return "📊 " + tr.ngettext(
            "Yesterday: {total} in {n} session.",
            "Yesterday: {total} in {n} sessions.",
            totals.count,
            total=total,
        )
    named = date_text(day, settings, today.year)
    return "📊 " + tr.ngettext(
        "{day}: {total} in {n} session.",
        "{day}: {total} in {n} sessions.",
        totals.count,
        day=named[:1].upper() + named[1:],  # "tor. 3. des." starts a line
        total=total,
    )


def confirmation_text(
    settings: ChatSettings,
    entry: PumpSession,
    day_sessions: Sequence[Amounts],
    previous: Amounts | None,
    now: datetime,
) -> str:
    """What the bot says after logging or changing a session: the session as understood, the
    running total of the parent day it counts to (`day_sessions`: that day's sessions), and
    the time since `previous`."""
    tr = settings.tr
    headline = "✅ " + tr._(
        "Logged {total} {when}.",
        total=volume(entry.total_ml, settings),
        when=when_text(entry.started_at, settings, now),
    )
    lines = [headline, *session_details(entry, settings), ""]
    lines.append(day_line(day_sessions, settings, entry.started_at, now))
    if previous is None:
        lines.append("🕘 " + tr._("This is the first session in the log."))
    else:
        lines.append(
            "🕘 "
            + tr._(
                "{interval} after the previous session.",
                interval=format_duration(entry.started_at - previous.started_at, tr),
            )
        )
    return "\n".join(lines)


def removed_text(
    settings: ChatSettings,
    entry: PumpSession,
    milk_text: str | None,
    day_sessions: Sequence[Amounts],
    now: datetime,
) -> str:
    """What was removed, what left the stash with it (`milk_text`), and the total left on the
    parent day it counted to (`day_sessions`: that day's sessions after), as a log names it."""
    removed = "↩️ " + settings.tr._(
        "Removed {total} {when}.",
        total=volume(entry.total_ml, settings),
        when=when_text(entry.started_at, settings, now),
    )
    total = day_line(day_sessions, settings, entry.started_at, now)
    return "\n".join([removed, *([milk_text] if milk_text else []), total])


def saved_note(entry: PumpSession, settings: ChatSettings, now: datetime) -> str:
    """Said instead of the confirmation when that could not be sent: the entry is kept, so the
    parent must not be led to log it again."""
    return "✅ " + settings.tr._(
        "Saved {total} {when}. The usual confirmation didn't get through: /last shows this "
        "entry, and /undo removes it.",
        total=volume(entry.total_ml, settings),
        when=when_text(entry.started_at, settings, now),
    )


def today_text(
    settings: ChatSettings, now: datetime, sessions: Sequence[PumpSession], summary: DaySummary
) -> str:
    """Today's sessions (the parent day so far), with per-side totals."""
    tr = settings.tr
    if not sessions:
        return tr._(
            "Nothing logged today yet. Send an amount like <code>120 ml</code> to log a session."
        )
    totals = day_totals(sessions)
    unsplit = sum(s.total_ml for s in sessions if s.left_ml is None and s.right_ml is None)
    header = "📊 " + tr.ngettext(
        "<b>Today, {day}</b>: {total} in {n} session.",
        "<b>Today, {day}</b>: {total} in {n} sessions.",
        totals.count,
        # The parent day's date: at 01:00 with a 04:00 start, still yesterday's.
        day=format_date(summary.day, format="medium", locale=tr.locale),
        total=volume(totals.total_ml, settings),
    )
    sides = {
        "left": volume(totals.left_ml, settings),
        "right": volume(totals.right_ml, settings),
    }
    if not totals.left_ml and not totals.right_ml:
        side_line = None  # no session was split by side
    elif unsplit:
        side_line = tr._(
            "Left {left} · right {right} · not split by side {other}",
            other=volume(unsplit, settings),
            **sides,
        )
    else:
        side_line = tr._("Left {left} · right {right}", **sides)
    lines = [header, *([f"↔️ {side_line}"] if side_line else [])]
    lines.append(
        "➗ "
        + tr._("Average per session: {average}", average=volume(summary.average_ml or 0, settings))
    )
    if summary.longest_gap is not None:
        lines.append(
            "⏳ " + tr._("Longest gap: {gap}", gap=format_duration(summary.longest_gap.length, tr))
        )
    lines.append("")
    lines += [f"• {session_line(session, settings)}" for session in sessions]
    return "\n".join(lines)


def last_text(settings: ChatSettings, now: datetime, latest: PumpSession | None) -> str:
    """The latest session and how long ago it was."""
    tr = settings.tr
    if latest is None:
        return tr._("Nothing is logged yet. Send an amount like <code>120 ml</code> to start.")
    minutes = max(0, minutes_in(now - latest.started_at))
    total = volume(latest.total_ml, settings)
    when = when_text(latest.started_at, settings, now)
    if minutes < 1:
        headline = tr._("Latest session: {total} {when} (just now).", total=total, when=when)
    else:
        headline = tr._(
            "Latest session: {total} {when} ({ago} ago).",
            total=total,
            when=when,
            ago=format_minutes(minutes, tr),
        )
    return "\n".join([f"🍼 {headline}", *session_details(latest, settings)])


def examples_text(tr: Translator, *, command: bool) -> str:
    """Three example logs in the chat's language, written as commands for /log."""
    if command:
        return tr._(
            "Write the amount after the command, like one of these:\n"
            "<code>/log 120 ml</code>\n"
            "<code>/log L 60 R 70 20min</code>\n"
            "<code>/log 90 ml at 14:30 #evening</code>"
        )
    return tr._(
        "Send it like one of these:\n"
        "<code>120 ml</code>\n"
        "<code>L 60 R 70 20min</code>\n"
        "<code>90 ml at 14:30 #evening</code>"
    )


def example_logs(text: str) -> list[str]:
    """The example messages inside a reply (what is in <code>), without a leading command."""
    examples = re.findall(r"<code>(.*?)</code>", text)
    return [re.sub(r"^/\w+\s+", "", example) for example in examples]


def problem_text(problem: LogProblem, settings: ChatSettings) -> str:
    """Why a message could not be logged, in one or two sentences."""
    tr = settings.tr
    kind = problem.kind
    if kind == Problem.MISSING_AMOUNT:
        return tr._(
            "I didn't find an amount. Add how much you pumped, like <code>120 ml</code> "
            "or <code>L 60 R 70</code>."
        )
    if kind == Problem.SIDE_TOO_LARGE:
        return tr._(
            "I can log up to {limit} per side, and this is more.",
            limit=volume(SIDE_MAX_ML, settings),
        )
    if kind == Problem.TOTAL_TOO_LARGE:
        return tr._(
            "I can log up to {limit} per session, and this is more. "
            "If the unit is wrong, change it with /units.",
            limit=volume(SESSION_MAX_ML, settings),
        )
    if kind == Problem.DURATION_TOO_LONG:
        return tr._(
            "I can log sessions up to {limit} long, and this is longer.",
            limit=format_minutes(DURATION_MAX_MIN, tr),
        )
    if kind == Problem.TOO_FAR_BACK:
        return tr.ngettext(
            "I can log sessions from the last {n} day, and this is further back.",
            "I can log sessions from the last {n} days, and this is further back.",
            MAX_AGE.days,
        )
    if kind == Problem.IN_FUTURE:
        return tr._("That time hasn't come yet today.")
    if kind == Problem.ZERO_AMOUNT:
        return tr._("That's 0, so there's nothing to log. If you meant another amount, send it.")
    if kind == Problem.AMBIGUOUS_NUMBER and problem.readings is not None:
        thousand, decimal = (format_plain_number(n, tr.locale) for n in problem.readings)
        return tr._(
            "Did you mean {thousand} or {decimal}? “{typed}” can be read both ways. Write it "
            "without the thousands separator, like <code>{thousand}</code> or "
            "<code>{decimal}</code>.",
            typed=html.escape(problem.typed or ""),
            thousand=thousand,
            decimal=decimal,
        )
    return tr._("I couldn't read that as a pumping session.")


def refusal_text(problem: LogProblem, settings: ChatSettings, *, command: bool = False) -> str:
    """The reply to a new message that cannot be logged: what is wrong, and that nothing
    was saved."""
    tr = settings.tr
    if problem.kind == Problem.UNREADABLE:
        return (
            tr._("I couldn't read that as a pumping session, so nothing was saved.")
            + "\n"
            + examples_text(tr, command=command)
        )
    return problem_text(problem, settings) + " " + tr._("Nothing was saved.")


def edit_refusal_text(problem: LogProblem, settings: ChatSettings) -> str:
    """The reply to an edited message that cannot be read: the entry stays as it was."""
    return (
        problem_text(problem, settings)
        + " "
        + settings.tr._("I kept the logged session as it was.")
    )
