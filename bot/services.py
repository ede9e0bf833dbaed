"""What every handler and job reaches through the context: config, database, clock, events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session
from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.commands import MenuCommand
from bot.config import Config
from bot.domain.routing import Decision, Kind
from bot.leadership import Leadership, SoleInstance, new_instance_id
from bot.metrics import Metrics
from bot.reachability import Reachability
from bot.storage.db import Database

# Called after /forget deleted a chat's rows. Arguments: the application and the chat id.
ChatHook = Callable[["PumpApplication", int], Awaitable[None]]


@dataclass(frozen=True)
class Follower:
    """What follows a change to a chat's sessions or stash, in two halves. `prepare` (optional)
    reads and writes what it needs inside the change's own transaction, on the worker thread
    that writes the change: one unit of work, no second transaction. `apply` then acts on the
    event loop (arms a job, sends a nudge) after the caller has shown the change, with what
    `prepare` returned as a third argument; without `prepare` it gets (application, chat_id)."""

    apply: Callable[..., Awaitable[None]]
    prepare: Callable[[Session, int, datetime], Any] | None = None


# What a feature does with a typed message the router (bot/domain/routing.py) gave its kind.
# Arguments: the update, the context, the chat's settings and the decision, and what the
# feature's `TextPreparer` returned, if it has one.
TextAction = Callable[..., Awaitable[None]]
# A feature's database work for a typed message, done in the update's one unit of work (on a
# worker thread, in the transaction that read the chat and routed the text). Arguments: the
# session, the application, the chat's settings, the decision and the message.
TextPreparer = Callable[[Session, "PumpApplication", Any, Decision, Any], Any]
# Called after a chat's rows moved to a new id (a group became a supergroup): features re-arm
# what they schedule from the database. Arguments: the application, the old and the new id.
ChatMovedHook = Callable[["PumpApplication", int, int], Awaitable[None]]
# Called after a typed log closed the chat's live session timer (`bot.timers.timer_for_log`):
# its message is shown done. Arguments: the application, the chat id, the timer message's id
# (None: it had none) and the minutes it gave the log (None: none).
TimerClosedHook = Callable[["PumpApplication", int, int | None, int | None], Awaitable[None]]


@dataclass
class Services:
    config: Config
    db: Database
    clock: Clock
    # Follow a chat's sessions (logged, edited, deleted; announced only by the write path,
    # `bot.logbook.LogBook`): reminders reschedule, nudges look at the new numbers.
    session_followers: list[Follower] = field(default_factory=list)
    # Follow a chat's milk stash (added, used, thawed, moved, thrown out; announced only by
    # `bot.stashbook`): the morning note is scheduled again.
    stash_followers: list[Follower] = field(default_factory=list)
    # Follow a chat's settings and reminder plan (a new time zone, a new plan, a pause, a
    # snooze): the reminder re-arms. Announced by `chat_changed` after the write.
    chat_followers: list[Follower] = field(default_factory=list)
    # Called after /forget deleted a chat's rows: features drop what they hold in memory
    # (scheduled jobs, caches).
    chat_forgotten_hooks: list[ChatHook] = field(default_factory=list)
    chat_moved_hooks: list[ChatMovedHook] = field(default_factory=list)
    # Called after a typed log closed the chat's live session timer (`TimerClosedHook`).
    timer_closed_hooks: list[TimerClosedHook] = field(default_factory=list)
    # The one feature that acts on each kind of typed message, new and edited (`acts_on`).
    text_actions: dict[Kind, TextAction] = field(default_factory=dict)
    text_preparers: dict[Kind, TextPreparer] = field(default_factory=dict)
    edit_actions: dict[Kind, TextAction] = field(default_factory=dict)
    # Every feature's menu commands, in menu order: /start and /help list them.
    menu: list[MenuCommand] = field(default_factory=list)
    # Whether this process sends reminders (bot/leadership.py), and its name in the database.
    leadership: Leadership = field(default_factory=SoleInstance)
    instance_id: str = field(default_factory=new_instance_id)
    # What the operator watches (bot/metrics.py), and whether Telegram answers now.
    metrics: Metrics = field(default_factory=Metrics)
    reachability: Reachability = field(default_factory=Reachability)

    def acts_on(
        self,
        kind: Kind,
        action: TextAction,
        *,
        edits: bool = False,
        prepare: TextPreparer | None = None,
    ) -> None:
        """Register the feature that acts on `kind` (of edited messages with `edits`): one
        feature a kind, so registration order never decides who answers. `prepare` does the
        feature's database work in the update's unit of work; `action` then gets its result."""
        actions = self.edit_actions if edits else self.text_actions
        if kind in actions:
            raise ValueError(f"two features act on {kind} messages")
        actions[kind] = action
        if prepare is not None:
            self.text_preparers[kind] = prepare

    def follow_sessions(self, apply: Callable[..., Awaitable[None]], prepare: Any = None) -> None:
        self.session_followers.append(Follower(apply, prepare))

    def follow_chat(self, apply: Callable[..., Awaitable[None]], prepare: Any = None) -> None:
        self.chat_followers.append(Follower(apply, prepare))

    def follow_stash(self, apply: Callable[..., Awaitable[None]], prepare: Any = None) -> None:
        self.stash_followers.append(Follower(apply, prepare))

    async def sessions_changed(self, application: PumpApplication, chat_id: int) -> None:
        """Announce a change written elsewhere: the followers prepare in one transaction."""
        with self.db.session() as session:
            prepared = prepare_followers(self.session_followers, session, chat_id, self.clock.now())
        await apply_followers(prepared, application, chat_id)

    async def chat_changed(self, application: PumpApplication, chat_id: int) -> None:
        """Announce a change to the chat's settings or reminder plan."""
        with self.db.session() as session:
            prepared = prepare_followers(self.chat_followers, session, chat_id, self.clock.now())
        await apply_followers(prepared, application, chat_id)

    async def stash_changed(self, application: PumpApplication, chat_id: int) -> None:
        with self.db.session() as session:
            prepared = prepare_followers(self.stash_followers, session, chat_id, self.clock.now())
        await apply_followers(prepared, application, chat_id)

    async def timer_closed(
        self,
        application: PumpApplication,
        chat_id: int,
        message_id: int | None,
        minutes: int | None,
    ) -> None:
        for hook in self.timer_closed_hooks:
            await hook(application, chat_id, message_id, minutes)

    async def chat_forgotten(self, application: PumpApplication, chat_id: int) -> None:
        for hook in self.chat_forgotten_hooks:
            await hook(application, chat_id)

    async def chat_moved(self, application: PumpApplication, old_id: int, new_id: int) -> None:
        for hook in self.chat_moved_hooks:
            await hook(application, old_id, new_id)


Prepared = list[tuple[Follower, Any]]


def prepare_followers(
    followers: list[Follower], session: Session, chat_id: int, now: datetime
) -> Prepared:
    """Each follower's `prepare`, inside the change's transaction."""
    return [(f, f.prepare(session, chat_id, now) if f.prepare else None) for f in followers]


async def apply_followers(prepared: Prepared, application: PumpApplication, chat_id: int) -> None:
    """Each follower's `apply`, on the event loop, once the change has been shown."""
    for follower, value in prepared:
        if follower.prepare is None:
            await follower.apply(application, chat_id)
        else:
            await follower.apply(application, chat_id, value)


class PumpContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The callback context, with typed access to the bot's services."""

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]


# The one name for the application type; handlers, jobs and the assembly all use it.
PumpApplication = Application[Any, PumpContext, Any, Any, Any, Any]


class StoppingApplication(Application[Any, PumpContext, Any, Any, Any, Any]):
    """python-telegram-bot's Application, saying when it has begun to stop.

    `Application.stop` waits for every running job, and in a fan-out thousands of reminder jobs
    are running, each waiting for a delivery slot: a stop would send them all first (a minute and
    more, the leader holding its lock all the while). Jobs that have not started their work
    look at `stopping` and leave it for the next leader or the next start (scheduler/delivery.py).
    """

    stopping = False

    async def stop(self) -> None:
        self.stopping = True
        services = self.bot_data.get("services")
        if services is not None:
            services.reachability.release()  # reminders waiting for Telegram wait no longer
        await super().stop()


def is_stopping(application: PumpApplication) -> bool:
    return getattr(application, "stopping", False)
