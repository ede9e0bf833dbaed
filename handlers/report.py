"""/report: the last 7, 14 or 30 days as one PDF for a health visitor or lactation consultant.

`/report` sends the last 14 days at once, with buttons for 7 and 30 (`/report 30` straight
away). The whole build (query, chart, PDF) runs on a worker thread, and the chat shows
"sending a file…" meanwhile. Button: `bot.buttons.REPORT_DAYS`.
"""

from __future__ import annotations

import asyncio
import html
import re
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import buttons
from bot.buttons import REPORT_DAYS, Pressed
from bot.commands import MenuCommand
from bot.domain.chats import ChatSettings
from bot.report import DEFAULT_PERIOD, PERIODS, build_report, report_filename
from bot.services import PumpApplication, PumpContext
from bot.storage.db import Database
from bot.storage.repo import PlanRepo
from bot.text.i18n import N_, Translator
from bot.text.reminders import describe_plan
from handlers.common import (
    chat_settings,
    known_chat_settings,
    out_of_date,
    showing_action,
    user_translator,
)

MENU_COMMANDS = [
    MenuCommand("report", N_("A PDF of your log for your health visitor"), nb_name="rapport"),
]


def plan_in_use(db: Database, settings: ChatSettings) -> str | None:
    """The reminder plan in words, without markup; None when reminders are off or unset."""
    with db.session() as session:
        row = PlanRepo(session).get(settings.id)
    if row is None or not row.enabled or not (row.interval_min or row.times):
        return None
    return html.unescape(re.sub(r"<[^>]+>", "", describe_plan(row, settings.tr)))


def report_for(db: Database, settings: ChatSettings, now: datetime, n_days: int) -> bytes:
    return build_report(db, settings, now, n_days, plan=plan_in_use(db, settings))


def period_buttons(tr: Translator, shown: int) -> InlineKeyboardMarkup:
    """The other lengths, as buttons under a report."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr.ngettext("{n} day", "{n} days", n), callback_data=REPORT_DAYS.data(n)
                )
                for n in PERIODS
                if n != shown
            ]
        ]
    )


async def send_report(
    update: Update, context: PumpContext, settings: ChatSettings, n_days: int
) -> None:
    services = context.services
    now = services.clock.now()
    tr = settings.tr
    async with showing_action(context, settings.id, ChatAction.UPLOAD_DOCUMENT):
        data = await asyncio.to_thread(report_for, services.db, settings, now, n_days)
        caption = tr.ngettext(
            "Your log for the last {n} day, as a PDF to show your health visitor or lactation "
            "consultant.",
            "Your log for the last {n} days, as a PDF to show your health visitor or lactation "
            "consultant.",
            n_days,
        )
        await update.effective_message.reply_document(
            data,
            filename=report_filename(now, settings),
            caption=caption,
            reply_markup=period_buttons(tr, n_days),
        )


async def report_command(update: Update, context: PumpContext) -> None:
    """`/report` (14 days), `/report 7` or `/report 30`."""
    settings = chat_settings(update, context)
    argument = (context.args or [""])[0]
    n_days = int(argument) if argument in {str(n) for n in PERIODS} else DEFAULT_PERIOD
    await send_report(update, context, settings, n_days)


async def on_button(update: Update, context: PumpContext) -> None:
    """The same report for another length."""
    query = update.callback_query
    settings = known_chat_settings(update, context)
    tr = settings.tr if settings is not None else user_translator(update, context)
    match buttons.parse(query.data):
        case Pressed(buttons.REPORT_DAYS, (n_days,)) if settings and n_days in PERIODS:
            await query.answer()
            await send_report(update, context, settings, n_days)
        case _:
            await out_of_date(query, tr)


def register(application: PumpApplication) -> None:
    application.add_handler(CommandHandler(["report", "rapport"], report_command))
    application.add_handler(CallbackQueryHandler(on_button, pattern=buttons.pattern("report")))
