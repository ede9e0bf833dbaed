"""The one error handler: a short apology to the user, the details (never the text) to the log.
And the answer to a button no feature knows (forged, or from an older version of the bot)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import ChatMigrated, TelegramError
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, TypeHandler

from bot.groups import move_chat
from bot.reachability import describe, transport_failure
from bot.services import PumpApplication, PumpContext
from bot.storage.repo import ChatRepo
from bot.text.i18n import language_for, translator
from handlers.common import out_of_date

log = logging.getLogger(__name__)

BEFORE_ALL = -100  # the handler group of `on_button_without_chat`


def language_of(update: Update, context: PumpContext) -> str:
    """The chat's language if the bot knows the chat (without creating it), else the user's."""
    language = context.services.config.default_language
    try:
        chat = update.effective_chat
        if chat is not None:
            with context.services.db.session() as session:
                row = ChatRepo(session).get(chat.id)
            if row is not None:
                return row.language
        if update.effective_user is not None:
            language = language_for(update.effective_user.language_code, language)
    except Exception:  # the database may be what failed; answer anyway
        log.warning("Could not read the chat's language")
    return language


async def on_error(update: object, context: PumpContext) -> None:
    """Log the failure with the update id; tell the user, in their language, that we failed.
    A reply refused because the group became a supergroup moves the chat to its new id."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    if isinstance(error, ChatMigrated) and isinstance(update, Update) and update.effective_chat:
        await moved_on(update, context, error.new_chat_id)
        return
    if isinstance(error, TelegramError) and transport_failure(error):
        # Telegram is away: bot/reachability.py says so once for the whole outage, and
        # python-telegram-bot retries; an apology could not get through either.
        log.debug("Update %s: Telegram unreachable (%s)", update_id, describe(error))
        return
    log.error("Error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    tr = translator(language_of(update, context))
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            tr._("Sorry, something went wrong on my side. Please try again in a moment."),
        )
    except TelegramError:
        log.warning("Could not send the apology for update %s", update_id)


async def moved_on(update: Update, context: PumpContext, new_id: int) -> None:
    """A reply failed because the group is now a supergroup: move the chat, and say so there
    (what was asked went unanswered)."""
    old_id = update.effective_chat.id
    await move_chat(context.application, old_id, new_id)
    tr = translator(language_of_chat(context, new_id) or language_of(update, context))
    try:
        await context.bot.send_message(
            new_id,
            tr._(
                "This group is now a supergroup. I've moved its log, settings and reminders "
                "along. If I didn't answer something just now, please send it again."
            ),
        )
    except TelegramError:
        log.warning("Could not tell chat %s that it was moved", new_id)


def language_of_chat(context: PumpContext, chat_id: int) -> str | None:
    with context.services.db.session() as session:
        row = ChatRepo(session).get(chat_id)
        return row.language if row is not None else None


async def on_unknown_button(update: Update, context: PumpContext) -> None:
    """A button whose data no feature knows: say so, rather than leave it spinning."""
    await out_of_date(update.callback_query, translator(language_of(update, context)))


async def on_button_without_chat(update: Update, context: PumpContext) -> None:
    """A button on no chat's message (an inline message: this bot never sends one) names no
    chat to act in; every feature's handler would fail on it. Answered here, and stopped."""
    if update.callback_query is not None and update.effective_chat is None:
        await on_unknown_button(update, context)
        raise ApplicationHandlerStop


def register(application: PumpApplication) -> None:
    # A group of its own, before all others: in one group only the first handler that
    # matches runs, and this one looks at every update.
    application.add_handler(TypeHandler(Update, on_button_without_chat), group=BEFORE_ALL)
    # Registered after every feature: only buttons that no feature's pattern took come here.
    application.add_handler(CallbackQueryHandler(on_unknown_button))
    application.add_error_handler(on_error)
