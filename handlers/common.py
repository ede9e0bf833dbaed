"""What most handlers share: the chat's settings (in the user's language), the answers to
buttons that are out of date or would change nothing, and the one-time question of how many
babies the milk is for (asked by the features that first show the guideline band)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot import buttons
from bot.buttons import SET_BABIES, TIP_TOPIC, Pressed
from bot.domain.chats import ChatSettings
from bot.domain.commandnames import typed_command
from bot.domain.stats import MAX_BABIES
from bot.domain.tips import Topic
from bot.sending import unchanged_is_fine
from bot.services import PumpContext
from bot.storage.repo import ChatRepo
from bot.text.i18n import N_, Translator, language_for, translator

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


def written_at(message: Message, now: datetime) -> datetime:
    """When the parent wrote the message: its date, unless the clocks disagree."""
    return min(message.date, now) if message.date else now


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


async def refuse_tap(update: Update, context: PumpContext, settings: ChatSettings | None) -> None:
    """Answer a tap as out of date, in the chat's language, or the user's if the bot no longer
    knows the chat."""
    tr = settings.tr if settings else user_translator(update, context)
    await out_of_date(update.callback_query, tr)


async def tap_in_known_chat(
    update: Update, context: PumpContext
) -> tuple[ChatSettings, Pressed] | None:
    """A tap's chat settings and parsed button; None, the tap answered as out of date, when
    its data means nothing or the chat was forgotten since."""
    settings = known_chat_settings(update, context)
    pressed = buttons.parse(update.callback_query.data)
    if settings is None or pressed is None:
        await refuse_tap(update, context, settings)
        return None
    return settings, pressed


async def edit_tapped(
    query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Replace the text (and buttons) of the message whose button was tapped."""
    with unchanged_is_fine():
        await query.edit_message_text(text, reply_markup=keyboard)


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


def command_as_typed(update: Update) -> str:
    """The command the parent typed, as they typed it (`/angre`), for a reply that names it."""
    message = update.effective_message
    return "/" + typed_command(message.text or "") if message is not None else ""


async def refused_arguments(update: Update, context: PumpContext, hint: str) -> bool:
    """A command that changes or deletes something and takes nothing after it got something
    (`/undo 1 2 3`): it must not guess what was meant. Sends the kind `hint` (which says that
    nothing changed) and returns True; False, and nothing sent, for the command alone."""
    if not context.args:
        return False
    await update.effective_message.reply_text(hint)
    return True


def topic_button(item: Topic, tr: Translator) -> InlineKeyboardButton:
    """A button that opens a tips topic (the tips menu, a nudge's "Read more", /trend's help)."""
    return InlineKeyboardButton(
        f"{item.icon} {tr._(item.title)}", callback_data=TIP_TOPIC.data(item.id)
    )


# -- how many babies the milk is for (asked in /settings and where the band first shows) ------


def babies_keyboard(settings: ChatSettings) -> InlineKeyboardMarkup:
    """1, 2 or 3 in one row, the chat's answer ticked once it has given one."""
    tr = settings.tr
    buttons_row = [
        InlineKeyboardButton(
            ("✓ " if settings.babies_asked and settings.babies == n else "")
            + tr.ngettext("{n} baby", "{n} babies", n),
            callback_data=SET_BABIES.data(n),
        )
        for n in range(1, MAX_BABIES + 1)
    ]
    return InlineKeyboardMarkup([buttons_row])


def babies_question(settings: ChatSettings) -> str:
    # TRANSLATORS: source: pumping-guide-nb.txt: "Barnets behov for morsmelk øker gradvis"
    # TRANSLATORS: source: pumping-guide-nb.txt: "Fram til barnet er seks måneder"
    return settings.tr._(
        "How many babies is your milk for? I count the daily guideline band, the note on "
        "making a lot of milk and the days your stash covers once per baby. Until you tap, I "
        "count one."
    )


def babies_noted(settings: ChatSettings) -> str:
    # TRANSLATORS: source: pumping-guide-nb.txt: "Det er individuelle variasjoner"
    return settings.tr.ngettext(
        "Noted: your milk is for {n} baby.",
        "Noted: your milk is for {n} babies. The guideline band, the note on making a lot of "
        "milk and the days your stash covers now count {n} babies (a rule of thumb: each "
        "baby's need differs).",
        settings.babies,
    )


async def ask_babies_once(message: Message, settings: ChatSettings, context: PumpContext) -> None:
    """Where the guideline band first shows (the chat pumps exclusively): ask, once, how many
    babies the milk is for. One is counted (and stored, so the question never comes back)
    until she taps another number."""
    if settings.babies_asked or not settings.exclusive_pumping:
        return
    update_chat(context, settings.id, babies=settings.babies)
    await message.reply_text(babies_question(settings), reply_markup=babies_keyboard(settings))
