"""The one text handler: every typed message (new or edited, not a command) comes here, the
router (`bot.domain.routing`) decides what it is, and the feature registered for that kind
(`Services.acts_on`) acts on it. Registration order no longer decides who answers.

A new message is one unit of work (`Database.work_together`, on a worker thread, in one
transaction with other chats' units that come at the same time): the message's own
inbox row (bot/inbox.py), the chat's settings, the route and the acting feature's own database
work (a log's insert, which also tells a redelivery, with what reminders and nudges need) share
one transaction. The feature then replies on the event loop; a log's confirmation id, with the
inbox's handled mark, is the only other write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session
from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import MessageHandler, filters

from bot.domain.chats import ChatSettings
from bot.domain.routing import ChatState, Decision, Kind, route_edit, route_message
from bot.domain.units import Unit
from bot.inbox import TYPED, pending_update, store_pending, stored_pending
from bot.services import PumpApplication, PumpContext, Services
from bot.storage.repo import ChatRepo, SessionRepo, StepDownRepo, read_chat_rows
from bot.text.i18n import language_for
from handlers.common import chat_settings, written_at

MENU_COMMANDS: list = []


@dataclass(frozen=True)
class Routed:
    settings: ChatSettings
    decision: Decision
    prepared: Any = None


def route_in(
    session: Session,
    application: PumpApplication,
    message: Message,
    language: str,
    now: datetime,
) -> Routed | None:
    """The update's one unit of work (on a worker thread): the chat's settings, whether it
    replies to a confirmation, the route, and the database work of the feature that acts on
    it. None when the message is nothing for the bot."""
    services: Services = application.bot_data["services"]
    chats = ChatRepo(session)
    private = message.chat.type == ChatType.PRIVATE
    timezone = services.config.default_timezone
    # Group chatter must not create a chat row: a group the bot does not know yet is read
    # with a new chat's settings, and stored only once the bot has something to say.
    # One query reads the chat's settings and its other one-row tables (step-down plan,
    # timer, nudge state, reminder plan): the route and a log's followers read them from it.
    row = read_chat_rows(session, message.chat_id).chat
    if row is None and private:
        row = chats.get_or_create(message.chat_id, language=language, timezone=timezone)
    settings = (
        ChatSettings.of(row)
        if row is not None
        else ChatSettings(message.chat_id, language, timezone, Unit.ML)
    )
    state = ChatState(
        language=settings.language,
        unit=settings.unit,
        tz=settings.tz,
        written_at=written_at(message, now),
        private=private,
        replies_to_entry=replies_to_confirmation(session, message, application.bot.id),
        stepping_down=private and StepDownRepo(session, message.chat_id).get() is not None,
    )
    decision = route_message(message.text or "", state)
    if decision.kind is Kind.IGNORE:
        return None
    if row is None:
        row = chats.get_or_create(message.chat_id, language=language, timezone=timezone)
    prepare = services.text_preparers.get(decision.kind)
    if prepare is None:
        return Routed(settings, decision)
    return Routed(settings, decision, prepare(session, application, settings, decision, message))


def replies_to_confirmation(session: Session, message: Message, bot_id: int) -> bool:
    reply_to = message.reply_to_message
    if reply_to is None or reply_to.from_user is None or reply_to.from_user.id != bot_id:
        return False
    entries = SessionRepo(session, message.chat_id)
    return entries.by_confirmation_message(reply_to.message_id) is not None


async def on_text(update: Update, context: PumpContext) -> None:
    """A typed message: routed once, in one unit of work, acted on by one feature."""
    message = update.effective_message
    services = context.services
    user = update.effective_user
    language = language_for(user.language_code if user else None, services.config.default_language)
    now = services.clock.now()
    pending = await pending_update(update)

    def unit_of_work(session: Session) -> tuple[bool, Routed | None]:
        # The message's inbox row goes in this transaction (bot/inbox.py, `Pending`).
        if not store_pending(session, pending, now):
            return False, None  # a redelivery: handled before, or elsewhere
        return True, route_in(session, context.application, message, language, now)

    new, routed = await services.db.work_together(unit_of_work)
    stored_pending(pending, new)
    if routed is None:
        return
    action = services.text_actions[routed.decision.kind]
    if routed.decision.kind in services.text_preparers:
        await action(update, context, routed.settings, routed.decision, routed.prepared)
    else:
        await action(update, context, routed.settings, routed.decision)


async def on_edited_text(update: Update, context: PumpContext) -> None:
    """An edited message can change what it logged, nothing else."""
    message = update.effective_message
    services = context.services
    settings = chat_settings(update, context)
    state = ChatState(
        language=settings.language,
        unit=settings.unit,
        tz=settings.tz,
        written_at=written_at(message, services.clock.now()),
        private=message.chat.type == ChatType.PRIVATE,
    )
    decision = route_edit(message.text or "", state)
    action = services.edit_actions.get(decision.kind)
    if action is not None:
        await action(update, context, settings, decision)


def register(application: PumpApplication) -> None:
    text = filters.TEXT & ~filters.COMMAND
    # TYPED is what the inbox lets this handler's unit of work store (bot/inbox.py).
    application.add_handler(MessageHandler(TYPED, on_text))
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & text, on_edited_text)
    )
