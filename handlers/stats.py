"""/week, /month and /chart: the chat's own numbers, day by day and as a picture.

The numbers come from `bot.periods`, on a worker thread (a month of a busy log is tens of
milliseconds, a chart a few hundred), so other chats' updates go on meanwhile. A chart button
never creates a chat: tapped after /forget, it is out of date.
"""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto, Update
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import buttons
from bot.buttons import STATS_CHART
from bot.commands import MenuCommand
from bot.family import log_settings
from bot.periods import MONTH, WEEK, chart, period_report
from bot.services import PumpApplication, PumpContext
from bot.text.i18n import N_, Translator
from handlers.common import (
    ask_babies_once,
    chat_settings,
    known_chat_settings,
    refuse_tap,
    showing_action,
)

MENU_COMMANDS = [
    MenuCommand("week", N_("Your last 7 days, day by day"), nb_name="uke"),
    MenuCommand("month", N_("Your last 30 days, day by day"), nb_name="maned"),
    MenuCommand("chart", N_("A chart of your daily totals"), nb_name="graf"),
]


def chart_button(tr: Translator, n_days: int) -> InlineKeyboardMarkup:
    """Under /week or /month: the chart of the same days."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(tr._("📈 Chart"), callback_data=STATS_CHART.data(n_days))]]
    )


def switch_button(tr: Translator, n_days: int) -> InlineKeyboardMarkup:
    """Under a chart: the same chart over the other length."""
    other = MONTH if n_days == WEEK else WEEK
    label = tr.ngettext("Show {n} day", "Show {n} days", other)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=STATS_CHART.data(other))]]
    )


async def show_week(update: Update, context: PumpContext) -> None:
    """The last 7 days, a row per day, and a summary."""
    await show_period(update, context, WEEK)


async def show_month(update: Update, context: PumpContext) -> None:
    """The last 30 days, a row per day, and a summary."""
    await show_period(update, context, MONTH)


async def show_period(update: Update, context: PumpContext, n_days: int) -> None:
    """The last days of the log: the chat's own, or in a linked family group whose parent
    shares her log, hers."""
    services = context.services
    settings = log_settings(services.db, chat_settings(update, context))
    text = await asyncio.to_thread(
        period_report, services.db, settings, services.clock.now(), n_days
    )
    await update.effective_message.reply_text(text, reply_markup=chart_button(settings.tr, n_days))
    await ask_babies_once(update.effective_message, settings, context)


async def show_chart(update: Update, context: PumpContext) -> None:
    """`/chart` (7 days) or `/chart 30`: daily totals as a picture."""
    settings = chat_settings(update, context)
    n_days = MONTH if (context.args or [""])[0] == str(MONTH) else WEEK
    services = context.services
    async with showing_action(context, settings.id, ChatAction.UPLOAD_PHOTO):
        png, caption = await asyncio.to_thread(
            chart, services.db, settings, services.clock.now(), n_days
        )
        await update.effective_message.reply_photo(
            png,
            caption=caption,
            reply_markup=switch_button(settings.tr, n_days),
            filename="chart.png",
        )
    await ask_babies_once(update.effective_message, settings, context)


async def on_chart_button(update: Update, context: PumpContext) -> None:
    """Under /week or /month: send the chart. Under a chart: switch it to the other length."""
    query = update.callback_query
    settings = known_chat_settings(update, context)
    pressed = buttons.parse(query.data)
    n_days = pressed.values[0] if pressed is not None else None
    if settings is None or n_days not in (WEEK, MONTH):
        await refuse_tap(update, context, settings)
        return
    services = context.services
    await query.answer()
    async with showing_action(context, settings.id, ChatAction.UPLOAD_PHOTO):
        png, caption = await asyncio.to_thread(
            chart, services.db, settings, services.clock.now(), n_days
        )
        keyboard = switch_button(settings.tr, n_days)
        if query.message is not None and getattr(query.message, "photo", None):
            await query.edit_message_media(
                InputMediaPhoto(png, caption=caption, filename="chart.png"), reply_markup=keyboard
            )
        else:
            await update.effective_message.reply_photo(
                png, caption=caption, reply_markup=keyboard, filename="chart.png"
            )


def register(application: PumpApplication) -> None:
    application.add_handler(CommandHandler(["week", "uke"], show_week))
    application.add_handler(CommandHandler(["month", "maned"], show_month))
    application.add_handler(CommandHandler(["chart", "graf"], show_chart))
    application.add_handler(
        CallbackQueryHandler(on_chart_button, pattern=buttons.pattern("stats", STATS_CHART))
    )
