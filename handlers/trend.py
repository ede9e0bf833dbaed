"""/trend (nb /utvikling): the supply trend as a picture, with a two-line summary.

`/trend` shows the last 4 weeks, `/trend 8` (2 to 8) another length; buttons under the chart
switch it. The numbers and the chart come from `bot.periods.trend_report` on a worker thread
(the chart is drawn in the chart process). When the summary ends in the note on a lasting
drop (only for a parent who pumps exclusively), a button opens the "When to get help" tip.
"""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto, Update
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import buttons
from bot.buttons import TREND_WEEKS, Pressed
from bot.commands import MenuCommand
from bot.domain.chats import ChatSettings
from bot.domain.tips import topic
from bot.domain.trend import WEEKS, clamp_weeks
from bot.periods import TrendReply, trend_report
from bot.services import PumpApplication, PumpContext
from bot.text.i18n import N_
from handlers.common import (
    chat_settings,
    known_chat_settings,
    refuse_tap,
    showing_action,
    topic_button,
)

MENU_COMMANDS = [
    MenuCommand("trend", N_("Your supply trend over the last weeks"), nb_name="utvikling"),
]
HELP_TOPIC = "seek_help"


def trend_keyboard(reply: TrendReply, settings: ChatSettings) -> InlineKeyboardMarkup:
    """The other lengths, the one shown ticked; under a drop note, the help tip too."""
    tr = settings.tr
    shown = reply.trend.weeks

    def label(weeks: int) -> str:
        text = tr.ngettext("{n} week", "{n} weeks", weeks)
        return f"✓ {text}" if weeks == shown else text

    rows = [
        [
            InlineKeyboardButton(label(weeks), callback_data=TREND_WEEKS.data(weeks))
            for weeks in WEEKS
        ]
    ]
    help_topic = topic(HELP_TOPIC)
    if settings.exclusive_pumping and reply.trend.sustained_drop and help_topic is not None:
        rows.append([topic_button(help_topic, tr)])
    return InlineKeyboardMarkup(rows)


def weeks_asked(args: list[str] | None) -> int:
    """`/trend 6` asks for 6 weeks; a number outside 2-8 is brought within; anything else, 4."""
    typed = (args or [""])[0]
    return clamp_weeks(int(typed) if typed.isdecimal() and len(typed) <= 3 else None)


async def trend_command(update: Update, context: PumpContext) -> None:
    """`/trend` (4 weeks) or `/trend 2`-`/trend 8`: the chart and the summary."""
    settings = chat_settings(update, context)
    await send_trend(update, context, settings, weeks_asked(context.args), edit=False)


async def on_button(update: Update, context: PumpContext) -> None:
    """Another length: the chart above the buttons is replaced."""
    query = update.callback_query
    settings = known_chat_settings(update, context)
    match buttons.parse(query.data):
        case Pressed(buttons.TREND_WEEKS, (weeks,)) if settings and weeks in WEEKS:
            await query.answer()
            await send_trend(update, context, settings, weeks, edit=True)
        case _:
            await refuse_tap(update, context, settings)


async def send_trend(
    update: Update, context: PumpContext, settings: ChatSettings, weeks: int, *, edit: bool
) -> None:
    services = context.services
    message = update.effective_message
    async with showing_action(context, settings.id, ChatAction.UPLOAD_PHOTO):
        reply = await asyncio.to_thread(
            trend_report, services.db, settings, services.clock.now(), weeks
        )
        keyboard = trend_keyboard(reply, settings)
        if reply.png is None:
            await message.reply_text(reply.text, reply_markup=keyboard)
        elif edit and getattr(message, "photo", None):
            await update.callback_query.edit_message_media(
                InputMediaPhoto(reply.png, caption=reply.text, filename="trend.png"),
                reply_markup=keyboard,
            )
        else:
            await message.reply_photo(
                reply.png, caption=reply.text, reply_markup=keyboard, filename="trend.png"
            )


def register(application: PumpApplication) -> None:
    application.add_handler(CommandHandler(["trend", "utvikling"], trend_command))
    application.add_handler(CallbackQueryHandler(on_button, pattern=buttons.pattern("trend")))
