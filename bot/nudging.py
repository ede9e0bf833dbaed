"""A chat's gentle nudges in the database: the off switch, and which nudge is due after a log.

Plain functions over the database, no Telegram objects: `handlers/tips.py` words and sends
what they return. The conditions themselves are `bot.domain.nudges`'s (pure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.domain.chats import ChatSettings
from bot.domain.nudges import LOOKBACK, NudgeKind, due_nudge, read_more_topic
from bot.domain.presets import Preset
from bot.storage.db import Database
from bot.storage.repo import ChatRepo, NudgeRepo, PlanRepo, SessionRepo


@dataclass(frozen=True)
class DueNudge:
    """The one nudge to send now, and what its text and buttons need."""

    kind: NudgeKind
    settings: ChatSettings
    read_more: str  # the tips topic its "Read more" opens
    sessions_last_day: int  # logged sessions in the last 24 hours (the few-sessions note)


def nudges_enabled(db: Database, chat_id: int) -> bool:
    """On unless the chat switched them off."""
    with db.session() as session:
        state = NudgeRepo(session, chat_id).get()
        return state is None or state.enabled


def set_nudges(db: Database, chat_id: int, enabled: bool) -> None:
    with db.session() as session:
        NudgeRepo(session, chat_id).set_enabled(enabled)


def forget_nudges(db: Database, chat_id: int) -> None:
    """The chat's switch and send times go (after /forget)."""
    with db.session() as session:
        NudgeRepo(session, chat_id).delete()


def take_due_nudge(session: Session, chat_id: int, now: datetime) -> DueNudge | None:
    """The nudge the chat is due after its sessions changed, already marked as sent; None for
    an unknown chat, nudges switched off, or nothing due (`bot.domain.nudges.due_nudge`).

    Marked before the caller sends it: a failed send must not turn into a retry on every log.
    The nudge follower's `prepare`: it runs in the change's own transaction.
    """
    chat = ChatRepo(session).get(chat_id)
    if chat is None:
        return None
    nudges = NudgeRepo(session, chat_id)
    state = nudges.get()
    if state is not None and not state.enabled:
        return None
    settings = ChatSettings.of(chat)
    sessions = SessionRepo(session, chat_id).amounts(now - LOOKBACK, now + timedelta(minutes=1))
    plan = PlanRepo(session).preset_in_use(chat_id)
    kind = due_nudge(
        sessions,
        now,
        settings.tz,
        settings.day_start,
        state,
        on_building_plan=plan == Preset.BUILDING,
        babies=settings.babies,
    )
    if kind is None:
        return None
    nudges.mark_sent(kind, now)
    last_day = sum(1 for s in sessions if now - timedelta(hours=24) < s.started_at <= now)
    read_more = read_more_topic(kind, plan, exclusive=settings.exclusive_pumping)
    return DueNudge(kind, settings, read_more, last_day)
