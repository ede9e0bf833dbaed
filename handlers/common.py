"""What most handlers share: the chat's settings (in the user's language), and the answers
to buttons that are out of date or would change nothing."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.domain.chats import ChatSettings
from bot.services import PumpContext
from bot.storage.repo import ChatRepo
from bot.text.i18n import N_, Translator, language_for, translator


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


def known_chat_settings(update: Update, context: PumpContext) -> ChatSettings | None:
    """The settings of the update's chat if the bot knows it, without creating it (a button
    tapped after /forget must not bring the chat back)."""
    with context.services.db.session() as session:
        row = ChatRepo(session).get(update.effective_chat.id)
        return ChatSettings.of(row) if row is not None else None


def user_translator(update: Update, context: PumpContext) -> Translator:
    """The user's own language, for a chat the bot does not know (any more)."""
    user = update.effective_user
    code = user.language_code if user else None
    return translator(language_for(code, context.services.config.default_language))


def update_chat(context: PumpContext, chat_id: int, **changes: object) -> ChatSettings:
    with context.services.db.session() as session:
        repo = ChatRepo(session)
        row = repo.get(chat_id)
        if row is None:
            raise LookupError(chat_id)
        return ChatSettings.of(repo.update(row, **changes))


# -- buttons -------------------------------------------------------------------------------

OUT_OF_DATE = N_("That button is out of date.")


async def out_of_date(query: CallbackQuery, tr: Translator) -> None:
    """The answer to a tap whose data means nothing (any more): forged, or from an older bot."""
    await query.answer(tr._(OUT_OF_DATE))


@contextlib.contextmanager
def unchanged_is_fine() -> Iterator[None]:
    """Around an edit: Telegram refuses one that would change nothing ("message is not
    modified"), which a second tap on the same button asks for. That is no error."""
    try:
        yield
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def edit_tapped(
    query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Replace the text (and buttons) of the message whose button was tapped."""
    with unchanged_is_fine():
        await query.edit_message_text(text, reply_markup=keyboard)
