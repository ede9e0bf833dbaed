"""What most handlers do first: find the chat's settings, in the user's language."""

from __future__ import annotations

from telegram import Update

from bot.domain.chats import ChatSettings
from bot.services import PumpContext
from bot.storage.repo import ChatRepo
from bot.text.i18n import language_for


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
