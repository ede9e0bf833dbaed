"""Repository facade: the only place that writes SQL for chats and sessions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, delete, func, select, update

from bot.domain.daybook import Amounts
from bot.domain.units import Unit
from bot.storage.models import (
    Chat,
    ChatLink,
    Feed,
    FeedTake,
    ImportBatch,
    LinkCode,
    NudgeState,
    PumpSession,
    ReminderHandover,
    ReminderPlan,
    SessionTimer,
    StashPortion,
    StashState,
    StepDownPlan,
    utcnow,
)

# -- a chat's one-row tables, read together once a unit of work ------------------------------


@dataclass(frozen=True)
class ChatRows:
    """The rows a chat has at most one of, read in one query: its settings, step-down plan,
    live timer, nudge state and reminder plan (None: it has none). A typed log needs every one
    of them (the router, the timer the log closes, the nudge and reminder followers): five
    small queries were a fifth of its SQLAlchemy time (issue 23)."""

    chat: Chat | None
    step_down: StepDownPlan | None = None
    timer: SessionTimer | None = None
    nudges: NudgeState | None = None
    plan: ReminderPlan | None = None


_CHAT_ROWS = (
    select(Chat, StepDownPlan, SessionTimer, NudgeState, ReminderPlan)
    .outerjoin(StepDownPlan, col(StepDownPlan.chat_id) == col(Chat.id))
    .outerjoin(SessionTimer, col(SessionTimer.chat_id) == col(Chat.id))
    .outerjoin(NudgeState, col(NudgeState.chat_id) == col(Chat.id))
    .outerjoin(ReminderPlan, col(ReminderPlan.chat_id) == col(Chat.id))
    .where(col(Chat.id) == sa.bindparam("chat_id"))
)
_KNOWN_ROWS = "pumpbot.chat_rows"  # in Session.info: chat id -> ChatRows


def read_chat_rows(session: Session, chat_id: int) -> ChatRows:
    """The chat's one-row tables in one query, remembered for the rest of this session: the
    repositories' `get`s below answer from it, and every write to those tables through them
    forgets it (so a row added or deleted later in the unit of work is read again)."""
    known = session.info.setdefault(_KNOWN_ROWS, {})
    rows = known.get(chat_id)
    if rows is None:
        found = session.exec(_CHAT_ROWS, params={"chat_id": chat_id}).first()  # type: ignore[call-overload]
        rows = ChatRows(*found) if found is not None else ChatRows(None)
        known[chat_id] = rows
    return rows


def _known_rows(session: Session, chat_id: int) -> ChatRows | None:
    known = session.info.get(_KNOWN_ROWS)
    return known.get(chat_id) if known else None


def _forget_rows(session: Session, row: SQLModel | None = None) -> None:
    """A write to a one-row table (adding `row`, if given and new): what `read_chat_rows`
    read may be out of date. A change to a row it read is seen there (the same object)."""
    if row is None or not sa.inspect(row).persistent:
        session.info.pop(_KNOWN_ROWS, None)


class ChatRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, chat_id: int) -> Chat | None:
        known = _known_rows(self.session, chat_id)
        return known.chat if known is not None else self.session.get(Chat, chat_id)

    def get_or_create(self, chat_id: int, *, language: str, timezone: str) -> Chat:
        """The chat's settings; a chat seen for the first time starts with the given defaults."""
        chat = self.get(chat_id)
        if chat is None:
            _forget_rows(self.session)
            chat = Chat(id=chat_id, language=language, timezone=timezone, unit=Unit.ML)
            self.session.add(chat)
            self.session.flush()
        return chat

    def update(self, chat: Chat, **changes: object) -> Chat:
        _forget_rows(self.session, chat)
        for name, value in changes.items():
            setattr(chat, name, value)
        chat.updated_at = utcnow()
        self.session.add(chat)
        self.session.flush()
        return chat

    def forget(self, chat_id: int) -> dict[str, int]:
        """Delete every row the chat owns, in every table; return the count per table.

        The foreign keys cascade from `chats`, but each table that names the chat is emptied
        of it explicitly too, so a missing ON DELETE CASCADE (or SQLite started without
        `foreign_keys=ON`) can never leave health data behind.
        """
        _forget_rows(self.session)
        self.session.info.pop(_RECENT, None)
        deleted: dict[str, int] = {}
        chats = SQLModel.metadata.tables[Chat.__tablename__]
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table is chats:
                continue
            for column in chat_columns(table):
                result = self.session.execute(sa.delete(table).where(column == chat_id))
                deleted[table.name] = deleted.get(table.name, 0) + result.rowcount
        result = self.session.execute(sa.delete(chats).where(chats.c.id == chat_id))
        deleted[chats.name] = result.rowcount
        self.session.flush()
        self.session.expunge_all()
        return deleted

    def move(self, old_id: int, new_id: int) -> dict[str, int]:
        """Give everything of chat `old_id` to `new_id` (a group became a supergroup); return
        the rows moved per table. Nothing if `old_id` has no row. One transaction: the caller's.

        Every table with a chat column is moved, like `forget` deletes. Where a table holds one
        row per chat (plans, nudge state) and the new id already has one, the old chat's row
        wins: it is what the family set up. The old chat's settings win the same way. Message
        ids name messages of the old chat, which the new one never shows: they are cleared,
        so an edit or reply in the new chat can never match an entry by accident.
        """
        chats = SQLModel.metadata.tables[Chat.__tablename__]
        old = self.session.execute(sa.select(chats).where(chats.c.id == old_id)).mappings().first()
        if old is None or old_id == new_id:
            return {}
        _forget_rows(self.session)
        self.session.info.pop(_RECENT, None)
        settings = {name: value for name, value in old.items() if name != "id"}
        if self.get(new_id) is None:
            self.session.execute(sa.insert(chats).values(id=new_id, **settings))
        else:
            self.session.execute(sa.update(chats).where(chats.c.id == new_id).values(**settings))
        moved: dict[str, int] = {}
        for table in SQLModel.metadata.sorted_tables:
            if table is chats:
                continue
            message_ids = {c.name: None for c in table.columns if c.name.endswith("message_id")}
            for column in chat_columns(table):
                if one_row_per_chat(table, column) and self._has_rows(table, column, old_id):
                    self.session.execute(sa.delete(table).where(column == new_id))
                result = self.session.execute(
                    sa.update(table)
                    .where(column == old_id)
                    .values({column.name: new_id, **message_ids})
                )
                moved[table.name] = moved.get(table.name, 0) + result.rowcount
        self.session.execute(sa.delete(chats).where(chats.c.id == old_id))
        self.session.flush()
        self.session.expunge_all()
        return moved

    def _has_rows(self, table: sa.Table, column: sa.Column[object], chat_id: int) -> bool:
        query = sa.select(sa.func.count()).select_from(table).where(column == chat_id)
        return bool(self.session.execute(query).scalar_one())


def one_row_per_chat(table: sa.Table, column: sa.Column[object]) -> bool:
    """Whether the column alone is the table's primary key or a unique constraint."""
    if column.unique:
        return True
    return any(
        isinstance(constraint, sa.PrimaryKeyConstraint | sa.UniqueConstraint)
        and [c.name for c in constraint.columns] == [column.name]
        for constraint in table.constraints
    )


def chat_columns(table: sa.Table) -> list[sa.Column[object]]:
    """The columns of a table that hold a chat id: `chat_id`, or a foreign key to chats."""
    return [
        column
        for column in table.columns
        if column.name == "chat_id"
        or any(key.column.table.name == Chat.__tablename__ for key in column.foreign_keys)
    ]


# A typed log's reads and writes, built once with bound parameters. Building a statement and
# its cache key is most of SQLAlchemy's own cost for a small query (a profile of 1,000 logs on
# SQLite, issue 23); a statement made once keeps its cache key, so each run only binds values.
_BY_SOURCE = select(PumpSession).where(
    PumpSession.chat_id == sa.bindparam("chat_id"),
    PumpSession.source_message_id == sa.bindparam("message_id"),
)
_BETWEEN = (
    select(PumpSession)
    .where(
        PumpSession.chat_id == sa.bindparam("chat_id"),
        PumpSession.started_at >= sa.bindparam("start"),
        PumpSession.started_at < sa.bindparam("end"),
    )
    .order_by(col(PumpSession.started_at), col(PumpSession.id))
)
_LATEST_BEFORE = (
    select(PumpSession)
    .where(
        PumpSession.chat_id == sa.bindparam("chat_id"),
        PumpSession.started_at < sa.bindparam("before"),
    )
    .order_by(col(PumpSession.started_at).desc(), col(PumpSession.id).desc())
    .limit(1)
)
_SESSIONS = SQLModel.metadata.tables[PumpSession.__tablename__]
_SET_CONFIRMATION = (
    sa.update(_SESSIONS)
    .where(_SESSIONS.c.id == sa.bindparam("entry_id"), _SESSIONS.c.chat_id == sa.bindparam("chat"))
    .values(confirmation_message_id=sa.bindparam("message_id"))
)
_PLAN = select(ReminderPlan).where(ReminderPlan.chat_id == sa.bindparam("chat_id"))
# Plain rows, not ORM objects: loading a row as a `PumpSession` took about twice as long
# (20 rows: 211 against 97 us on this machine), and these rows are only read.
_AMOUNTS = (
    _SESSIONS.c.id,
    _SESSIONS.c.started_at,
    _SESSIONS.c.total_ml,
    _SESSIONS.c.left_ml,
    _SESSIONS.c.right_ml,
)
_SINCE = (
    sa.select(*_AMOUNTS)
    .where(_SESSIONS.c.chat_id == sa.bindparam("chat_id"))
    .where(_SESSIONS.c.started_at >= sa.bindparam("since"))
    .order_by(_SESSIONS.c.started_at, _SESSIONS.c.id)
)
_AMOUNTS_BETWEEN = _SINCE.where(_SESSIONS.c.started_at < sa.bindparam("end"))
_AMOUNTS_BEFORE = (
    sa.select(*_AMOUNTS)
    .where(_SESSIONS.c.chat_id == sa.bindparam("chat_id"))
    .where(
        sa.or_(
            _SESSIONS.c.started_at < sa.bindparam("before"),
            # Logged for the same moment, earlier: in the log's order, it came first.
            sa.and_(
                _SESSIONS.c.started_at == sa.bindparam("before"),
                _SESSIONS.c.id < sa.bindparam("before_id"),
            ),
        )
    )
    .order_by(_SESSIONS.c.started_at.desc(), _SESSIONS.c.id.desc())
    .limit(1)
)
# A message's session stored once: a second insert of the same (chat, message) is a
# redelivery and inserts nothing, so no query looks for it first.
_INSERT_ONCE = {
    is_sqlite: (sqlite if is_sqlite else postgresql)
    .insert(_SESSIONS)
    .on_conflict_do_nothing(index_elements=["chat_id", "source_message_id"])
    .returning(_SESSIONS.c.id)
    for is_sqlite in (True, False)
}
# What `insert_once` writes of an entry: every column but the id.
_INSERTED = tuple(column.key for column in _SESSIONS.c if column.key != "id")
_RECENT = "pumpbot.recent_sessions"  # in Session.info: chat id -> _Recent


@dataclass(frozen=True)
class _Recent:
    """A chat's sessions from `since` on, oldest first, as `SessionRepo.read_recent` read them."""

    since: datetime
    sessions: Sequence[Amounts]


class SessionRepo:
    """Pumping sessions of one chat. Every query is scoped to `chat_id`."""

    def __init__(self, session: Session, chat_id: int) -> None:
        self.session = session
        self.chat_id = chat_id

    def add(self, entry: PumpSession) -> PumpSession:
        if entry.chat_id != self.chat_id:
            raise ValueError("entry belongs to another chat")
        self._forget_recent()
        self.session.add(entry)
        self.session.flush()
        return entry

    def insert_once(self, entry: PumpSession) -> bool:
        """Insert a new entry with one statement, not the ORM's flush; False (and nothing
        written) if its message (`source_message_id`) is stored already. The entry gets its id
        and stays outside the session: a typed log reads it, nothing changes it there."""
        if entry.chat_id != self.chat_id:
            raise ValueError("entry belongs to another chat")
        self._forget_recent()
        connection = self.session.connection()
        statement = _INSERT_ONCE[connection.dialect.name == "sqlite"]
        values = {name: getattr(entry, name) for name in _INSERTED}
        entry_id = connection.execute(statement, values).scalar()
        if entry_id is None:
            return False
        entry.id = entry_id
        return True

    def read_recent(self, since: datetime) -> None:
        """Read the amounts of the chat's sessions from `since` on in one query, remembered for
        the rest of this session: `amounts` and `amounts_before` answer from them when they
        cover what is asked, and every write through this repository forgets them. A typed
        log's confirmation (today, the session before) and its nudge check (five days) were
        three queries."""
        params = {"chat_id": self.chat_id, "since": since}
        rows = self.session.connection().execute(_SINCE, params).all()
        recent = _Recent(since, cast(Sequence[Amounts], rows))
        self.session.info.setdefault(_RECENT, {})[self.chat_id] = recent

    def amounts(self, start: datetime, end: datetime) -> Sequence[Amounts]:
        """What `between` finds, as plain rows to read (not `PumpSession`s to change)."""
        recent = self._recent()
        if recent is not None and recent.since <= start:
            return [s for s in recent.sessions if start <= s.started_at < end]
        params = {"chat_id": self.chat_id, "since": start, "end": end}
        rows = self.session.connection().execute(_AMOUNTS_BETWEEN, params).all()
        return cast(Sequence[Amounts], rows)

    def last_started_at(self) -> datetime | None:
        """When the chat's latest session started: the reminders count an interval from it."""
        recent = self._recent()
        if recent is not None and recent.sessions:
            return recent.sessions[-1].started_at  # every later session was read too
        latest = self.latest()
        return latest.started_at if latest else None

    def amounts_before(self, before: datetime, before_id: int = 0) -> Amounts | None:
        """The session before `before` in the log's order (by start, then by id: one logged
        for the same moment with an id below `before_id` counts as before), as a plain row."""
        recent = self._recent()
        if recent is not None:
            # Any session before `before` that was read is later than every one not read.
            read = [s for s in recent.sessions if (s.started_at, s.id or 0) < (before, before_id)]
            if read:
                return read[-1]
        params = {"chat_id": self.chat_id, "before": before, "before_id": before_id}
        row = self.session.connection().execute(_AMOUNTS_BEFORE, params).first()
        return cast(Amounts | None, row)

    def _recent(self) -> _Recent | None:
        known = self.session.info.get(_RECENT)
        return known.get(self.chat_id) if known else None

    def _forget_recent(self) -> None:
        known = self.session.info.get(_RECENT)
        if known:
            known.pop(self.chat_id, None)

    def save(self, entry: PumpSession) -> PumpSession:
        """Write the changes made to an entry of this chat."""
        return self.add(entry)

    def get(self, entry_id: int) -> PumpSession | None:
        entry = self.session.get(PumpSession, entry_id)
        return entry if entry is not None and entry.chat_id == self.chat_id else None

    def set_confirmation(self, entry_id: int, message_id: int) -> None:
        """The message that confirms an entry: one UPDATE, no row read first (after every log).
        An entry of this session's identity map keeps its old value: callers set it there."""
        params = {"entry_id": entry_id, "chat": self.chat_id, "message_id": message_id}
        self._forget_recent()
        self.session.connection().execute(_SET_CONFIRMATION, params)

    def by_source_message(self, message_id: int) -> PumpSession | None:
        params = {"chat_id": self.chat_id, "message_id": message_id}
        return self.session.scalars(_BY_SOURCE, params).first()

    def by_confirmation_message(self, message_id: int) -> PumpSession | None:
        """The entry whose confirmation is this bot message."""
        query = select(PumpSession).where(
            PumpSession.chat_id == self.chat_id,
            PumpSession.confirmation_message_id == message_id,
        )
        return self.session.exec(query).first()

    def latest(self, before: datetime | None = None) -> PumpSession | None:
        if before is not None:
            params = {"chat_id": self.chat_id, "before": before}
            return self.session.scalars(_LATEST_BEFORE, params).first()
        query = select(PumpSession).where(PumpSession.chat_id == self.chat_id)
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
        params = {"chat_id": self.chat_id, "start": start, "end": end}
        return self.session.scalars(_BETWEEN, params).all()

    def delete(self, entry: PumpSession) -> None:
        if entry.chat_id != self.chat_id:
            raise ValueError("entry belongs to another chat")
        self._forget_recent()
        self.session.delete(entry)
        self.session.flush()

    def count(self) -> int:
        query = (
            select(func.count()).select_from(PumpSession).where(PumpSession.chat_id == self.chat_id)
        )
        return int(self.session.exec(query).one())

    def newest_first(self, offset: int, limit: int) -> Sequence[PumpSession]:
        """One page of the log, newest session first (for /history)."""
        query = (
            select(PumpSession)
            .where(PumpSession.chat_id == self.chat_id)
            .order_by(col(PumpSession.started_at).desc(), col(PumpSession.id).desc())
            .offset(offset)
            .limit(limit)
        )
        return self.session.exec(query).all()

    def all(self) -> Sequence[PumpSession]:
        """Every session of the chat, oldest first (for /export)."""
        query = (
            select(PumpSession)
            .where(PumpSession.chat_id == self.chat_id)
            .order_by(col(PumpSession.started_at), col(PumpSession.id))
        )
        return self.session.exec(query).all()

    def starts_and_amounts(self, start: datetime, end: datetime) -> list[tuple[datetime, float]]:
        """(start, total) of the sessions with start <= started_at <= end: two columns, not
        ORM rows, for an import to tell which of its rows the log already has."""
        query = sa.select(PumpSession.started_at, PumpSession.total_ml).where(
            col(PumpSession.chat_id) == self.chat_id,
            col(PumpSession.started_at) >= start,
            col(PumpSession.started_at) <= end,
        )
        return [(started_at, total) for started_at, total in self.session.execute(query)]

    def add_many(self, values: list[dict[str, object]]) -> None:
        """Insert many sessions of this chat in one statement (executemany), not row by row."""
        if any(value["chat_id"] != self.chat_id for value in values):
            raise ValueError("entry belongs to another chat")
        self._forget_recent()
        if values:
            self.session.execute(sa.insert(PumpSession), values)
            self.session.flush()

    def delete_import(self, import_id: int) -> int:
        """Delete the sessions one import added; how many there were."""
        self._forget_recent()
        result = self.session.execute(
            sa.delete(PumpSession).where(
                col(PumpSession.chat_id) == self.chat_id,
                col(PumpSession.import_id) == import_id,
            )
        )
        self.session.flush()
        return int(result.rowcount)

    def count_import(self, import_id: int) -> int:
        query = (
            select(func.count())
            .select_from(PumpSession)
            .where(PumpSession.chat_id == self.chat_id, PumpSession.import_id == import_id)
        )
        return int(self.session.exec(query).one())


class ImportRepo:
    """CSV imports of one chat. Lookups by id are scoped to the chat (ids come from buttons)."""

    def __init__(self, session: Session, chat_id: int) -> None:
        self.session = session
        self.chat_id = chat_id

    def add(self, batch: ImportBatch) -> ImportBatch:
        if batch.chat_id != self.chat_id:
            raise ValueError("import belongs to another chat")
        self.session.add(batch)
        self.session.flush()
        return batch

    def get(self, import_id: int) -> ImportBatch | None:
        batch = self.session.get(ImportBatch, import_id)
        return batch if batch is not None and batch.chat_id == self.chat_id else None

    def claim(self, batch: ImportBatch, expected: str, **changes: object) -> bool:
        """Move an import on from status `expected`, only if it still has it (compare and set):
        of two taps racing on one button, exactly one does the work."""
        result = self.session.execute(
            update(ImportBatch)
            .where(col(ImportBatch.id) == batch.id, col(ImportBatch.status) == expected)
            .values(**changes)
            .execution_options(synchronize_session=False)
        )
        self.session.flush()
        self.session.refresh(batch)
        return result.rowcount == 1


class NudgeRepo:
    """The nudge switch and send times of one chat (no row yet: nudges on, none sent)."""

    def __init__(self, session: Session, chat_id: int) -> None:
        self.session = session
        self.chat_id = chat_id

    def get(self) -> NudgeState | None:
        known = _known_rows(self.session, self.chat_id)
        return known.nudges if known is not None else self.session.get(NudgeState, self.chat_id)

    def get_or_create(self) -> NudgeState:
        state = self.get()
        if state is None:
            _forget_rows(self.session)
            state = NudgeState(chat_id=self.chat_id)
            self.session.add(state)
            self.session.flush()
        return state

    def set_enabled(self, enabled: bool) -> NudgeState:
        state = self.get_or_create()
        state.enabled = enabled
        self.session.add(state)
        self.session.flush()
        return state

    def mark_sent(self, kind: str, moment: datetime) -> NudgeState:
        column = f"{kind}_sent_at"
        if column not in NudgeState.model_fields:
            raise ValueError(f"unknown nudge kind {kind!r}")
        state = self.get_or_create()
        setattr(state, column, moment)
        self.session.add(state)
        self.session.flush()
        return state

    def delete(self) -> None:
        _forget_rows(self.session)
        self.session.exec(delete(NudgeState).where(col(NudgeState.chat_id) == self.chat_id))


class PlanRepo:
    """Reminder plans, one per chat. Lookups by id are scoped to the chat asking."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, chat_id: int) -> ReminderPlan | None:
        known = _known_rows(self.session, chat_id)
        if known is not None:
            return known.plan
        return self.session.scalars(_PLAN, {"chat_id": chat_id}).first()

    def many(self, chat_ids: Iterable[int]) -> dict[int, ReminderPlan]:
        """The plans of these chats (those that have one), by chat, in a few queries."""
        ids = sorted(set(chat_ids))
        plans: dict[int, ReminderPlan] = {}
        for start in range(0, len(ids), 500):  # within every database's limit on parameters
            batch = ids[start : start + 500]
            query = select(ReminderPlan).where(col(ReminderPlan.chat_id).in_(batch))
            plans.update((plan.chat_id, plan) for plan in self.session.exec(query))
        return plans

    def preset_in_use(self, chat_id: int) -> str | None:
        """The preset of the chat's reminders if they are on (`bot.domain.presets.Preset`);
        None when they are off or were never set."""
        plan = self.get(chat_id)
        return plan.preset if plan is not None and plan.enabled else None

    def get_or_create(self, chat_id: int) -> ReminderPlan:
        plan = self.get(chat_id)
        if plan is None:
            _forget_rows(self.session)
            plan = ReminderPlan(chat_id=chat_id)
            self.session.add(plan)
            self.session.flush()
        return plan

    def by_id(self, plan_id: int, chat_id: int) -> ReminderPlan | None:
        """The plan with this id if it belongs to `chat_id` (ids in button data are not trusted)."""
        plan = self.session.get(ReminderPlan, plan_id)
        return plan if plan is not None and plan.chat_id == chat_id else None

    def _owed_query(self) -> sa.Select[tuple[int, datetime]]:
        return sa.select(ReminderPlan.chat_id, ReminderPlan.next_due_at).where(
            col(ReminderPlan.enabled), col(ReminderPlan.next_due_at).is_not(None)
        )

    def due_times(
        self, before: datetime | None = None, soonest: int | None = None
    ) -> list[tuple[int, datetime]]:
        """(chat id, next due time) of enabled plans owed a reminder: all of them, those due
        before `before`, or the `soonest` (in due order, read through the due-time index).
        Just the two columns, for arming the jobs of many chats at once."""
        query = self._owed_query()
        if before is not None:
            query = query.where(col(ReminderPlan.next_due_at) < before)
        if soonest is not None:
            query = query.order_by(col(ReminderPlan.next_due_at)).limit(soonest)
        return [(chat_id, due) for chat_id, due in self.session.execute(query)]

    def count_owed(self, now: datetime, ahead: datetime) -> tuple[int, int, int]:
        """How many enabled plans are owed a reminder: in all, due before `ahead`, and due by
        `now` (overdue). One pass, however many plans; no row comes back to Python."""
        due = col(ReminderPlan.next_due_at)
        query = sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sa.case((due < ahead, 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((due <= now, 1), else_=0)), 0),
        ).where(col(ReminderPlan.enabled), due.is_not(None))
        total, near, overdue = self.session.execute(query).one()
        return int(total), int(near), int(overdue)

    def owed(self, now: datetime) -> list[int]:
        """Chats whose plan owes a reminder by `now`, or whose zone changed since its due time
        was computed (the sweep delivers or recomputes them). One query, however many plans."""
        query = (
            sa.select(ReminderPlan.chat_id)
            .join(Chat, col(Chat.id) == col(ReminderPlan.chat_id))
            .where(
                col(ReminderPlan.enabled),
                col(ReminderPlan.next_due_at).is_not(None),
                (col(ReminderPlan.next_due_at) <= now)
                | col(ReminderPlan.timezone).is_distinct_from(col(Chat.timezone)),
            )
            .order_by(col(ReminderPlan.chat_id))
        )
        return list(self.session.execute(query).scalars())

    def power_running(self) -> list[tuple[int, datetime, int]]:
        """(chat id, start, last step announced) of every power-pumping hour still running."""
        query = sa.select(
            ReminderPlan.chat_id, ReminderPlan.power_started_at, ReminderPlan.power_step
        ).where(col(ReminderPlan.power_started_at).is_not(None))
        return [(chat_id, started, step) for chat_id, started, step in self.session.execute(query)]

    def save(self, plan: ReminderPlan, **changes: object) -> ReminderPlan:
        _forget_rows(self.session, plan)
        for name, value in changes.items():
            setattr(plan, name, value)
        plan.updated_at = utcnow()
        self.session.add(plan)
        self.session.flush()
        return plan

    def attempts_reset(self, chat_id: int) -> None:
        """A reminder got through: its failed attempts no longer count (one statement)."""
        _forget_rows(self.session)
        self.session.execute(
            sa.update(ReminderPlan)
            .where(col(ReminderPlan.chat_id) == chat_id, col(ReminderPlan.attempts) != 0)
            .values(attempts=0)
        )

    def claim(self, plan: ReminderPlan, due: datetime, **changes: object) -> bool:
        """Move the plan on from the reminder due at `due`, only if it is still owed (compare
        and set): of two runs racing for one reminder, exactly one wins and sends it."""
        _forget_rows(self.session)
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


class HandoverRepo:
    """Reminders between their claim and Telegram's answer, each named by its sender
    (`claimed_by`): a sender changes only its own rows, so a reminder taken over by a new
    leader is never handed over by the old one too."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def claimed(self, chat_id: int, due_for: datetime, now: datetime, by: str) -> None:
        """Record the claim, in the transaction that moved the plan on."""
        self.session.merge(
            ReminderHandover(
                chat_id=chat_id, due_for=due_for, claimed_at=now, claimed_by=by, handed_over_at=None
            )
        )
        self.session.flush()

    def _update(self, chat_id: int, by: str, **values: object) -> bool:
        result = self.session.execute(
            sa.update(ReminderHandover)
            .where(col(ReminderHandover.chat_id) == chat_id, col(ReminderHandover.claimed_by) == by)
            .values(**values)
        )
        return result.rowcount == 1

    def handed_over(self, chat_id: int, by: str, now: datetime) -> bool:
        """Mark the moment the request goes out; False if the claim is no longer `by`'s."""
        return self._update(chat_id, by, handed_over_at=now)

    def not_delivered(self, chat_id: int, by: str) -> None:
        """Telegram answered and surely did not deliver (429): not on the wire after all."""
        self._update(chat_id, by, handed_over_at=None)

    def answered(self, chat_id: int, by: str) -> None:
        self.session.execute(
            sa.delete(ReminderHandover).where(
                col(ReminderHandover.chat_id) == chat_id, col(ReminderHandover.claimed_by) == by
            )
        )

    def left_by_others(self, by: str) -> list[ReminderHandover]:
        """Every claim another sender (an earlier process, or a leader that died) left behind."""
        query = select(ReminderHandover).where(col(ReminderHandover.claimed_by) != by)
        return list(self.session.exec(query).all())

    def take_over(self, row: ReminderHandover, by: str, now: datetime) -> bool:
        """Make a claim never handed over `by`'s own; False if its sender handed it over (or
        let it go) meanwhile."""
        result = self.session.execute(
            sa.update(ReminderHandover)
            .where(
                col(ReminderHandover.chat_id) == row.chat_id,
                col(ReminderHandover.claimed_by) == row.claimed_by,
                col(ReminderHandover.handed_over_at).is_(None),
            )
            .values(claimed_by=by, claimed_at=now)
        )
        return result.rowcount == 1

    def drop(self, row: ReminderHandover) -> None:
        self.session.execute(
            sa.delete(ReminderHandover).where(
                col(ReminderHandover.chat_id) == row.chat_id,
                col(ReminderHandover.claimed_by) == row.claimed_by,
            )
        )


def left_over_from_a_feed() -> sa.ColumnElement[bool]:
    """A portion a feed used in part: the rest is milk left over from a feed (2 hours), whose
    time the feed's reply already said. The morning note ("runs out within a day") leaves it
    out: its morning has passed by the time it is left over, so a note would come at once."""
    return sa.exists().where(
        col(FeedTake.portion_id) == col(StashPortion.id), col(FeedTake.used_portion_id).is_not(None)
    )


class StashRepo:
    """Milk stash portions of one chat. Every query is scoped to `chat_id`, so a portion id
    from another chat (forged button data) is simply not found."""

    STORED = "stored"

    def __init__(self, session: Session, chat_id: int) -> None:
        self.session = session
        self.chat_id = chat_id

    def add(self, portion: StashPortion) -> StashPortion:
        if portion.chat_id != self.chat_id:
            raise ValueError("portion belongs to another chat")
        self.session.add(portion)
        self.session.flush()
        return portion

    def save(self, portion: StashPortion) -> StashPortion:
        return self.add(portion)

    def get(self, portion_id: int) -> StashPortion | None:
        portion = self.session.get(StashPortion, portion_id)
        return portion if portion is not None and portion.chat_id == self.chat_id else None

    def lock(self) -> None:
        """Hold the chat's stash until the transaction ends: a change that reads the portions
        and then takes some calls this first, so two changes at the same moment (two family
        members' feeds, two instances) take turns and never take the same milk twice.

        A write to the chat's row does it on both back ends: PostgreSQL locks that row until
        commit; SQLite takes its one write lock (the first write opens the transaction, and
        the reads after it see every change committed before)."""
        self.session.execute(
            sa.update(Chat).where(col(Chat.id) == self.chat_id).values(updated_at=Chat.updated_at)
        )

    def take(self, portion: StashPortion, **values: object) -> bool:
        """Change a stored portion only if it is still stored with the amount it was read
        with (compare and set); False if another change came first. The object is refreshed."""
        result = self.session.execute(
            sa.update(StashPortion)
            .where(
                col(StashPortion.id) == portion.id,
                col(StashPortion.chat_id) == self.chat_id,
                col(StashPortion.state) == self.STORED,
                col(StashPortion.amount_ml) == portion.amount_ml,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        self.session.flush()
        self.session.refresh(portion)
        return result.rowcount == 1

    def restore(self, portion: StashPortion, *, amount_ml: float, use_by: datetime) -> None:
        """Put a portion back in the stash as it was before a feed took it."""
        portion.state, portion.closed_at = self.STORED, None
        portion.amount_ml, portion.use_by = amount_ml, use_by
        self.save(portion)

    def ready(self, now: datetime) -> Sequence[StashPortion]:
        """Stored portions in the fridge (fresh or thawed) still within their time, soonest
        use-by first: the milk a feed may take."""
        query = (
            select(StashPortion)
            .where(
                StashPortion.chat_id == self.chat_id,
                StashPortion.state == self.STORED,
                StashPortion.place == "fridge",
                col(StashPortion.use_by) > now,
            )
            .order_by(col(StashPortion.use_by), col(StashPortion.pumped_at), col(StashPortion.id))
        )
        return self.session.exec(query).all()

    def frozen_ml(self, now: datetime) -> float:
        """How much frozen milk within its time the stash holds (one number, no rows)."""
        query = sa.select(sa.func.coalesce(sa.func.sum(StashPortion.amount_ml), 0.0)).where(
            col(StashPortion.chat_id) == self.chat_id,
            col(StashPortion.state) == self.STORED,
            col(StashPortion.place) == "freezer",
            col(StashPortion.use_by) > now,
        )
        return float(self.session.execute(query).scalar_one())

    def stored(self) -> Sequence[StashPortion]:
        """Every portion still in the fridge or freezer, oldest first."""
        query = (
            select(StashPortion)
            .where(StashPortion.chat_id == self.chat_id, StashPortion.state == self.STORED)
            .order_by(col(StashPortion.pumped_at), col(StashPortion.id))
        )
        return self.session.exec(query).all()

    def noted_use_bys(self) -> list[datetime]:
        """The use-by times of the stored portions the morning note is about (not milk left
        over from a feed): one column, for arming the note."""
        query = sa.select(StashPortion.use_by).where(
            col(StashPortion.chat_id) == self.chat_id,
            col(StashPortion.state) == self.STORED,
            ~left_over_from_a_feed(),
        )
        return list(self.session.execute(query).scalars())

    def noted(self) -> Sequence[StashPortion]:
        """The stored portions the morning note is about: all but milk left over from a feed."""
        query = select(StashPortion).where(
            StashPortion.chat_id == self.chat_id,
            StashPortion.state == self.STORED,
            ~left_over_from_a_feed(),
        )
        return self.session.exec(query).all()

    def from_session(self, session_id: int) -> StashPortion | None:
        """The first portion stored from this logged session, whatever became of it."""
        query = (
            select(StashPortion)
            .where(StashPortion.chat_id == self.chat_id, StashPortion.session_id == session_id)
            .order_by(col(StashPortion.id))
        )
        return self.session.exec(query.limit(1)).first()

    def from_sessions(
        self, *, session_id: int | None = None, import_id: int | None = None
    ) -> Sequence[StashPortion]:
        """Every portion stored from one logged session, or from any session of one import,
        whatever became of it."""
        sessions = sa.select(PumpSession.id).where(col(PumpSession.chat_id) == self.chat_id)
        if session_id is not None:
            sessions = sessions.where(col(PumpSession.id) == session_id)
        if import_id is not None:
            sessions = sessions.where(col(PumpSession.import_id) == import_id)
        query = (
            select(StashPortion)
            .where(
                StashPortion.chat_id == self.chat_id,
                col(StashPortion.session_id).in_(sessions.scalar_subquery()),
            )
            .order_by(col(StashPortion.id))
        )
        return self.session.exec(query).all()

    def delete(self, portion: StashPortion) -> None:
        if portion.chat_id != self.chat_id:
            raise ValueError("portion belongs to another chat")
        self.session.delete(portion)
        self.session.flush()

    def all(self) -> Sequence[StashPortion]:
        """Every portion the chat ever stored, used or threw out, oldest first (for /export)."""
        query = (
            select(StashPortion)
            .where(StashPortion.chat_id == self.chat_id)
            .order_by(col(StashPortion.pumped_at), col(StashPortion.id))
        )
        return self.session.exec(query).all()


class FeedRepo:
    """Bottle feeds of one chat (the chat whose stash they took from), and the milk each took.
    Lookups by id are scoped to the chat (ids come from buttons)."""

    def __init__(self, session: Session, chat_id: int) -> None:
        self.session = session
        self.chat_id = chat_id

    def add(self, feed: Feed, takes: Iterable[FeedTake] = ()) -> Feed:
        if feed.chat_id != self.chat_id:
            raise ValueError("feed belongs to another chat")
        self.session.add(feed)
        self.session.flush()
        for take in takes:
            take.feed_id, take.chat_id = feed.id or 0, self.chat_id
            self.session.add(take)
        self.session.flush()
        return feed

    def get(self, feed_id: int) -> Feed | None:
        feed = self.session.get(Feed, feed_id)
        return feed if feed is not None and feed.chat_id == self.chat_id else None

    def by_source(self, source_chat_id: int, message_id: int) -> Feed | None:
        query = select(Feed).where(
            Feed.chat_id == self.chat_id,
            Feed.source_chat_id == source_chat_id,
            Feed.source_message_id == message_id,
        )
        return self.session.exec(query).first()

    def takes(self, feed_id: int) -> Sequence[FeedTake]:
        query = (
            select(FeedTake)
            .where(FeedTake.chat_id == self.chat_id, FeedTake.feed_id == feed_id)
            .order_by(col(FeedTake.id))
        )
        return self.session.exec(query).all()

    def delete(self, feed: Feed) -> bool:
        """Delete the feed and its takes; False if another change deleted it first."""
        self.session.execute(
            sa.delete(FeedTake).where(
                col(FeedTake.chat_id) == self.chat_id, col(FeedTake.feed_id) == feed.id
            )
        )
        result = self.session.execute(
            sa.delete(Feed).where(col(Feed.chat_id) == self.chat_id, col(Feed.id) == feed.id)
        )
        self.session.flush()
        return result.rowcount == 1

    def amounts_since(self, start: datetime) -> list[tuple[datetime, float]]:
        """(time, amount) of the feeds at or after `start`, oldest first: two columns."""
        query = (
            sa.select(Feed.fed_at, Feed.amount_ml)
            .where(col(Feed.chat_id) == self.chat_id, col(Feed.fed_at) >= start)
            .order_by(col(Feed.fed_at))
        )
        return [(fed_at, amount) for fed_at, amount in self.session.execute(query)]

    def first_fed_at(self) -> datetime | None:
        query = sa.select(sa.func.min(Feed.fed_at)).where(col(Feed.chat_id) == self.chat_id)
        return self.session.execute(query).scalar_one()

    def between(self, start: datetime, end: datetime) -> Sequence[Feed]:
        """Feeds with start <= fed_at < end, oldest first."""
        query = (
            select(Feed)
            .where(Feed.chat_id == self.chat_id, Feed.fed_at >= start, Feed.fed_at < end)
            .order_by(col(Feed.fed_at), col(Feed.id))
        )
        return self.session.exec(query).all()

    def times_and_amounts(self, start: datetime, end: datetime) -> list[tuple[datetime, float]]:
        """(time, amount) of the feeds with start <= fed_at <= end: for an import to tell
        which of its bottles are already logged."""
        query = sa.select(Feed.fed_at, Feed.amount_ml).where(
            col(Feed.chat_id) == self.chat_id,
            col(Feed.fed_at) >= start,
            col(Feed.fed_at) <= end,
        )
        return [(fed_at, amount) for fed_at, amount in self.session.execute(query)]

    def add_many(self, values: list[dict[str, object]]) -> None:
        """Insert many feeds of this chat in one statement (an import's, which take no milk)."""
        if any(value["chat_id"] != self.chat_id for value in values):
            raise ValueError("feed belongs to another chat")
        if values:
            self.session.execute(sa.insert(Feed), values)
            self.session.flush()

    def delete_import(self, import_id: int) -> int:
        """Delete the feeds one import added (they took no milk); how many there were."""
        result = self.session.execute(
            sa.delete(Feed).where(
                col(Feed.chat_id) == self.chat_id, col(Feed.import_id) == import_id
            )
        )
        self.session.flush()
        return int(result.rowcount)

    def all(self) -> Sequence[Feed]:
        """Every feed of the chat, oldest first (for /export)."""
        query = (
            select(Feed)
            .where(Feed.chat_id == self.chat_id)
            .order_by(col(Feed.fed_at), col(Feed.id))
        )
        return self.session.exec(query).all()


class LinkRepo:
    """Family groups linked to the parent who pumps, and the one-time codes that link them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def put_code(self, parent_chat_id: int, code: str, expires_at: datetime) -> None:
        """The parent's code, replacing any earlier one of hers."""
        self.session.execute(
            sa.delete(LinkCode).where(col(LinkCode.parent_chat_id) == parent_chat_id)
        )
        self.session.add(LinkCode(parent_chat_id=parent_chat_id, code=code, expires_at=expires_at))
        self.session.flush()

    def code_in_use(self, code: str) -> bool:
        query = select(LinkCode.parent_chat_id).where(LinkCode.code == code)
        return self.session.exec(query).first() is not None

    def take_code(self, code: str, now: datetime) -> int | None:
        """The parent a code links to, deleting the code (used once; of two groups sending it
        at once, one gets it); None when there is no such code or it has expired."""
        found = self.session.exec(select(LinkCode).where(LinkCode.code == code)).first()
        if found is None:
            return None
        result = self.session.execute(
            sa.delete(LinkCode).where(
                col(LinkCode.code) == code, col(LinkCode.parent_chat_id) == found.parent_chat_id
            )
        )
        self.session.flush()
        if result.rowcount != 1 or found.expires_at <= now:
            return None
        return found.parent_chat_id

    def parent_of(self, group_chat_id: int) -> ChatLink | None:
        return self.session.get(ChatLink, group_chat_id)

    def groups_of(self, parent_chat_id: int) -> Sequence[ChatLink]:
        query = (
            select(ChatLink)
            .where(ChatLink.parent_chat_id == parent_chat_id)
            .order_by(col(ChatLink.linked_at))
        )
        return self.session.exec(query).all()

    def link(self, link: ChatLink) -> ChatLink:
        """Link the group (to this parent only: a group has one stash)."""
        self.session.execute(
            sa.delete(ChatLink).where(col(ChatLink.group_chat_id) == link.group_chat_id)
        )
        self.session.add(link)
        self.session.flush()
        return link

    def unlink(self, group_chat_id: int, parent_chat_id: int | None = None) -> ChatLink | None:
        """Remove the group's link (only if it is to `parent_chat_id`, when given); the link
        that was removed, or None."""
        link = self.parent_of(group_chat_id)
        if link is None or (parent_chat_id is not None and link.parent_chat_id != parent_chat_id):
            return None
        self.session.delete(link)
        self.session.flush()
        return link

    def save(self, link: ChatLink) -> ChatLink:
        self.session.add(link)
        self.session.flush()
        return link


def stash_running_out(session: Session, before: datetime) -> StashRunningOut:
    """Everything the morning notes of many chats need, in four queries: the stored portions,
    zones, night windows and last notes of every chat with a portion whose use-by time comes
    before `before` (a restart arms all their note jobs from this)."""
    chats = (
        sa.select(StashPortion.chat_id)
        .where(col(StashPortion.state) == StashRepo.STORED, col(StashPortion.use_by) < before)
        .distinct()
        .scalar_subquery()
    )
    portions = session.exec(
        select(StashPortion).where(
            col(StashPortion.state) == StashRepo.STORED,
            col(StashPortion.chat_id).in_(chats),
            ~left_over_from_a_feed(),
        )
    ).all()
    zone_rows = session.execute(sa.select(Chat.id, Chat.timezone).where(col(Chat.id).in_(chats)))
    zones = {chat_id: zone for chat_id, zone in zone_rows}
    nights = {
        chat_id: (start, end)
        for chat_id, start, end in session.execute(
            sa.select(ReminderPlan.chat_id, ReminderPlan.night_start, ReminderPlan.night_end).where(
                col(ReminderPlan.chat_id).in_(chats)
            )
        )
    }
    sent_rows = session.execute(
        sa.select(StashState.chat_id, StashState.note_sent_for).where(
            col(StashState.chat_id).in_(chats)
        )
    )
    sent = {chat_id: sent_for for chat_id, sent_for in sent_rows}
    return StashRunningOut(list(portions), zones, nights, sent)


@dataclass
class StashRunningOut:
    portions: list[StashPortion]
    zones: dict[int, str]
    nights: dict[int, tuple[str | None, str | None]]  # a plan's night_start, night_end
    sent_for: dict[int, datetime | None]


class StashStateRepo:
    """The one-time storage note and the last morning note of one chat (no row: neither)."""

    def __init__(self, session: Session, chat_id: int) -> None:
        self.session = session
        self.chat_id = chat_id

    def get(self) -> StashState | None:
        return self.session.get(StashState, self.chat_id)

    def get_or_create(self) -> StashState:
        state = self.get()
        if state is None:
            state = StashState(chat_id=self.chat_id)
            self.session.add(state)
            self.session.flush()
        return state

    def mark_intro_shown(self, moment: datetime) -> None:
        state = self.get_or_create()
        state.intro_shown_at = moment
        self.session.add(state)
        self.session.flush()

    def handled_message(self, message_id: int) -> bool:
        """Whether this typed message (or a later one) already changed the stash: Telegram's
        message ids only grow within a chat."""
        state = self.get()
        return state is not None and (state.last_message_id or 0) >= message_id

    def mark_message(self, message_id: int) -> None:
        state = self.get_or_create()
        state.last_message_id = message_id
        self.session.add(state)
        self.session.flush()

    def claim_note(self, morning: datetime) -> bool:
        """Mark the note of `morning` sent, only if no note for it (or a later morning) was:
        of two runs racing for one note, exactly one wins and sends it."""
        self.get_or_create()
        result = self.session.exec(
            update(StashState)
            .where(
                col(StashState.chat_id) == self.chat_id,
                col(StashState.note_sent_for).is_(None) | (col(StashState.note_sent_for) < morning),
            )
            .values(note_sent_for=morning)
            .execution_options(synchronize_session=False)
        )
        self.session.flush()
        self.session.expire_all()
        return result.rowcount == 1


class TimerRepo:
    """A chat's live session timer (at most one row)."""

    def __init__(self, session: Session, chat_id: int) -> None:
        self.session = session
        self.chat_id = chat_id

    def get(self) -> SessionTimer | None:
        known = _known_rows(self.session, self.chat_id)
        return known.timer if known is not None else self.session.get(SessionTimer, self.chat_id)

    def start(self, now: datetime, side: str | None = None) -> SessionTimer:
        """A new timer from `now`, in place of any the chat had."""
        self.delete()  # forgets what read_chat_rows read
        row = SessionTimer(chat_id=self.chat_id, started_at=now, side=side)
        self.session.add(row)
        self.session.flush()
        return row

    def save(self, row: SessionTimer) -> SessionTimer:
        _forget_rows(self.session, row)
        self.session.add(row)
        self.session.flush()
        return row

    def delete(self) -> None:
        _forget_rows(self.session)
        self.session.exec(delete(SessionTimer).where(col(SessionTimer.chat_id) == self.chat_id))
        self.session.flush()


def running_timers(session: Session) -> Sequence[SessionTimer]:
    """Every timer still running (not paused, not stopped), for re-arming at start."""
    query = select(SessionTimer).where(
        col(SessionTimer.paused_at).is_(None), col(SessionTimer.stopped_at).is_(None)
    )
    return session.exec(query).all()


def timers_of(session: Session, chat_ids: Iterable[int]) -> dict[int, SessionTimer]:
    """The timers of these chats, by chat id (chats without one left out)."""
    query = select(SessionTimer).where(col(SessionTimer.chat_id).in_(list(chat_ids)))
    return {row.chat_id: row for row in session.exec(query)}


class StepDownRepo:
    """A chat's step-down plan (at most one row)."""

    def __init__(self, session: Session, chat_id: int) -> None:
        self.session = session
        self.chat_id = chat_id

    def get(self) -> StepDownPlan | None:
        known = _known_rows(self.session, self.chat_id)
        if known is not None:
            return known.step_down
        return self.session.get(StepDownPlan, self.chat_id)

    def save(self, row: StepDownPlan) -> StepDownPlan:
        _forget_rows(self.session, row)
        self.session.add(row)
        self.session.flush()
        return row

    def delete(self) -> None:
        _forget_rows(self.session)
        self.session.exec(delete(StepDownPlan).where(col(StepDownPlan.chat_id) == self.chat_id))
        self.session.flush()


def step_down_plans_due(session: Session) -> Sequence[StepDownPlan]:
    """Every plan with a next step and not paused, for arming the step jobs at start."""
    query = select(StepDownPlan).where(
        col(StepDownPlan.next_step_at).is_not(None), col(StepDownPlan.paused_at).is_(None)
    )
    return session.exec(query).all()
