"""Repository facade: the only place that writes SQL for chats and sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, delete, select, update

from bot.models import Chat, PumpSession, ReminderPlan, Unit, utcnow


class ChatRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, chat_id: int) -> Chat | None:
        return self.session.get(Chat, chat_id)

    def get_or_create(self, chat_id: int, *, language: str, timezone: str) -> Chat:
        """The chat's settings; a chat seen for the first time starts with the given defaults."""
        chat = self.session.get(Chat, chat_id)
        if chat is None:
            chat = Chat(id=chat_id, language=language, timezone=timezone, unit=Unit.ML)
            self.session.add(chat)
            self.session.flush()
        return chat

    def update(self, chat: Chat, **changes: object) -> Chat:
        for name, value in changes.items():
            setattr(chat, name, value)
        chat.updated_at = utcnow()
        self.session.add(chat)
        self.session.flush()
        return chat


class SessionRepo:
    """Pumping sessions of one chat. Every query is scoped to `chat_id`."""

    def __init__(self, session: Session, chat_id: int) -> None:
        self.session = session
        self.chat_id = chat_id

    def add(self, entry: PumpSession) -> PumpSession:
        if entry.chat_id != self.chat_id:
            raise ValueError("entry belongs to another chat")
        self.session.add(entry)
        self.session.flush()
        return entry

    def get(self, entry_id: int) -> PumpSession | None:
        entry = self.session.get(PumpSession, entry_id)
        return entry if entry is not None and entry.chat_id == self.chat_id else None

    def by_source_message(self, message_id: int) -> PumpSession | None:
        query = select(PumpSession).where(
            PumpSession.chat_id == self.chat_id, PumpSession.source_message_id == message_id
        )
        return self.session.exec(query).first()

    def latest(self, before: datetime | None = None) -> PumpSession | None:
        query = select(PumpSession).where(PumpSession.chat_id == self.chat_id)
        if before is not None:
            query = query.where(PumpSession.started_at < before)
        query = query.order_by(col(PumpSession.started_at).desc(), col(PumpSession.id).desc())
        return self.session.exec(query.limit(1)).first()

    def latest_logged(self) -> PumpSession | None:
        """The entry logged most recently (for undo), whatever time it was logged for."""
        query = (
            select(PumpSession)
            .where(PumpSession.chat_id == self.chat_id)
            .order_by(col(PumpSession.created_at).desc(), col(PumpSession.id).desc())
        )
        return self.session.exec(query.limit(1)).first()

    def between(self, start: datetime, end: datetime) -> Sequence[PumpSession]:
        """Sessions with start <= started_at < end, oldest first."""
        query = (
            select(PumpSession)
            .where(
                PumpSession.chat_id == self.chat_id,
                PumpSession.started_at >= start,
                PumpSession.started_at < end,
            )
            .order_by(col(PumpSession.started_at), col(PumpSession.id))
        )
        return self.session.exec(query).all()

    def delete(self, entry: PumpSession) -> None:
        if entry.chat_id != self.chat_id:
            raise ValueError("entry belongs to another chat")
        self.session.delete(entry)
        self.session.flush()

    def delete_all(self) -> None:
        self.session.exec(delete(PumpSession).where(col(PumpSession.chat_id) == self.chat_id))


class PlanRepo:
    """Reminder plans, one per chat. Lookups by id are scoped to the chat asking."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, chat_id: int) -> ReminderPlan | None:
        query = select(ReminderPlan).where(ReminderPlan.chat_id == chat_id)
        return self.session.exec(query).first()

    def get_or_create(self, chat_id: int) -> ReminderPlan:
        plan = self.get(chat_id)
        if plan is None:
            plan = ReminderPlan(chat_id=chat_id)
            self.session.add(plan)
            self.session.flush()
        return plan

    def by_id(self, plan_id: int, chat_id: int) -> ReminderPlan | None:
        """The plan with this id if it belongs to `chat_id` (ids in button data are not trusted)."""
        plan = self.session.get(ReminderPlan, plan_id)
        return plan if plan is not None and plan.chat_id == chat_id else None

    def scheduled(self) -> Sequence[ReminderPlan]:
        """Plans owing a reminder or running a power-pumping hour: what jobs are built from."""
        query = select(ReminderPlan).where(
            (col(ReminderPlan.enabled) & col(ReminderPlan.next_due_at).is_not(None))
            | col(ReminderPlan.power_started_at).is_not(None)
        )
        return self.session.exec(query.order_by(col(ReminderPlan.chat_id))).all()

    def save(self, plan: ReminderPlan, **changes: object) -> ReminderPlan:
        for name, value in changes.items():
            setattr(plan, name, value)
        plan.updated_at = utcnow()
        self.session.add(plan)
        self.session.flush()
        return plan

    def claim(self, plan: ReminderPlan, due: datetime, **changes: object) -> bool:
        """Move the plan on from the reminder due at `due`, only if it is still owed (compare
        and set): of two runs racing for one reminder, exactly one wins and sends it."""
        result = self.session.exec(
            update(ReminderPlan)
            .where(
                col(ReminderPlan.id) == plan.id,
                col(ReminderPlan.enabled),
                col(ReminderPlan.next_due_at) == due,
            )
            .values(**changes, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        self.session.flush()
        self.session.refresh(plan)
        return result.rowcount == 1
