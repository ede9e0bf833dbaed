"""What most handlers do first: find the chat's settings, in the user's language."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.domain.chats import ChatSettings
from bot.services import PumpContext
from bot.storage.repo import ChatRepo
from bot.text.i18n import language_for

log = logging.getLogger(__name__)

# Telegram shows a chat action for about 5 seconds, or until the bot's next message.
CHAT_ACTION_REPEAT_S = 4.0


def chat_settings(update: Update, context: PumpContext) -> ChatSettings:
    """The settings of the update's chat, created on first contact from the user's language."""
    services = context.services
    chat = update.effective_chat
    if chat is None:
        raise ValueError("update without a chat")
    user = update.effective_user
    language = language_for(user.language_code if user else None, services.config.default_language)
    with services.db.session() as session:
        row = ChatRepo(session).get_or_create(
            chat.id, language=language, timezone=services.config.default_timezone
        )
        return ChatSettings.of(row)


def update_chat(context: PumpContext, chat_id: int, **changes: object) -> ChatSettings:
    with context.services.db.session() as session:
        repo = ChatRepo(session)
        row = repo.get(chat_id)
        if row is None:
            raise LookupError(chat_id)
        return ChatSettings.of(repo.update(row, **changes))


@contextlib.asynccontextmanager
async def showing_action(
    context: PumpContext, chat_id: int, action: ChatAction
) -> AsyncIterator[None]:
    """Telegram's own "sending a file…" (or photo, or typing) indicator while slow work runs:
    sent once before the work starts, then again every few seconds until it ends. An
    indicator that fails to send is not worth failing the work for."""

    async def send() -> None:
        try:
            await context.bot.send_chat_action(chat_id, action)
        except TelegramError as error:
            log.debug("chat action not shown: %s", type(error).__name__)

    async def repeat() -> None:
        while True:
            await asyncio.sleep(CHAT_ACTION_REPEAT_S)
            await send()

    await send()
    repeater = asyncio.create_task(repeat())
    try:
        yield
    finally:
        repeater.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await repeater
