"""Importing a file of sessions (or of bottle feeds): what it would add (a preview), the import
waiting for its sender's tap, and cancelling it. Adding the rows is the log book's
(`LogBook.add_import`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.domain.chats import ChatSettings
from bot.domain.imports import ImportFeed, ImportFile, ImportRow, session_key
from bot.storage.db import Database
from bot.storage.models import ImportBatch, ImportStatus
from bot.storage.repo import FeedRepo, ImportRepo, SessionRepo


@dataclass(frozen=True)
class ImportOutcome:
    """What an import (or its preview) comes to: rows that are new, rows the log already has;
    for a feeding file, the bottles that are new and those already logged."""

    new: list[ImportRow]
    already_logged: int
    new_feeds: list[ImportFeed] = field(default_factory=list)
    feeds_already: int = 0

    @property
    def count(self) -> int:
        """What a tap adds: sessions, or bottle feeds."""
        return len(self.new) + len(self.new_feeds)


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


def sort_out_feeds(repo: FeedRepo, parsed: ImportFile) -> tuple[list[ImportFeed], int]:
    """A feeding file's bottles that are new, and how many the chat's feeds (or the file,
    further up) already have: the same time to the second and the same amount."""
    if not parsed.feeds:
        return [], 0
    first = min(feed.fed_at for feed in parsed.feeds)
    last = max(feed.fed_at for feed in parsed.feeds)
    seen = {session_key(at, amount) for at, amount in repo.times_and_amounts(first, last)}
    new = []
    for feed in sorted(parsed.feeds, key=lambda f: f.fed_at):
        key = session_key(feed.fed_at, feed.amount_ml)
        if key not in seen:
            seen.add(key)
            new.append(feed)
    return new, len(parsed.feeds) - len(new)


def sort_out(db_session: Session, chat_id: int, parsed: ImportFile) -> ImportOutcome:
    """New and known rows of a file: its sessions, or its bottle feeds."""
    sessions = sort_out_import(SessionRepo(db_session, chat_id), parsed)
    feeds, feeds_already = sort_out_feeds(FeedRepo(db_session, chat_id), parsed)
    return ImportOutcome(sessions.new, sessions.already_logged, feeds, feeds_already)


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
        outcome = sort_out(db_session, settings.id, parsed)
        batch = ImportRepo(db_session, settings.id).add(
            ImportBatch(
                chat_id=settings.id,
                requested_by_id=requested_by_id,
                file_id=file_id,
                file_name=(file_name or "")[:256] or None,
                session_count=outcome.count,
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
