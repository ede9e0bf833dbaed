"""What the log shows: the reads behind /today, /last, /history, the export and an entry's
confirmation, rendered by `bot.text.sessions`. Writes go through `bot.logbook.LogBook`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.chats import ChatSettings
from bot.domain.daybook import local_day, local_day_range, today_range
from bot.domain.export import export_csv
from bot.domain.parsing import ParsedLog
from bot.domain.stats import day_summary
from bot.domain.units import Method
from bot.logbook import Logged, confirmation_in
from bot.storage.db import Database
from bot.storage.models import PumpSession
from bot.storage.repo import SessionRepo
from bot.text import sessions as render


def sessions_for_days(
    repo: SessionRepo, tz: ZoneInfo, first_day: date, last_day: date
) -> list[PumpSession]:
    """The sessions of those local days, plus the one before them (for the first overnight gap)."""
    start = local_day_range(first_day, tz)[0]
    end = local_day_range(last_day, tz)[1]
    inside = list(repo.between(start, end))
    before = repo.latest(before=start)
    return ([before] if before is not None else []) + inside


def today_text(db: Database, settings: ChatSettings, now: datetime) -> str:
    """Today's sessions in the chat's local day, with per-side totals."""
    today = local_day(now, settings.tz)
    with db.session() as db_session:
        repo = SessionRepo(db_session, settings.id)
        sessions = repo.between(*today_range(now, settings.tz))
        # The day before too: the longest gap may start before midnight.
        summary = day_summary(
            sessions_for_days(repo, settings.tz, today, today), settings.tz, today
        )
    return render.today_text(settings, now, sessions, summary)


def last_text(db: Database, settings: ChatSettings, now: datetime) -> str:
    with db.session() as db_session:
        latest = SessionRepo(db_session, settings.id).latest()
    return render.last_text(settings, now, latest)


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
    return len(entries), export_csv(entries, settings.tz, settings.language)


def confirmation_for(
    db: Database, settings: ChatSettings, entry_id: int, now: datetime
) -> Logged | None:
    """An entry's confirmation as it reads now; None if the entry is gone."""
    with db.session() as db_session:
        entry = SessionRepo(db_session, settings.id).get(entry_id)
        if entry is None:
            return None
        return Logged(entry, confirmation_in(db_session, settings, entry, now))


def entry_for_source(db: Database, chat_id: int, message_id: int) -> PumpSession | None:
    with db.session() as db_session:
        return SessionRepo(db_session, chat_id).by_source_message(message_id)


def entry_for_confirmation(db: Database, chat_id: int, message_id: int) -> PumpSession | None:
    with db.session() as db_session:
        return SessionRepo(db_session, chat_id).by_confirmation_message(message_id)


def get_entry(db: Database, chat_id: int, entry_id: int) -> PumpSession | None:
    with db.session() as db_session:
        return SessionRepo(db_session, chat_id).get(entry_id)
