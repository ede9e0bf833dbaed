"""The tables: what the bot must remember about each chat. Times are stored in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from bot.domain.units import Method, Unit


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC and hands them back aware, on every back end."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Chat(SQLModel, table=True):
    """One Telegram chat: a parent's private chat, or a family group sharing one log."""

    __tablename__ = "chats"

    id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    language: str = Field(max_length=8)
    timezone: str = Field(max_length=64)
    unit: Unit = Field(default=Unit.ML, sa_column=sa.Column(sa.String(4), nullable=False))
    # Pumping is how the baby gets all its breast milk: stats compare daily totals with the
    # guideline band only then (for a baby also fed at the breast the band says nothing).
    exclusive_pumping: bool = Field(
        default=False,
        sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false()),
    )
    # When the parent's day starts, in minutes after local midnight (0, or 240 for 04:00):
    # a night session before it counts to the day before (bot.domain.daybook.parent_day).
    day_start_min: int = Field(
        default=0,
        sa_column=sa.Column(sa.Integer, nullable=False, server_default=sa.text("0")),
    )
    # How many babies the milk is for (1-3): the guideline band, the oversupply nudge and the
    # stash's days covered scale with it. None: never asked (counted as one).
    babies: int | None = Field(default=None, sa_column=sa.Column(sa.SmallInteger, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PumpSession(SQLModel, table=True):
    """One pumping or hand-expression session. Volumes in millilitres."""

    __tablename__ = "pump_sessions"
    __table_args__ = (
        sa.Index("ix_pump_sessions_chat_started", "chat_id", "started_at"),
        sa.UniqueConstraint("chat_id", "source_message_id", name="uq_pump_sessions_source"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger, sa.ForeignKey("chats.id", ondelete="CASCADE"), nullable=False
        )
    )
    started_at: datetime = Field(sa_type=UTCDateTime)
    left_ml: float | None = None
    right_ml: float | None = None
    total_ml: float
    duration_min: int | None = None
    method: Method = Field(default=Method.PUMP, sa_column=sa.Column(sa.String(8), nullable=False))
    note: str | None = Field(default=None, max_length=500)
    logged_by_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    logged_by_name: str | None = Field(default=None, max_length=128)
    # The Telegram message that logged it (an edit of that message edits the entry) and the
    # bot's confirmation (updated when the entry changes).
    source_message_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    confirmation_message_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    # The import (`imports.id`) that added it, so one tap can undo a whole import. A plain
    # indexed column, not a foreign key: SQLite cannot drop a foreign-key column in place,
    # and the sessions, not the import's row, are what matters.
    import_id: int | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ImportStatus(StrEnum):
    PENDING = "pending"  # previewed, waiting for the sender's tap
    IMPORTED = "imported"
    UNDONE = "undone"
    CANCELLED = "cancelled"


class ImportBatch(SQLModel, table=True):
    """A CSV file sent to import: previewed, then imported on its sender's tap, maybe undone.

    The file itself is not kept: the confirming tap fetches it again from Telegram by its
    `file_id`, so no health data waits in the database before the parent says yes.
    """

    __tablename__ = "imports"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger, sa.ForeignKey("chats.id", ondelete="CASCADE"), nullable=False
        )
    )
    requested_by_id: int = Field(sa_type=sa.BigInteger)
    file_id: str = Field(max_length=256)
    file_name: str | None = Field(default=None, max_length=256)
    status: ImportStatus = Field(
        default=ImportStatus.PENDING, sa_column=sa.Column(sa.String(12), nullable=False)
    )
    session_count: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    imported_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NudgeState(SQLModel, table=True):
    """Per chat: whether gentle nudges are on, and when each kind was last sent."""

    __tablename__ = "nudge_state"

    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger,
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    enabled: bool = Field(default=True, sa_column=sa.Column(sa.Boolean, nullable=False))
    overproduction_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    few_sessions_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    volume_drop_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ReminderPlan(SQLModel, table=True):
    """A chat's reminder plan and the one reminder it is owed next (`next_due_at`, UTC).

    The scheduler's jobs are rebuilt from these rows at start; a reminder is marked sent here
    (`counted_from` and `next_due_at` move on) before it is handed to Telegram. The row also
    holds the chat's power-pumping hour, if one is running.
    """

    __tablename__ = "reminder_plans"
    __table_args__ = (
        sa.UniqueConstraint("chat_id", name="uq_reminder_plans_chat"),
        sa.Index("ix_reminder_plans_next_due", "next_due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger, sa.ForeignKey("chats.id", ondelete="CASCADE"), nullable=False
        )
    )
    enabled: bool = False
    # Why reminders are off when the bot switched them off itself ("blocked": the user blocked it).
    off_reason: str | None = Field(default=None, max_length=16)
    preset: str = Field(default="custom", max_length=16)  # bot.domain.presets.Preset
    kind: str = Field(default="interval", max_length=8)  # bot.domain.planning.PlanKind
    interval_min: int | None = None
    night_interval_min: int | None = None
    times: str | None = Field(default=None, max_length=100)  # "06:00 09:00 12:00", local
    night_start: str | None = Field(default="23:00", max_length=5)  # None: no night rules
    night_end: str | None = Field(default="06:00", max_length=5)
    # The zone the due time was computed in; a chat that changed zone is recomputed.
    timezone: str | None = Field(default=None, max_length=64)
    counted_from: datetime | None = Field(default=None, sa_type=UTCDateTime)
    next_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    snoozed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paused_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Failed deliveries of the current reminder (429, network); reset when one gets through.
    attempts: int = 0
    power_started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    power_step: int = 0  # the last power-pumping step announced
    power_note_shown_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReminderHandover(SQLModel, table=True):
    """A reminder between its claim and Telegram's answer (at most one per chat).

    Written in the transaction that claims the reminder; `handed_over_at` is set just before
    its request goes out (and cleared again if Telegram answered 429); the row is deleted once
    Telegram answered. A row left behind by a crash tells the next sender what to do: never
    handed over, send it; handed over, it was on the wire and may have arrived
    (scheduler/handover.py).
    """

    __tablename__ = "reminder_handovers"

    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger,
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    due_for: datetime = Field(sa_type=UTCDateTime)
    claimed_at: datetime = Field(sa_type=UTCDateTime)
    claimed_by: str = Field(max_length=80)  # the instance that claimed it (services.instance_id)
    handed_over_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StashPortion(SQLModel, table=True):
    """A portion of pumped milk in the fridge or freezer, and what became of it.

    Rows stay after the milk is used or thrown out (`state`, `closed_at`), so /export can show
    the stash's history; /stash lists only stored ones. `use_by` is computed by
    `bot.domain.stash.use_by` whenever the portion is stored or moved, and kept for ordering and
    for scheduling the morning note.
    """

    __tablename__ = "stash_portions"
    __table_args__ = (
        sa.Index("ix_stash_portions_chat_state", "chat_id", "state", "pumped_at"),
        sa.Index("ix_stash_portions_use_by", "state", "use_by"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger, sa.ForeignKey("chats.id", ondelete="CASCADE"), nullable=False
        )
    )
    place: str = Field(max_length=8)  # bot.domain.stash.Place
    state: str = Field(default="stored", max_length=10)  # bot.domain.stash.PortionState
    amount_ml: float
    pumped_at: datetime = Field(sa_type=UTCDateTime)
    thawed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    use_by: datetime = Field(sa_type=UTCDateTime)
    # The logged session the milk came from, when it was stored from its confirmation. Undoing
    # or deleting the session deletes its portions still stored (`bot.logbook.LogBook`); used or
    # thrown-out ones stay as history, and the link becomes NULL.
    session_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("pump_sessions.id", ondelete="SET NULL"), nullable=True
        ),
    )
    added_by_name: str | None = Field(default=None, max_length=128)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StashState(SQLModel, table=True):
    """Per chat: whether the one-time storage note was shown, the morning of the last expiry
    note (claimed before sending, so a note is never sent twice), and the last typed change."""

    __tablename__ = "stash_state"

    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger,
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    intro_shown_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note_sent_for: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The latest typed message that changed the stash: the same message handled again (after a
    # crash, the inbox runs it from the top) must not store or use the milk twice.
    last_message_id: int | None = Field(default=None, sa_type=sa.BigInteger)


class InboxUpdate(SQLModel, table=True):
    """An update Telegram handed over, written before Telegram is told it arrived.

    `payload` (the update's JSON, message texts included) is kept only until the update is
    handled; the row itself stays a day longer so that a redelivery of the same `update_id`
    is recognised (bot/inbox.py explains the whole design).
    """

    __tablename__ = "inbox"
    __table_args__ = (sa.Index("ix_inbox_handled_at", "handled_at"),)

    update_id: int = Field(
        sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False)
    )
    # No foreign key: the chat may not exist yet. /forget deletes a chat's rows here too.
    chat_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    payload: str | None = Field(default=None, sa_type=sa.Text)
    received_at: datetime = Field(sa_type=UTCDateTime)
    handled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # When an instance last took it up after a crash (or from a dead instance), and how many
    # times that happened: an update that keeps killing the process is given up.
    taken_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0


class SessionTimer(SQLModel, table=True):
    """A chat's live session timer (at most one): started, maybe paused, maybe stopped and
    waiting for the amounts. The start is here, not in memory, so a restart re-arms the
    once-a-minute edit of its message (scheduler/timers.py); the row goes when a typed log
    takes its duration, or when a new timer starts."""

    __tablename__ = "session_timers"

    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger,
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    started_at: datetime = Field(sa_type=UTCDateTime)
    paused_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # set while paused
    paused_seconds: int = 0  # the pauses before the current one, together
    side: str | None = Field(default=None, max_length=5)  # "left" or "right": the side now
    message_id: int | None = Field(default=None, sa_type=sa.BigInteger)  # the message edited
    edited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    stopped_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # Stop was tapped


class StepDownPlan(SQLModel, table=True):
    """A chat's step-down plan (at most one): from `start_sessions` a day to `target_sessions`
    (0: stopping), one step every few days (bot.domain.stepdown). `step` counts from 0; the
    step job (scheduler/stepdown.py) runs at `next_step_at`; a pause holds it."""

    __tablename__ = "step_down_plans"

    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger,
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    start_sessions: int
    target_sessions: int
    step: int = 0
    started_at: datetime = Field(sa_type=UTCDateTime)
    next_step_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # None: last step
    paused_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    feeling: str | None = Field(default=None, max_length=8)  # the last answer, Feeling


class Feed(SQLModel, table=True):
    """A bottle given to the baby, and how much of it came from the stash (`bot.feedbook`).

    `chat_id` is the chat whose stash the milk came from. A feed is never a pumping session:
    it has its own table, its own write path and its own place in the export. The milk it took
    is in `feed_takes`, so an undo puts exactly that milk back.
    """

    __tablename__ = "feeds"
    __table_args__ = (
        sa.Index("ix_feeds_chat_fed", "chat_id", "fed_at"),
        sa.UniqueConstraint(
            "chat_id", "source_chat_id", "source_message_id", name="uq_feeds_source"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger, sa.ForeignKey("chats.id", ondelete="CASCADE"), nullable=False
        )
    )
    fed_at: datetime = Field(sa_type=UTCDateTime)
    amount_ml: float
    from_stash_ml: float = 0.0
    fed_by_name: str | None = Field(default=None, max_length=128)
    # The chat and message that asked for it (a family group's, or the parent's own): the same
    # message delivered again never takes milk twice. Not a foreign key: the chat that typed it
    # may be a group the bot has since left.
    source_chat_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    source_message_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    # The import (`imports.id`) that added it, if any.
    import_id: int | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FeedTake(SQLModel, table=True):
    """The milk one feed took from one stash portion, and what the portion was before.

    A whole portion is marked used; part of one is split: `used_portion_id` is the used part's
    own row, and `portion_id` keeps the rest with `use_by` shortened (milk left from a feed).
    `use_by_before` is what the undo restores.
    """

    __tablename__ = "feed_takes"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger, sa.ForeignKey("chats.id", ondelete="CASCADE"), nullable=False
        )
    )
    feed_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    portion_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("stash_portions.id", ondelete="CASCADE"), nullable=False
        )
    )
    used_portion_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("stash_portions.id", ondelete="SET NULL"), nullable=True
        ),
    )
    amount_ml: float
    use_by_before: datetime = Field(sa_type=UTCDateTime)


class ChatLink(SQLModel, table=True):
    """A family group linked to the parent who pumps (`bot.family`): the group's feeds and
    /stash use her stash. Her pumping log stays in her private chat; `shares_log` is her
    choice to let the group see it too. Deleting the row (unlinking) loses nothing."""

    __tablename__ = "chat_links"

    group_chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger,
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    parent_chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger,
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    group_title: str | None = Field(default=None, max_length=128)
    shares_log: bool = Field(
        default=False,
        sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false()),
    )
    linked_at: datetime = Field(sa_type=UTCDateTime)


class LinkCode(SQLModel, table=True):
    """The one-time code a parent sends in her family group to link it (one per parent; a new
    /link replaces it). Deleted when used or when it expires unused."""

    __tablename__ = "link_codes"

    parent_chat_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger,
            sa.ForeignKey("chats.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    code: str = Field(sa_column=sa.Column(sa.String(16), nullable=False, unique=True))
    expires_at: datetime = Field(sa_type=UTCDateTime)
