"""What every handler and job reaches through the context: config, database, clock, events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.commands import MenuCommand
from bot.config import Config
from bot.leadership import Leadership, SoleInstance, new_instance_id
from bot.storage.db import Database

# Called after a chat's sessions changed (logged, edited, deleted; announced only by
# `bot.logbook.LogBook`): reminders reschedule, nudges look at the new numbers. Arguments: the
# application and the chat id.
SessionsChangedHook = Callable[["PumpApplication", int], Awaitable[None]]
# Called after a chat's rows moved to a new id (a group became a supergroup): features re-arm
# what they schedule from the database. Arguments: the application, the old and the new id.
ChatMovedHook = Callable[["PumpApplication", int, int], Awaitable[None]]
# Called after a typed log closed the chat's live session timer (`bot.timers.take_for_log`):
# its message is shown done. Arguments: the application, the chat id, the timer message's id
# (None: it had none) and the minutes it gave the log (None: none).
TimerClosedHook = Callable[["PumpApplication", int, int | None, int | None], Awaitable[None]]


@dataclass
class Services:
    config: Config
    db: Database
    clock: Clock
    sessions_changed_hooks: list[SessionsChangedHook] = field(default_factory=list)
    # Called after /forget deleted a chat's rows: features drop what they hold in memory
    # (scheduled jobs, caches). Same arguments as above.
    chat_forgotten_hooks: list[SessionsChangedHook] = field(default_factory=list)
    chat_moved_hooks: list[ChatMovedHook] = field(default_factory=list)
    # Called after a chat's milk stash changed (added, used, thawed, moved, thrown out): the
    # morning note is scheduled again. Same arguments as sessions_changed_hooks.
    stash_changed_hooks: list[SessionsChangedHook] = field(default_factory=list)
    timer_closed_hooks: list[TimerClosedHook] = field(default_factory=list)
    # Every feature's menu commands, in menu order: /start and /help list them.
    menu: list[MenuCommand] = field(default_factory=list)
    # Whether this process sends reminders (bot/leadership.py), and its name in the database.
    leadership: Leadership = field(default_factory=SoleInstance)
    instance_id: str = field(default_factory=new_instance_id)

    async def sessions_changed(self, application: PumpApplication, chat_id: int) -> None:
        for hook in self.sessions_changed_hooks:
            await hook(application, chat_id)

    async def stash_changed(self, application: PumpApplication, chat_id: int) -> None:
        for hook in self.stash_changed_hooks:
            await hook(application, chat_id)

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
        await super().stop()


def is_stopping(application: PumpApplication) -> bool:
    return getattr(application, "stopping", False)
