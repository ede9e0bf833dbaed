"""A chat's live session timer in the database: start, pause, resume, switch side, stop, the
claim of each once-a-minute edit, and handing its duration to a typed log.

Plain functions over the database, no Telegram objects: `handlers/timer.py` and
`scheduler/timers.py` send what they return. The times themselves are
`bot.domain.timer`'s (pure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from bot.domain.chats import ChatSettings
from bot.domain.timer import edit_is_due, log_duration, next_edit, other_side, resumed
from bot.storage.db import Database
from bot.storage.models import SessionTimer
from bot.storage.repo import ChatRepo, TimerRepo
from bot.text.timer import times_of, token


class TimerAction(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    SIDE = "side"


def start_timer(db: Database, chat_id: int, now: datetime) -> SessionTimer:
    """A new timer from now (in place of any other); the caller sends its message."""
    with db.session() as session:
        return TimerRepo(session, chat_id).start(now)


def current_timer(db: Database, chat_id: int) -> SessionTimer | None:
    with db.session() as session:
        return TimerRepo(session, chat_id).get()


def set_message(db: Database, chat_id: int, key: int, message_id: int, now: datetime) -> None:
    """The message that shows timer `key` (its start, `bot.text.timer.token`), just sent."""
    with db.session() as session:
        repo = TimerRepo(session, chat_id)
        row = repo.get()
        if row is not None and token(row) == key:
            row.message_id = message_id
            row.edited_at = now
            repo.save(row)


def change_timer(
    db: Database, chat_id: int, key: int, action: TimerAction, now: datetime
) -> SessionTimer | None:
    """Pause, resume, stop or switch side of timer `key`; None if the chat has no such timer
    (any more), or it is stopped already. The row as changed otherwise."""
    with db.session() as session:
        repo = TimerRepo(session, chat_id)
        row = repo.get()
        if row is None or token(row) != key or row.stopped_at is not None:
            return None
        times = times_of(row)
        if action is TimerAction.PAUSE and times.running:
            row.paused_at = now
        elif action is TimerAction.RESUME and row.paused_at is not None:
            row.paused_at, row.paused_seconds = None, resumed(times, now).paused_seconds
        elif action is TimerAction.STOP:
            # A stop while paused ends the timer where the pause began.
            row.stopped_at = row.paused_at or now
            row.paused_at = None
        elif action is TimerAction.SIDE and times.running:
            row.side = other_side(row.side)
        row.edited_at = now  # the tap's answer edits the message
        return repo.save(row)


def claim_edit(
    db: Database, chat_id: int, now: datetime
) -> tuple[SessionTimer, ChatSettings] | None:
    """The running timer whose message is due an edit now, marked as edited, and the chat's
    settings (one transaction: call it on a worker thread); None if there is none (paused,
    stopped, gone, or edited less than a minute ago)."""
    with db.session() as session:
        repo = TimerRepo(session, chat_id)
        row = repo.get()
        chat = ChatRepo(session).get(chat_id)
        if row is None or row.message_id is None or chat is None:
            return None
        if not edit_is_due(times_of(row), row.edited_at, now):
            return None
        row.edited_at = now
        return repo.save(row), ChatSettings.of(chat)


def mark_edited(db: Database, chat_id: int, moment: datetime) -> datetime:
    """The timer's edit leaves now: the next minute counts from here (not from the claim)."""
    with db.session() as session:
        repo = TimerRepo(session, chat_id)
        row = repo.get()
        if row is not None:
            row.edited_at = moment
            repo.save(row)
    return moment


def edit_due(row: SessionTimer, now: datetime) -> datetime | None:
    """When the row's message is next due an edit (None: not running)."""
    return next_edit(times_of(row), row.edited_at, now)


@dataclass(frozen=True)
class TakenTimer:
    """A timer a typed log closed: its message (to show it done) and the duration it gave."""

    message_id: int | None
    minutes: int | None  # None: stopped too long ago to be this session's
    started_at: datetime


def timer_for_log(session: Session, chat_id: int, now: datetime) -> TakenTimer | None:
    """What the chat's timer gives a log typed now, in the log's transaction; None if the chat
    has none. The log closes it (`close_for_log`) once it is stored, not if it was stored
    before (a redelivery)."""
    row = TimerRepo(session, chat_id).get()
    if row is None:
        return None
    return TakenTimer(row.message_id, log_duration(times_of(row), now), row.started_at)


def close_for_log(session: Session, chat_id: int) -> None:
    """The timer a log took (`timer_for_log`) is done."""
    TimerRepo(session, chat_id).delete()
