"""The one error handler: a short apology to the user, the details (never the text) to the log."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.app import PumpApplication
from bot.i18n import language_for, translator
from bot.repo import ChatRepo
from bot.services import PumpContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: PumpContext) -> None:
    """Log the failure with the update id; tell the user, in their language, that we failed."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("Error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    language = context.services.config.default_language
    try:
        with context.services.db.session() as session:
            chat = ChatRepo(session).get(update.effective_chat.id)
        if chat is not None:
            language = chat.language
        elif update.effective_user is not None:
            language = language_for(update.effective_user.language_code, language)
    except Exception:  # the database may be what failed; apologise anyway
        log.warning("Could not read the chat's language for the apology")
    tr = translator(language)
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            tr._("Sorry, something went wrong on my side. Please try again in a moment."),
        )
    except TelegramError:
        log.warning("Could not send the apology for update %s", update_id)


def register(application: PumpApplication) -> None:
    application.add_error_handler(on_error)
