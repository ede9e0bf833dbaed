"""/report: the last 7, 14 or 30 days as one PDF for a health visitor or lactation consultant.

`/report` sends the last 14 days at once, with buttons for 7 and 30 (`/report 30` straight
away). The whole build (query, chart, PDF) runs on a worker thread, and the chat shows
"sending a file…" meanwhile. Callback data: `report:<days>`.
"""

from __future__ import annotations

import asyncio
import html
import re
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import buttons
from bot.buttons import REPORT_DAYS, Pressed
from bot.commands import MenuCommand
from bot.domain.chats import ChatSettings
from bot.domain.daybook import local_day, local_day_range
from bot.domain.guideline import BandView, band_decision
from bot.domain.stats import period_summary, summaries
from bot.logbook import sessions_for_days
from bot.services import PumpApplication, PumpContext
from bot.storage.db import Database
from bot.storage.repo import ChatRepo, PlanRepo, SessionRepo
from bot.text.i18n import N_, Translator
from bot.text.reports import band_note
from handlers.common import chat_settings, out_of_date, showing_action
from handlers.stats import draw_chart, user_translator
from scheduler.texts import describe_plan

MENU_COMMANDS = [
    MenuCommand("report", N_("A PDF of your log for your health visitor"), nb_name="rapport"),
]

PERIODS = (7, 14, 30)
DEFAULT_PERIOD = 14


def report_filename(now: datetime, settings: ChatSettings) -> str:
    return f"pumpbot-report-{local_day(now, settings.tz).isoformat()}.pdf"


def plan_in_use(db: Database, settings: ChatSettings) -> str | None:
    """The reminder plan in words, without markup; None when reminders are off or unset."""
    with db.session() as session:
        row = PlanRepo(session).get(settings.id)
    if row is None or not row.enabled or not (row.interval_min or row.times):
        return None
    return html.unescape(re.sub(r"<[^>]+>", "", describe_plan(row, settings.tr)))


def build_report(db: Database, settings: ChatSettings, now: datetime, n_days: int) -> bytes:
    """The PDF of the last `n_days` local days, today included (blocking: run it in a thread)."""
    from bot.text.report_pdf import ReportContent, render_report  # loads fpdf2 on first use

    tr, tz = settings.tr, settings.tz
    today = local_day(now, tz)
    first = today - timedelta(days=n_days - 1)
    with db.session() as session:
        repo = SessionRepo(session, settings.id)
        sessions = sessions_for_days(repo, tz, first, today)
    start = local_day_range(first, tz)[0]
    days = summaries(sessions, tz, first, today)
    period = period_summary(days, today)
    # The guideline band exactly as /week decides it.
    band = band_decision(settings.exclusive_pumping, days, today)
    chart = draw_chart(
        [d.day for d in days],
        [d.total_ml for d in days],
        tr=tr,
        unit=settings.unit,
        today=today,
        show_band=band.view == BandView.COMPARE,
    )
    content = ReportContent(
        days=days,
        period=period,
        today=today,
        noted=[s for s in sessions if s.note and s.started_at >= start],
        plan=plan_in_use(db, settings),
        guideline=band_note(band, tr, settings.unit) or None,
        chart_png=chart,
        made_at=now,
    )
    return render_report(content, tr=tr, unit=settings.unit, tz=tz)


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
        data = await asyncio.to_thread(build_report, services.db, settings, now, n_days)
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
    with context.services.db.session() as session:
        row = ChatRepo(session).get(update.effective_chat.id)
        settings = ChatSettings.of(row) if row is not None else None
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
