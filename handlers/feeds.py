"""/feed (/mat), typed feeds (`fed 90`, `ga 90 ml`: the text router's `Kind.FEED`) and the
Undo under a feed.

Every feed goes through `bot.feedbook`; this module reads the update, calls it and shows the
result. `log_feed` is the one way a message becomes a feed: the command and the typed feed
both call it.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import buttons
from bot.buttons import FEED_UNDO
from bot.commands import MenuCommand
from bot.domain.chats import ChatSettings
from bot.domain.feeds import FeedRequest, parse_feed_args
from bot.domain.routing import Decision, Kind
from bot.family import stash_settings
from bot.feedbook import FeedOrder, give_feed, undo_feed
from bot.services import PumpApplication, PumpContext
from bot.text.feeds import fed_text, feed_prompt, undone_text
from bot.text.i18n import N_, Translator
from handlers.common import chat_settings, edit_tapped, out_of_date

MENU_COMMANDS = [
    MenuCommand("feed", N_("Log a bottle, like /feed 90: taken from the stash"), nb_name="mat"),
]


def undo_keyboard(feed_id: int, tr: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("↩️ " + tr._("Undo"), callback_data=FEED_UNDO.data(feed_id))]]
    )


def stash_chat_of(context: PumpContext, settings: ChatSettings) -> int:
    """The chat whose stash this chat's feeds take from: its own, or in a linked family
    group, the parent's (`bot.family`)."""
    return stash_settings(context.services.db, settings).id


async def log_feed(
    update: Update, context: PumpContext, settings: ChatSettings, request: FeedRequest
) -> None:
    """Log the feed a message asked for, take its milk, and reply with an Undo."""
    message = update.effective_message
    user = update.effective_user
    order = FeedOrder(
        amount_ml=request.amount_ml,
        fed_by_name=user.full_name if user else None,
        source_chat_id=settings.id,
        source_message_id=message.message_id,
    )
    outcome = await give_feed(context.application, stash_chat_of(context, settings), order)
    now = context.services.clock.now()
    keyboard = (
        undo_keyboard(outcome.feed.id, settings.tr) if outcome.feed and outcome.feed.id else None
    )
    await message.reply_text(fed_text(outcome, settings, now), reply_markup=keyboard)


async def feed_command(update: Update, context: PumpContext) -> None:
    """`/feed 90` (`/mat 90`): a bottle of 90 ml, taken from the stash; alone, how to use it."""
    settings = chat_settings(update, context)
    request = parse_feed_args(" ".join(context.args or []), settings.unit)
    if request is None:
        await update.effective_message.reply_text(feed_prompt(settings))
        return
    await log_feed(update, context, settings, request)


async def on_feed_text(
    update: Update, context: PumpContext, settings: ChatSettings, decision: Decision
) -> None:
    """`fed 90`, `ga 90 ml`, `flaske 90`: a bottle, in a private chat or a family group."""
    assert decision.feed is not None
    await log_feed(update, context, settings, decision.feed)


async def on_edited_feed_text(
    update: Update, context: PumpContext, settings: ChatSettings, _decision: Decision
) -> None:
    """An edited `fed 90`: the feed stays as it was; Undo under it, then send it again."""
    await update.effective_message.reply_text(
        settings.tr._(
            "I don't change a feed from an edited message. Tap Undo under it, then send the "
            "right amount again."
        )
    )


async def on_button(update: Update, context: PumpContext) -> None:
    """Undo under a feed: the feed goes, and its milk is back in the stash as it was."""
    query = update.callback_query
    settings = chat_settings(update, context)
    pressed = buttons.parse(query.data)
    if pressed is None or pressed.button is not FEED_UNDO or not isinstance(query.message, Message):
        await out_of_date(query, settings.tr)
        return
    outcome = await undo_feed(
        context.application, stash_chat_of(context, settings), pressed.values[0]
    )
    if not outcome.changed:
        await query.answer(undone_text(outcome, settings), show_alert=True)
        return
    await query.answer()
    await edit_tapped(query, undone_text(outcome, settings))


def register(application: PumpApplication) -> None:
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler(["feed", "mat"], feed_command, new_messages))
    application.add_handler(CallbackQueryHandler(on_button, pattern=buttons.pattern("feed")))
    services = application.bot_data["services"]
    services.acts_on(Kind.FEED, on_feed_text)
    services.acts_on(Kind.FEED, on_edited_feed_text, edits=True)
