"""The one text handler: every typed message (new or edited, not a command) comes here, the
router (`bot.domain.routing`) decides what it is, and the feature registered for that kind
(`Services.acts_on`) acts on it. Registration order no longer decides who answers.
"""

from __future__ import annotations

from datetime import datetime

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import MessageHandler, filters

from bot.domain.chats import ChatSettings
from bot.domain.routing import ChatState, Kind, route_edit, route_message
from bot.domain.units import Unit
from bot.logbook import entry_for_confirmation
from bot.services import PumpApplication, PumpContext
from bot.text.i18n import language_for
from handlers.common import chat_settings, known_chat_settings, written_at

MENU_COMMANDS: list = []


def state_of(
    message: Message, settings: ChatSettings, now: datetime, *, replies_to_entry: bool = False
) -> ChatState:
    return ChatState(
        language=settings.language,
        unit=settings.unit,
        tz=settings.tz,
        written_at=written_at(message, now),
        private=message.chat.type == ChatType.PRIVATE,
        replies_to_entry=replies_to_entry,
    )


def new_chat_settings(update: Update, context: PumpContext) -> ChatSettings:
    """The settings a chat would get on first contact, without storing them."""
    config = context.services.config
    user = update.effective_user
    return ChatSettings(
        id=update.effective_chat.id,
        language=language_for(user.language_code if user else None, config.default_language),
        timezone=config.default_timezone,
        unit=Unit.ML,
    )


def replies_to_confirmation(message: Message, context: PumpContext, chat_id: int) -> bool:
    reply_to = message.reply_to_message
    if reply_to is None or reply_to.from_user is None or reply_to.from_user.id != context.bot.id:
        return False
    return entry_for_confirmation(context.services.db, chat_id, reply_to.message_id) is not None


async def on_text(update: Update, context: PumpContext) -> None:
    """A typed message: routed once, acted on by one feature."""
    message = update.effective_message
    services = context.services
    private = update.effective_chat.type == ChatType.PRIVATE
    # Group chatter must not create a chat row: a group the bot does not know yet is read
    # with a new chat's settings, and stored only once the bot has something to say.
    known = chat_settings(update, context) if private else known_chat_settings(update, context)
    settings = known or new_chat_settings(update, context)
    replies = replies_to_confirmation(message, context, settings.id)
    state = state_of(message, settings, services.clock.now(), replies_to_entry=replies)
    decision = route_message(message.text or "", state)
    if decision.kind is Kind.IGNORE:
        return
    if known is None:
        settings = chat_settings(update, context)
    await services.text_actions[decision.kind](update, context, settings, decision)


async def on_edited_text(update: Update, context: PumpContext) -> None:
    """An edited message can change what it logged, nothing else."""
    message = update.effective_message
    services = context.services
    settings = chat_settings(update, context)
    decision = route_edit(message.text or "", state_of(message, settings, services.clock.now()))
    action = services.edit_actions.get(decision.kind)
    if action is not None:
        await action(update, context, settings, decision)


def register(application: PumpApplication) -> None:
    text = filters.TEXT & ~filters.COMMAND
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & text, on_text))
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & text, on_edited_text)
    )
