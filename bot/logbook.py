"""The chat's log book: the one write path for sessions (`LogBook`), and every text that
shows one.

No Telegram objects, so the logging handlers, reminders ("log now"), /history and imports all
store and show sessions the same way. Text is HTML: anything the user typed (notes, names) is
escaped here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.domain.chats import ChatSettings
from bot.domain.daybook import calendar_day, day_totals, parent_day, parent_day_range, today_range
from bot.domain.export import export_csv
from bot.domain.imports import ImportFile, ImportRow, session_key
from bot.domain.parsing import (
    DURATION_MAX_MIN,
    MAX_AGE,
    SESSION_MAX_ML,
    SIDE_MAX_ML,
    LogProblem,
    ParsedLog,
    Problem,
)
from bot.domain.stats import day_summary
from bot.services import PumpApplication, Services
from bot.stashbook import remove_undone_milk
from bot.storage.db import Database
from bot.storage.models import ImportBatch, ImportStatus, Method, PumpSession
from bot.storage.repo import ImportRepo, SessionRepo
from bot.text.formatting import (
    format_clock,
    format_day,
    format_minutes,
    format_plain_number,
    format_volume,
)
from bot.text.i18n import N_, Translator
from bot.text.reports import format_gap
from bot.text.stash import undone_milk_text
from bot.timers import TakenTimer, take_for_log

NAME_MAX_CHARS = 128
METHOD_NAMES = {Method.PUMP: N_("pump"), Method.HAND: N_("hand expression")}


def is_shared(settings: ChatSettings) -> bool:
    """Group chats (negative ids in Telegram) share one log, so entries show who logged them."""
    return settings.id < 0


def sessions_for_days(
    repo: SessionRepo, settings: ChatSettings, first_day: date, last_day: date
) -> list[PumpSession]:
    """The sessions of those parent days, plus the one before them (for the first overnight
    gap)."""
    start = parent_day_range(first_day, settings.tz, settings.day_start)[0]
    end = parent_day_range(last_day, settings.tz, settings.day_start)[1]
    inside = list(repo.between(start, end))
    before = repo.latest(before=start)
    return ([before] if before is not None else []) + inside


# -- rendering -----------------------------------------------------------------------------


def when_phrase(moment: datetime, settings: ChatSettings, now: datetime) -> str:
    """`today at 09:40`, `yesterday at 23:00` or `8 Mar 2026 at 23:00`, in the chat's zone."""
    tr, tz = settings.tr, settings.tz
    clock = format_clock(moment, tz, tr.locale)
    # Words about the clock: "yesterday at 23:00" is the calendar's yesterday.
    days_back = (calendar_day(now, tz) - calendar_day(moment, tz)).days
    if days_back == 0:
        return tr._("today at {time}", time=clock)
    if days_back == 1:
        return tr._("yesterday at {time}", time=clock)
    return tr._("{day} at {time}", day=format_day(moment, tz, tr.locale), time=clock)


def volume(ml: float, settings: ChatSettings) -> str:
    return format_volume(ml, settings.unit, settings.tr.locale)


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


def today_line(sessions: Sequence[PumpSession], settings: ChatSettings) -> str:
    totals = day_totals(sessions)
    return "📊 " + settings.tr.ngettext(
        "Today: {total} in {n} session.",
        "Today: {total} in {n} sessions.",
        totals.count,
        total=volume(totals.total_ml, settings),
    )


def confirmation_text(
    db_session: Session, settings: ChatSettings, entry: PumpSession, now: datetime
) -> str:
    """What the bot says after logging or changing a session: the session as understood,
    today's running total, and the time since the session before it."""
    tr = settings.tr
    repo = SessionRepo(db_session, settings.id)
    headline = "✅ " + tr._(
        "Logged {total} {when}.",
        total=volume(entry.total_ml, settings),
        when=when_phrase(entry.started_at, settings, now),
    )
    lines = [headline, *session_details(entry, settings), ""]
    lines.append(
        today_line(repo.between(*today_range(now, settings.tz, settings.day_start)), settings)
    )
    previous = repo.latest(before=entry.started_at)
    if previous is None:
        lines.append("🕘 " + tr._("This is the first session in the log."))
    else:
        minutes = int((entry.started_at - previous.started_at).total_seconds() // 60)
        lines.append(
            "🕘 "
            + tr._(
                "{interval} after the previous session.",
                interval=format_minutes(minutes, tr),
            )
        )
    return "\n".join(lines)


def saved_note(entry: PumpSession, settings: ChatSettings, now: datetime) -> str:
    """Said instead of the confirmation when that could not be sent: the entry is kept, so the
    parent must not be led to log it again."""
    return "✅ " + settings.tr._(
        "Saved {total} {when}. The usual confirmation didn't get through: /last shows this "
        "entry, and /undo removes it.",
        total=volume(entry.total_ml, settings),
        when=when_phrase(entry.started_at, settings, now),
    )


def today_text(db: Database, settings: ChatSettings, now: datetime) -> str:
    """Today's sessions (the parent day so far), with per-side totals."""
    tr = settings.tr
    today = parent_day(now, settings.tz, settings.day_start)
    with db.session() as db_session:
        repo = SessionRepo(db_session, settings.id)
        sessions = repo.between(*today_range(now, settings.tz, settings.day_start))
        # The day before too: the longest gap may start before midnight.
        summary = day_summary(
            sessions_for_days(repo, settings, today, today),
            settings.tz,
            settings.day_start,
            today,
        )
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
        day=format_day(
            today_range(now, settings.tz, settings.day_start)[0], settings.tz, tr.locale
        ),
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
            "⏳ " + tr._("Longest gap: {gap}", gap=format_gap(summary.longest_gap.length, tr))
        )
    lines.append("")
    lines += [f"• {session_line(session, settings)}" for session in sessions]
    return "\n".join(lines)


def last_text(db: Database, settings: ChatSettings, now: datetime) -> str:
    tr = settings.tr
    with db.session() as db_session:
        latest = SessionRepo(db_session, settings.id).latest()
    if latest is None:
        return tr._("Nothing is logged yet. Send an amount like <code>120 ml</code> to start.")
    minutes = max(0, int((now - latest.started_at).total_seconds() // 60))
    total = volume(latest.total_ml, settings)
    when = when_phrase(latest.started_at, settings, now)
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


# -- the write path ------------------------------------------------------------------------


@dataclass(frozen=True)
class Logged:
    """A stored (or changed, or removed) session and the text to show for it. For a removed
    one, `milk_text` is the line in that text about its milk leaving the stash, if any did."""

    entry: PumpSession
    text: str
    milk_text: str | None = None


@dataclass(frozen=True)
class RemovedImport:
    """An undone import: how many sessions went, and the line about their milk leaving the
    stash, if any did."""

    count: int
    milk_text: str | None = None


class MoveRefused(Exception):
    """A new time that would be in the future or too far back."""

    def __init__(self, problem: LogProblem) -> None:
        super().__init__(problem.kind.value)
        self.problem = problem


def new_entry(
    parsed: ParsedLog,
    chat_id: int,
    *,
    logged_by_id: int | None = None,
    logged_by_name: str | None = None,
    source_message_id: int | None = None,
) -> PumpSession:
    entry = PumpSession(
        chat_id=chat_id,
        started_at=parsed.started_at,
        total_ml=parsed.total_ml,
        logged_by_id=logged_by_id,
        logged_by_name=logged_by_name[:NAME_MAX_CHARS] if logged_by_name else None,
        source_message_id=source_message_id,
    )
    apply_parsed(entry, parsed)
    return entry


def apply_parsed(entry: PumpSession, parsed: ParsedLog) -> None:
    """Make an entry say what the (edited) message says; who logged it and where stay."""
    entry.started_at = parsed.started_at
    entry.total_ml = parsed.total_ml
    entry.left_ml = parsed.left_ml
    entry.right_ml = parsed.right_ml
    entry.duration_min = parsed.duration_min
    entry.method = parsed.method
    entry.note = parsed.note


def says(entry: PumpSession, parsed: ParsedLog) -> bool:
    """Whether the entry already holds what the message says."""
    fields = ("started_at", "total_ml", "left_ml", "right_ml", "duration_min", "method", "note")
    return all(getattr(entry, name) == getattr(parsed, name) for name in fields)


class LogBook:
    """The one way to add, change or remove a chat's sessions: messages, buttons, reminders,
    /history and imports all write through it, never through the repository.

        async with LogBook(application, settings) as book:
            logged = book.add(parsed, logged_by_id=user.id, logged_by_name=user.full_name)
            ...show logged.text...

    Each change is its own transaction, written before anything is shown. When the block ends
    (also by an exception), a book that changed something announces it once with
    `services.sessions_changed`: reminders reschedule, nudges look at the new numbers. That
    comes after the caller has shown the change, so a confirmation is never preceded by the
    nudge it set off, and an import of many rows is announced once.

    Removing a session takes the milk still stored from it out of the stash in the same
    transaction (`bot.stashbook.remove_undone_milk`), and the book then also announces
    `services.stash_changed`, so the morning note never mentions that milk.
    """

    def __init__(self, application: PumpApplication, settings: ChatSettings) -> None:
        self.application = application
        self.services: Services = application.bot_data["services"]
        self.settings = settings
        self.changed = False
        self.stash_changed = False
        self.closed_timer: TakenTimer | None = None
        self.open = False

    async def __aenter__(self) -> LogBook:
        self.open = True
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.open = False
        if self.changed:
            await self.services.sessions_changed(self.application, self.settings.id)
        if self.stash_changed:
            await self.services.stash_changed(self.application, self.settings.id)
        if self.closed_timer is not None:
            taken, self.closed_timer = self.closed_timer, None
            await self.services.timer_closed(
                self.application, self.settings.id, taken.message_id, taken.minutes
            )

    def _now(self) -> datetime:
        """The time of a change, which may be made only inside `async with` (to be announced)."""
        if not self.open:
            raise RuntimeError("a LogBook changes sessions only inside `async with`")
        return self.services.clock.now()

    def add(
        self,
        parsed: ParsedLog,
        *,
        logged_by_id: int | None = None,
        logged_by_name: str | None = None,
        source_message_id: int | None = None,
    ) -> Logged:
        """Store a parsed session (the chat row must exist); the text is its confirmation.

        A session typed in a message (`source_message_id`) closes the chat's live timer, if
        one runs or was just stopped: the entry takes its duration and, unless the message
        said when, its start (`bot.timers.take_for_log`)."""
        settings = self.settings
        entry = new_entry(
            parsed,
            settings.id,
            logged_by_id=logged_by_id,
            logged_by_name=logged_by_name,
            source_message_id=source_message_id,
        )
        now = self._now()
        entry.created_at = now  # the bot's clock, so "logged last" (undo) follows it
        with self.services.db.session() as db_session:
            if source_message_id is not None:
                taken = take_for_log(db_session, settings.id, now)
                if taken is not None and taken.minutes is not None:
                    if entry.duration_min is None:
                        entry.duration_min = taken.minutes
                    if not parsed.time_given:
                        entry.started_at = taken.started_at
                self.closed_timer = taken or self.closed_timer
            SessionRepo(db_session, settings.id).add(entry)
            self.changed = True
            return Logged(entry, confirmation_text(db_session, settings, entry, now))

    def add_many(
        self,
        parsed: Iterable[ParsedLog],
        *,
        logged_by_id: int | None = None,
        logged_by_name: str | None = None,
    ) -> list[PumpSession]:
        """Store many sessions in one transaction (an import): all of them, or none."""
        now = self._now()
        entries = [
            new_entry(p, self.settings.id, logged_by_id=logged_by_id, logged_by_name=logged_by_name)
            for p in parsed
        ]
        with self.services.db.session() as db_session:
            repo = SessionRepo(db_session, self.settings.id)
            for entry in entries:
                entry.created_at = now
                repo.add(entry)
        self.changed = self.changed or bool(entries)
        return entries

    def add_import(
        self,
        import_id: int,
        parsed: ImportFile,
        *,
        logged_by_id: int | None,
        logged_by_name: str | None,
    ) -> ImportOutcome | None:
        """Add a confirmed import's new rows, all in one transaction, each marked with the
        import's id (so undoing it is one delete); rows the log already has are skipped. None
        if the import is not waiting any more (imported, cancelled, or not this chat's). A
        row's own `logged_by` (a pumpbot export's) is kept; otherwise the entry shows whoever
        imported it. One INSERT for all rows, not `add_many`'s row at a time: a year of logs
        is 3,000 rows. Blocking: call it in a thread, inside `async with`."""
        settings = self.settings
        now = self._now()
        name = logged_by_name[:NAME_MAX_CHARS] if logged_by_name else None
        with self.services.db.session() as db_session:
            imports = ImportRepo(db_session, settings.id)
            batch = imports.get(import_id)
            if batch is None or not imports.claim(
                batch, ImportStatus.PENDING, status=ImportStatus.IMPORTED, imported_at=now
            ):
                return None
            repo = SessionRepo(db_session, settings.id)
            outcome = sort_out_import(repo, parsed)
            repo.add_many(
                [
                    {
                        "chat_id": settings.id,
                        "started_at": row.started_at,
                        "left_ml": row.left_ml,
                        "right_ml": row.right_ml,
                        "total_ml": row.total_ml,
                        "duration_min": row.duration_min,
                        "method": Method(row.method).value,
                        "note": row.note,
                        "logged_by_id": logged_by_id,
                        "logged_by_name": row.logged_by or name,
                        "import_id": import_id,
                        "created_at": now,
                    }
                    for row in outcome.new
                ]
            )
            imports.claim(batch, ImportStatus.IMPORTED, session_count=len(outcome.new))
        self.changed = self.changed or bool(outcome.new)
        return outcome

    def remove_import(self, import_id: int) -> RemovedImport | None:
        """Remove every session an import added (entries changed since go too: they came from
        the file), and the milk still stored from them (an imported session has no store
        buttons, but forged button data can name one). None if the import is not imported
        (any more)."""
        self._now()
        with self.services.db.session() as db_session:
            imports = ImportRepo(db_session, self.settings.id)
            batch = imports.get(import_id)
            if batch is None or not imports.claim(
                batch, ImportStatus.IMPORTED, status=ImportStatus.UNDONE
            ):
                return None
            milk = remove_undone_milk(db_session, self.settings.id, import_id=import_id)
            removed = SessionRepo(db_session, self.settings.id).delete_import(import_id)
        self.changed = self.changed or removed > 0
        self.stash_changed = self.stash_changed or bool(milk)
        return RemovedImport(removed, undone_milk_text(milk, self.settings, import_=True))

    def revise(self, entry_id: int, parsed: ParsedLog) -> Logged | None:
        """Replace what an entry says (its message was edited); None if it is gone."""
        now = self._now()
        with self.services.db.session() as db_session:
            repo = SessionRepo(db_session, self.settings.id)
            entry = repo.get(entry_id)
            if entry is None:
                return None
            apply_parsed(entry, parsed)
            repo.save(entry)
            self.changed = True
            return Logged(entry, confirmation_text(db_session, self.settings, entry, now))

    def move(self, entry_id: int, started_at: datetime) -> Logged | None:
        """Give an entry a new start time; None if it is gone. Raises MoveRefused out of range."""
        now = self._now()
        if started_at > now:
            raise MoveRefused(LogProblem(Problem.IN_FUTURE))
        if now - started_at > MAX_AGE:
            raise MoveRefused(LogProblem(Problem.TOO_FAR_BACK))
        with self.services.db.session() as db_session:
            repo = SessionRepo(db_session, self.settings.id)
            entry = repo.get(entry_id)
            if entry is None:
                return None
            entry.started_at = started_at
            repo.save(entry)
            self.changed = True
            return Logged(entry, confirmation_text(db_session, self.settings, entry, now))

    def remove(self, entry_id: int) -> Logged | None:
        """Delete an entry, and its milk still in the stash; None if it is gone. The text says
        what was removed."""
        return self._remove(entry_id)

    def remove_last_logged(self) -> Logged | None:
        """Delete the entry logged last (/undo), whatever time it was for; None if none."""
        return self._remove(None)

    def _remove(self, entry_id: int | None) -> Logged | None:
        settings, tr = self.settings, self.settings.tr
        now = self._now()
        with self.services.db.session() as db_session:
            repo = SessionRepo(db_session, settings.id)
            entry = repo.latest_logged() if entry_id is None else repo.get(entry_id)
            if entry is None:
                return None
            milk = remove_undone_milk(db_session, settings.id, session_id=entry.id)
            repo.delete(entry)
            self.changed = True
            self.stash_changed = self.stash_changed or bool(milk)
            removed = "↩️ " + tr._(
                "Removed {total} {when}.",
                total=volume(entry.total_ml, settings),
                when=when_phrase(entry.started_at, settings, now),
            )
            milk_text = undone_milk_text(milk, settings)
            sessions = repo.between(*today_range(now, settings.tz, settings.day_start))
            lines = [removed, *([milk_text] if milk_text else []), today_line(sessions, settings)]
            return Logged(entry, "\n".join(lines), milk_text)


# -- reading -------------------------------------------------------------------------------


def same_as_last(db: Database, chat_id: int, since: datetime, now: datetime) -> ParsedLog | None:
    """A session now with the amounts of the latest one (a reminder's "log now"); None if a
    session was logged since `since` (a second tap, or the parent typed it) or none ever was."""
    with db.session() as db_session:
        last = SessionRepo(db_session, chat_id).latest()
    if last is None or last.started_at >= since:
        return None
    return ParsedLog(
        started_at=now,
        total_ml=last.total_ml,
        left_ml=last.left_ml,
        right_ml=last.right_ml,
        duration_min=last.duration_min,
        method=Method(last.method),
    )


HISTORY_PAGE = 8  # entries on one page of /history


@dataclass(frozen=True)
class HistoryPage:
    """One page of the log, newest first; `page` counts from 0 and is always a real page."""

    entries: list[PumpSession]
    page: int
    pages: int


def history_page(db: Database, chat_id: int, page: int) -> HistoryPage:
    """The page asked for, or the nearest that exists (the log may have shrunk since)."""
    with db.session() as db_session:
        repo = SessionRepo(db_session, chat_id)
        pages = max(1, -(-repo.count() // HISTORY_PAGE))
        page = min(max(page, 0), pages - 1)
        entries = list(repo.newest_first(page * HISTORY_PAGE, HISTORY_PAGE))
    return HistoryPage(entries, page, pages)


def session_count(db: Database, chat_id: int) -> int:
    with db.session() as db_session:
        return SessionRepo(db_session, chat_id).count()


def export_log(db: Database, settings: ChatSettings) -> tuple[int, bytes]:
    """The whole log as CSV (`bot.domain.export`), and how many sessions it holds; (0, b"")
    for an empty log. A year is over 100 ms: run it on a worker thread."""
    with db.session() as db_session:
        entries = list(SessionRepo(db_session, settings.id).all())
    if not entries:
        return 0, b""
    return len(entries), export_csv(entries, settings.tz, settings.day_start, settings.language)


def confirmation_for(
    db: Database, settings: ChatSettings, entry_id: int, now: datetime
) -> Logged | None:
    """An entry's confirmation as it reads now; None if the entry is gone."""
    with db.session() as db_session:
        entry = SessionRepo(db_session, settings.id).get(entry_id)
        if entry is None:
            return None
        return Logged(entry, confirmation_text(db_session, settings, entry, now))


def set_confirmation(db: Database, chat_id: int, entry_id: int, message_id: int) -> None:
    """Remember which message confirms an entry (its buttons and replies act on it)."""
    with db.session() as db_session:
        repo = SessionRepo(db_session, chat_id)
        entry = repo.get(entry_id)
        if entry is not None:
            entry.confirmation_message_id = message_id
            repo.save(entry)


def entry_for_source(db: Database, chat_id: int, message_id: int) -> PumpSession | None:
    with db.session() as db_session:
        return SessionRepo(db_session, chat_id).by_source_message(message_id)


def entry_for_confirmation(db: Database, chat_id: int, message_id: int) -> PumpSession | None:
    with db.session() as db_session:
        return SessionRepo(db_session, chat_id).by_confirmation_message(message_id)


def get_entry(db: Database, chat_id: int, entry_id: int) -> PumpSession | None:
    with db.session() as db_session:
        return SessionRepo(db_session, chat_id).get(entry_id)


# -- importing many at once ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    """What an import (or its preview) comes to: rows that are new, rows the log already has."""

    new: list[ImportRow]
    already_logged: int


def sort_out_import(repo: SessionRepo, parsed: ImportFile) -> ImportOutcome:
    """Split the file's rows into new ones and ones the log (or the file, further up) already
    has: the same start to the second and the same amount."""
    if not parsed.rows:
        return ImportOutcome([], 0)
    first = min(row.started_at for row in parsed.rows)
    last = max(row.started_at for row in parsed.rows)
    seen = {session_key(start, total) for start, total in repo.starts_and_amounts(first, last)}
    new = []
    for row in sorted(parsed.rows, key=lambda r: r.started_at):
        key = session_key(row.started_at, row.total_ml)
        if key not in seen:
            seen.add(key)
            new.append(row)
    return ImportOutcome(new, len(parsed.rows) - len(new))


def start_import(
    db: Database,
    settings: ChatSettings,
    parsed: ImportFile,
    *,
    requested_by_id: int,
    file_id: str,
    file_name: str | None,
    now: datetime,
) -> tuple[ImportBatch, ImportOutcome]:
    """Record a previewed file as an import waiting for its sender's tap, and say how many of
    its rows are new. Nothing is added to the log yet."""
    with db.session() as db_session:
        outcome = sort_out_import(SessionRepo(db_session, settings.id), parsed)
        batch = ImportRepo(db_session, settings.id).add(
            ImportBatch(
                chat_id=settings.id,
                requested_by_id=requested_by_id,
                file_id=file_id,
                file_name=(file_name or "")[:256] or None,
                session_count=len(outcome.new),
                created_at=now,
            )
        )
        return batch, outcome


def cancel_import(db: Database, settings: ChatSettings, import_id: int) -> bool:
    """Drop an import still waiting for its tap; False if it was not waiting."""
    with db.session() as db_session:
        imports = ImportRepo(db_session, settings.id)
        batch = imports.get(import_id)
        return batch is not None and imports.claim(
            batch, ImportStatus.PENDING, status=ImportStatus.CANCELLED
        )


def get_import(db: Database, chat_id: int, import_id: int) -> ImportBatch | None:
    with db.session() as db_session:
        return ImportRepo(db_session, chat_id).get(import_id)
