"""The chat's log book: the one write path for sessions (`LogBook`), "log this message"
(`LogBook.log_message`, with its redelivery check) and the confirmation id.

No Telegram objects, so the logging handlers, reminders ("log now"), /history and imports all
store sessions the same way. How a session reads is `bot.text.sessions`; what the log shows,
`bot.logviews`; an import's preview and its waiting state, `bot.importing`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.domain.chats import ChatSettings
from bot.domain.daybook import Amounts, parent_day, parent_day_range
from bot.domain.imports import ImportFile
from bot.domain.nudges import LOOKBACK
from bot.domain.parsing import (
    MAX_AGE,
    LogProblem,
    ParsedLog,
    Problem,
)
from bot.domain.units import Method
from bot.feedbook import add_imported_feeds, remove_imported_feeds
from bot.importing import ImportOutcome, sort_out
from bot.services import Prepared, PumpApplication, Services, apply_followers, prepare_followers
from bot.stashbook import remove_undone_milk
from bot.storage.db import Database
from bot.storage.models import ImportStatus, PumpSession
from bot.storage.repo import ImportRepo, SessionRepo
from bot.text.i18n import N_
from bot.text.sessions import confirmation_text, removed_text
from bot.text.stash import undone_milk_text
from bot.timers import TakenTimer, close_for_log, timer_for_log

NAME_MAX_CHARS = 128
METHOD_NAMES = {Method.PUMP: N_("pump"), Method.HAND: N_("hand expression")}


# -- the write path ------------------------------------------------------------------------


def confirmation_in(
    db_session: Session, settings: ChatSettings, entry: PumpSession, now: datetime
) -> str:
    """An entry's confirmation, with the sessions of the parent day it counts to and the one
    before it read in the caller's transaction."""
    repo = SessionRepo(db_session, settings.id)
    previous = repo.amounts_before(entry.started_at, entry.id or 0)
    return confirmation_text(settings, entry, day_of(repo, settings, entry), previous, now)


def day_of(repo: SessionRepo, settings: ChatSettings, entry: PumpSession) -> Sequence[Amounts]:
    """The sessions of the parent day an entry counts to (in the chat's time zone, from the
    hour its day starts), whose total its confirmation and its undo show."""
    day = parent_day(entry.started_at, settings.tz, settings.day_start)
    return repo.amounts(*parent_day_range(day, settings.tz, settings.day_start))


@dataclass(frozen=True)
class Logged:
    """A stored (or changed, or removed) session and the text to show for it. For a removed
    one, `milk_text` is the line in that text about its milk leaving the stash, if any did."""

    entry: PumpSession
    text: str
    milk_text: str | None = None


@dataclass(frozen=True)
class RemovedImport:
    """An undone import: how many sessions (or bottle feeds) went, and the line about their
    milk leaving the stash, if any did."""

    count: int
    milk_text: str | None = None
    feeds: int = 0  # bottle feeds it added (a feeding file's)


class MoveRefused(Exception):
    """A new time that would be in the future or too far back."""

    def __init__(self, problem: LogProblem) -> None:
        super().__init__(problem.kind.value)
        self.problem = problem


def new_entry(
    parsed: ParsedLog,
    chat_id: int,
    created_at: datetime,
    *,
    logged_by_id: int | None = None,
    logged_by_name: str | None = None,
    source_message_id: int | None = None,
) -> PumpSession:
    """Every field given at once: a field left to its default costs SQLModel a look at the
    default (and a signature inspection for `created_at`'s factory) on every log."""
    return PumpSession(
        id=None,
        chat_id=chat_id,
        **{name: getattr(parsed, name) for name in SAID_FIELDS},
        logged_by_id=logged_by_id,
        logged_by_name=logged_by_name[:NAME_MAX_CHARS] if logged_by_name else None,
        source_message_id=source_message_id,
        confirmation_message_id=None,
        import_id=None,
        created_at=created_at,
    )


# What a message says about a session: the fields an edit replaces and a redelivery compares.
SAID_FIELDS = ("started_at", "total_ml", "left_ml", "right_ml", "duration_min", "method", "note")


def apply_parsed(entry: PumpSession, parsed: ParsedLog) -> None:
    """Make an entry say what the (edited) message says; who logged it and where stay."""
    for name in SAID_FIELDS:
        setattr(entry, name, getattr(parsed, name))


def says(entry: PumpSession, parsed: ParsedLog) -> bool:
    """Whether the entry already holds what the message says."""
    return all(getattr(entry, name) == getattr(parsed, name) for name in SAID_FIELDS)


@dataclass(frozen=True)
class LogWork:
    """What logging a message did: stored it now (`book`, whose followers still have to be
    announced, and `logged`), or found it stored before (`stored`)."""

    book: LogBook | None = None
    logged: Logged | None = None
    stored: PumpSession | None = None


class LogBook:
    """The one way to add, change or remove a chat's sessions: messages, buttons, reminders,
    /history and imports all write through it, never through the repository.

        async with LogBook(application, settings) as book:
            logged = book.add(parsed, logged_by_id=user.id, logged_by_name=user.full_name)
            ...show logged.text...

    Each change is written before anything is shown: in a transaction of its own, or in the
    caller's unit of work (`LogBook(application, settings, session)`, as a typed log's is, on a
    worker thread). What follows a change (`Services.session_followers`: reminders reschedule,
    nudges look at the new numbers) prepares in that same transaction, and acts when the block
    ends (also by an exception) or on `announce()`: after the caller has shown the change, so
    a confirmation is never preceded by the nudge it set off, and an import is announced once.

    Removing a session takes the milk still stored from it out of the stash in the same
    transaction (`bot.stashbook.remove_undone_milk`), and the book then also announces
    `services.stash_changed`, so the morning note never mentions that milk.
    """

    def __init__(
        self,
        application: PumpApplication,
        settings: ChatSettings,
        session: Session | None = None,
    ) -> None:
        """`session`: write in the caller's unit of work (its transaction, its thread) instead
        of a transaction of the book's own."""
        self.application = application
        self.services: Services = application.bot_data["services"]
        self.settings = settings
        self.session = session
        self.open = session is not None
        self.sessions_prepared: Prepared | None = None
        self.stash_prepared: Prepared | None = None
        self.stored = 0  # sessions added, counted in the metrics once announced (committed)
        self.closed_timer: TakenTimer | None = None

    async def __aenter__(self) -> LogBook:
        self.open = True
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.announce()

    async def announce(self) -> None:
        """What follows the changes (reminders, nudges, the stash note), on the event loop,
        once; what the followers needed from the database was prepared with the change."""
        self.open = False
        self.services.metrics.logs_stored.inc(self.stored)
        self.stored = 0
        chat_id = self.settings.id
        sessions, self.sessions_prepared = self.sessions_prepared, None
        stash, self.stash_prepared = self.stash_prepared, None
        if sessions is not None:
            await apply_followers(sessions, self.application, chat_id)
        if stash is not None:
            await apply_followers(stash, self.application, chat_id)
        timer, self.closed_timer = self.closed_timer, None
        if timer is not None:
            await self.services.timer_closed(
                self.application, chat_id, timer.message_id, timer.minutes
            )

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """The caller's unit of work, or a transaction of the book's own."""
        if self.session is not None:
            yield self.session
            return
        with self.services.db.session() as db_session:
            self.session = db_session  # a change inside a change shares the transaction
            try:
                yield db_session
            finally:
                self.session = None

    def _changed(self, db_session: Session, *, sessions: bool = True, stash: bool = False) -> None:
        """The followers prepare inside the change's transaction (after it, so they see it)."""
        services, chat_id, now = self.services, self.settings.id, self.services.clock.now()
        db_session.flush()
        if sessions:
            followers = services.session_followers
            self.sessions_prepared = prepare_followers(followers, db_session, chat_id, now)
        if stash:
            followers = services.stash_followers
            self.stash_prepared = prepare_followers(followers, db_session, chat_id, now)

    @property
    def changed(self) -> bool:
        return self.sessions_prepared is not None

    def _now(self) -> datetime:
        """The time of a change, which may be made only inside `async with` (to be announced)
        or in a caller's unit of work (announced with `announce`)."""
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
        said when, its start (`bot.timers.timer_for_log`)."""
        logged = self._store(parsed, logged_by_id, logged_by_name, source_message_id)
        if logged is None:
            raise ValueError(f"message {source_message_id} is logged already")
        return logged

    def log_message(
        self,
        parsed: ParsedLog,
        *,
        source_message_id: int,
        logged_by_id: int | None,
        logged_by_name: str | None,
    ) -> LogWork:
        """Log what a message says, once: a message already stored (a redelivery, or the inbox
        replaying an update a crash cut short) is not stored again (its insert writes
        nothing), and the entry it stored is found."""
        with self._transaction() as db_session:
            logged = self._store(parsed, logged_by_id, logged_by_name, source_message_id)
            if logged is None:
                repo = SessionRepo(db_session, self.settings.id)
                return LogWork(stored=repo.by_source_message(source_message_id))
        return LogWork(book=self, logged=logged)

    def _store(
        self,
        parsed: ParsedLog,
        logged_by_id: int | None,
        logged_by_name: str | None,
        source_message_id: int | None,
    ) -> Logged | None:
        """`add`; None, with nothing written, if the message is stored already."""
        settings = self.settings
        now = self._now()
        # Created at the bot's clock, so "logged last" (undo) follows it.
        entry = new_entry(
            parsed,
            settings.id,
            now,
            logged_by_id=logged_by_id,
            logged_by_name=logged_by_name,
            source_message_id=source_message_id,
        )
        with self._transaction() as db_session:
            taken = None
            if source_message_id is not None:
                taken = timer_for_log(db_session, settings.id, now)
                if taken is not None and taken.minutes is not None:
                    if entry.duration_min is None:
                        entry.duration_min = taken.minutes
                    if not parsed.time_given:
                        entry.started_at = taken.started_at
            repo = SessionRepo(db_session, settings.id)
            if not repo.insert_once(entry):
                return None
            if taken is not None:
                close_for_log(db_session, settings.id)
                self.closed_timer = taken
            self.stored += 1
            # One query for what the followers and the confirmation read next: the nudge
            # check's days, which hold today's and (mostly) the session before this one.
            repo.read_recent(now - LOOKBACK)
            self._changed(db_session)
            return Logged(entry, confirmation_in(db_session, settings, entry, now))

    def add_many(
        self,
        parsed: Iterable[ParsedLog],
        *,
        logged_by_id: int | None = None,
        logged_by_name: str | None = None,
    ) -> list[PumpSession]:
        """Store many sessions in one transaction (an import): all of them, or none."""
        now = self._now()
        chat_id = self.settings.id
        entries = [
            new_entry(p, chat_id, now, logged_by_id=logged_by_id, logged_by_name=logged_by_name)
            for p in parsed
        ]
        with self._transaction() as db_session:
            repo = SessionRepo(db_session, chat_id)
            for entry in entries:
                repo.add(entry)
            self.stored += len(entries)
            if entries:
                self._changed(db_session)
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
        with self._transaction() as db_session:
            imports = ImportRepo(db_session, settings.id)
            batch = imports.get(import_id)
            if batch is None or not imports.claim(
                batch, ImportStatus.PENDING, status=ImportStatus.IMPORTED, imported_at=now
            ):
                return None
            repo = SessionRepo(db_session, settings.id)
            outcome = sort_out(db_session, settings.id, parsed)
            add_imported_feeds(db_session, settings.id, import_id, outcome.new_feeds, name, now)
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
            imports.claim(batch, ImportStatus.IMPORTED, session_count=outcome.count)
            self.stored += len(outcome.new)
            if outcome.new:
                self._changed(db_session)
        return outcome

    def remove_import(self, import_id: int) -> RemovedImport | None:
        """Remove every session an import added (entries changed since go too: they came from
        the file), and the milk still stored from them (an imported session has no store
        buttons, but forged button data can name one). None if the import is not imported
        (any more)."""
        self._now()
        with self._transaction() as db_session:
            imports = ImportRepo(db_session, self.settings.id)
            batch = imports.get(import_id)
            if batch is None or not imports.claim(
                batch, ImportStatus.IMPORTED, status=ImportStatus.UNDONE
            ):
                return None
            milk = remove_undone_milk(db_session, self.settings.id, import_id=import_id)
            removed = SessionRepo(db_session, self.settings.id).delete_import(import_id)
            feeds = remove_imported_feeds(db_session, self.settings.id, import_id)
            if removed or milk:
                self._changed(db_session, sessions=removed > 0, stash=bool(milk))
        return RemovedImport(
            removed, undone_milk_text(milk, self.settings, import_=True), feeds=feeds
        )

    def revise(self, entry_id: int, parsed: ParsedLog) -> Logged | None:
        """Replace what an entry says (its message was edited); None if it is gone."""
        now = self._now()
        with self._transaction() as db_session:
            repo = SessionRepo(db_session, self.settings.id)
            entry = repo.get(entry_id)
            if entry is None:
                return None
            apply_parsed(entry, parsed)
            repo.save(entry)
            self._changed(db_session)
            return Logged(entry, confirmation_in(db_session, self.settings, entry, now))

    def move(self, entry_id: int, started_at: datetime) -> Logged | None:
        """Give an entry a new start time; None if it is gone. Raises MoveRefused out of range."""
        now = self._now()
        if started_at > now:
            raise MoveRefused(LogProblem(Problem.IN_FUTURE))
        if now - started_at > MAX_AGE:
            raise MoveRefused(LogProblem(Problem.TOO_FAR_BACK))
        with self._transaction() as db_session:
            repo = SessionRepo(db_session, self.settings.id)
            entry = repo.get(entry_id)
            if entry is None:
                return None
            entry.started_at = started_at
            repo.save(entry)
            self._changed(db_session)
            return Logged(entry, confirmation_in(db_session, self.settings, entry, now))

    def remove(self, entry_id: int) -> Logged | None:
        """Delete an entry, and its milk still in the stash; None if it is gone. The text says
        what was removed."""
        return self._remove(entry_id)

    def remove_last_logged(self) -> Logged | None:
        """Delete the entry logged last (/undo), whatever time it was for; None if none."""
        return self._remove(None)

    def _remove(self, entry_id: int | None) -> Logged | None:
        settings = self.settings
        now = self._now()
        with self._transaction() as db_session:
            repo = SessionRepo(db_session, settings.id)
            entry = repo.latest_logged() if entry_id is None else repo.get(entry_id)
            if entry is None:
                return None
            milk = remove_undone_milk(db_session, settings.id, session_id=entry.id)
            repo.delete(entry)
            self._changed(db_session, stash=bool(milk))
            milk_text = undone_milk_text(milk, settings)
            text = removed_text(settings, entry, milk_text, day_of(repo, settings, entry), now)
            return Logged(entry, text, milk_text)


def set_confirmation(db: Database, chat_id: int, entry_id: int, message_id: int) -> None:
    """Remember which message confirms an entry (its buttons and replies act on it)."""
    with db.session() as db_session:
        set_confirmation_in(db_session, chat_id, entry_id, message_id)


def set_confirmation_in(db_session: Session, chat_id: int, entry_id: int, message_id: int) -> None:
    """`set_confirmation` in the caller's transaction."""
    SessionRepo(db_session, chat_id).set_confirmation(entry_id, message_id)
