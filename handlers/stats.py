"""/week, /month, /chart, /history, /export, /exclusive and /forget: the chat's own numbers,
its log, and its right to take the data away or delete it.

Callback data starts with `stats:`. Every id in it is looked up in the pressing chat's own log,
so a forged button finds nothing and changes nothing. Callbacks never create a chat: a button
pressed after /forget must not bring the chat back.
"""

from __future__ import annotations

import asyncio
import logging
import math
from datetime import datetime, timedelta
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Update,
)
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import buttons
from bot.buttons import (
    STATS_CHART,
    STATS_DELETE,
    STATS_ENTRY,
    STATS_EXCLUSIVE,
    STATS_FIX,
    STATS_FORGET,
    STATS_KEEP,
    STATS_PAGE,
    Pressed,
)
from bot.commands import MenuCommand
from bot.domain.chats import ChatSettings
from bot.domain.daybook import local_day
from bot.domain.export import export_csv, export_filename
from bot.domain.guideline import MIN_FULL_DAYS, MIN_SESSIONS_A_DAY, BandView, band_decision
from bot.domain.stats import period_summary, summaries
from bot.groups import may_delete_shared_log
from bot.logbook import LogBook, sessions_for_days
from bot.services import PumpApplication, PumpContext
from bot.storage.db import Database
from bot.storage.models import PumpSession
from bot.storage.repo import ChatRepo, SessionRepo
from bot.text.formatting import format_volume
from bot.text.i18n import N_, Translator, language_for, translator
from bot.text.reports import (
    band_note,
    band_text,
    entry_label,
    entry_text,
    period_text,
)
from handlers.common import (
    chat_settings,
    edit_tapped,
    out_of_date,
    showing_action,
    update_chat,
)
from handlers.logging import send_fix_prompt

log = logging.getLogger(__name__)

MENU_COMMANDS = [
    MenuCommand("week", N_("Your last 7 days, day by day"), nb_name="uke"),
    MenuCommand("month", N_("Your last 30 days, day by day"), nb_name="maned"),
    MenuCommand("chart", N_("A chart of your daily totals"), nb_name="graf"),
    MenuCommand("history", N_("Your log: delete or fix an entry"), nb_name="historikk"),
    MenuCommand("exclusive", N_("Tell me whether you pump exclusively"), nb_name="fullpumping"),
    MenuCommand("export", N_("Download your log as a CSV file"), nb_name="eksport"),
    MenuCommand("forget", N_("Delete all your data"), nb_name="slett"),
]

WEEK, MONTH = 7, 30
HISTORY_PAGE = 8


async def existing_settings(update: Update, context: PumpContext) -> ChatSettings | None:
    """The chat's settings if the chat is known; otherwise answer the button and return None."""
    with context.services.db.session() as session:
        row = ChatRepo(session).get(update.effective_chat.id)
        settings = ChatSettings.of(row) if row is not None else None
    if settings is None:
        await out_of_date(update.callback_query, user_translator(update, context))
    return settings


def user_translator(update: Update, context: PumpContext) -> Translator:
    user = update.effective_user
    code = user.language_code if user else None
    return translator(language_for(code, context.services.config.default_language))


# -- numbers per day -----------------------------------------------------------------------------


def period_report(db: Database, settings: ChatSettings, now: datetime, n_days: int) -> str:
    """The /week or /month reply: the last `n_days` local days, today included."""
    tz = settings.tz
    today = local_day(now, tz)
    first = today - timedelta(days=n_days - 1)
    with db.session() as session:
        sessions = sessions_for_days(SessionRepo(session, settings.id), tz, first, today)
    days = summaries(sessions, tz, first, today)
    return period_text(
        period_summary(days, today),
        settings.tr,
        settings.unit,
        tz,
        today=today,
        band=band_decision(settings.exclusive_pumping, days, today),
    )


def chart_button(tr: Translator, n_days: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(tr._("📈 Chart"), callback_data=STATS_CHART.data(n_days))]]
    )


async def show_week(update: Update, context: PumpContext) -> None:
    """The last 7 days, a row per day, and a summary."""
    await show_period(update, context, WEEK)


async def show_month(update: Update, context: PumpContext) -> None:
    """The last 30 days, a row per day, and a summary."""
    await show_period(update, context, MONTH)


async def show_period(update: Update, context: PumpContext, n_days: int) -> None:
    settings = chat_settings(update, context)
    services = context.services
    # A month of a busy log is tens of milliseconds of queries and sums: off the event loop.
    text = await asyncio.to_thread(
        period_report, services.db, settings, services.clock.now(), n_days
    )
    await update.effective_message.reply_text(text, reply_markup=chart_button(settings.tr, n_days))


# -- the chart -----------------------------------------------------------------------------------


def draw_chart(*args: Any, **kwargs: Any) -> bytes:
    """`bot.text.charts.render_daily_chart`, imported on the first chart: matplotlib takes over half
    a second to import, which every start of the bot paid before anyone asked for a chart."""
    from bot.text.charts import render_daily_chart

    return render_daily_chart(*args, **kwargs)


async def chart_photo(
    db: Database, settings: ChatSettings, now: datetime, n_days: int
) -> tuple[bytes, str, InlineKeyboardMarkup]:
    """The PNG, its caption and the button that switches between 7 and 30 days.

    The query, the sums and the render (a few hundred milliseconds of CPU) run on a worker
    thread, so other chats' updates go on meanwhile."""
    return await asyncio.to_thread(chart_parts, db, settings, now, n_days)


def chart_parts(
    db: Database, settings: ChatSettings, now: datetime, n_days: int
) -> tuple[bytes, str, InlineKeyboardMarkup]:
    tr, tz = settings.tr, settings.tz
    today = local_day(now, tz)
    first = today - timedelta(days=n_days - 1)
    with db.session() as session:
        sessions = sessions_for_days(SessionRepo(session, settings.id), tz, first, today)
    days = summaries(sessions, tz, first, today)
    band = band_decision(settings.exclusive_pumping, days, today)
    png = draw_chart(
        [d.day for d in days],
        [d.total_ml for d in days],
        tr=tr,
        unit=settings.unit,
        today=today,
        show_band=band.view == BandView.COMPARE,
    )
    period = period_summary(days, today)
    if period.daily_average_ml is not None:
        caption = tr.ngettext(
            "Daily average: {average} (over {n} full day with logs)",
            "Daily average: {average} (over {n} full days with logs)",
            period.full_days_with_logs,
            average=format_volume(period.daily_average_ml, settings.unit, tr.locale),
        )
    else:
        caption = tr._("No full day logged in this period yet.")
    note = band_note(band, tr, settings.unit)
    if note:
        caption += "\n\n" + note
    other = MONTH if n_days == WEEK else WEEK
    label = tr.ngettext("Show {n} day", "Show {n} days", other)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=STATS_CHART.data(other))]]
    )
    return png, caption, keyboard


async def show_chart(update: Update, context: PumpContext) -> None:
    """`/chart` (7 days) or `/chart 30`: daily totals as a picture."""
    settings = chat_settings(update, context)
    n_days = MONTH if (context.args or [""])[0] == str(MONTH) else WEEK
    services = context.services
    async with showing_action(context, settings.id, ChatAction.UPLOAD_PHOTO):
        png, caption, keyboard = await chart_photo(
            services.db, settings, services.clock.now(), n_days
        )
        await update.effective_message.reply_photo(
            png, caption=caption, reply_markup=keyboard, filename="chart.png"
        )


async def on_chart_button(update: Update, context: PumpContext, n_days: int) -> None:
    """Under /week or /month: send the chart. Under a chart: switch it to the other length."""
    query = update.callback_query
    settings = await existing_settings(update, context)
    if settings is None:
        return
    if n_days not in (WEEK, MONTH):
        await out_of_date(query, settings.tr)
        return
    await query.answer()
    async with showing_action(context, settings.id, ChatAction.UPLOAD_PHOTO):
        await send_chart(update, context, settings, n_days)


async def send_chart(
    update: Update, context: PumpContext, settings: ChatSettings, n_days: int
) -> None:
    """A new chart under /week or /month; under a chart, the chart itself switches."""
    query = update.callback_query
    services = context.services
    png, caption, keyboard = await chart_photo(services.db, settings, services.clock.now(), n_days)
    if query.message is not None and getattr(query.message, "photo", None):
        await query.edit_message_media(
            InputMediaPhoto(png, caption=caption, filename="chart.png"), reply_markup=keyboard
        )
    else:
        await update.effective_message.reply_photo(
            png, caption=caption, reply_markup=keyboard, filename="chart.png"
        )


# -- history -------------------------------------------------------------------------------------


def history_view(
    db: Database, settings: ChatSettings, page: int, notice: str = ""
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of the log, newest first, each entry a button; previous/next below."""
    tr, tz = settings.tr, settings.tz
    with db.session() as session:
        repo = SessionRepo(session, settings.id)
        total = repo.count()
        pages = max(1, math.ceil(total / HISTORY_PAGE))
        page = min(max(page, 0), pages - 1)
        entries = list(repo.newest_first(page * HISTORY_PAGE, HISTORY_PAGE))
    head = notice + "\n\n" if notice else ""
    if not entries:
        return head + tr._("Nothing logged yet."), None
    text = head + tr._(
        "Your log, newest first (page {page} of {pages}). Tap an entry to delete or fix it.",
        page=page + 1,
        pages=pages,
    )
    rows = [
        [
            InlineKeyboardButton(
                entry_label(entry, tr, settings.unit, tz),
                callback_data=STATS_ENTRY.data(entry.id, page),
            )
        ]
        for entry in entries
    ]
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton(tr._("‹ Newer"), callback_data=STATS_PAGE.data(page - 1)))
    if page < pages - 1:
        nav.append(InlineKeyboardButton(tr._("Older ›"), callback_data=STATS_PAGE.data(page + 1)))
    if nav:
        rows.append(nav)
    return text, InlineKeyboardMarkup(rows)


async def show_history(update: Update, context: PumpContext) -> None:
    """The log, a page at a time."""
    settings = chat_settings(update, context)
    text, keyboard = history_view(context.services.db, settings, 0)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


def find_entry(db: Database, chat_id: int, entry_id: int) -> PumpSession | None:
    """The entry, if it is in this chat's log (a forged id from another chat finds nothing)."""
    with db.session() as session:
        return SessionRepo(session, chat_id).get(entry_id)


async def on_history_button(update: Update, context: PumpContext, pressed: Pressed) -> None:
    """Paging, opening an entry, deleting it, or asking how to fix it."""
    query = update.callback_query
    settings = await existing_settings(update, context)
    if settings is None:
        return
    tr = settings.tr
    db = context.services.db
    if pressed.button is STATS_PAGE:
        text, keyboard = history_view(db, settings, pressed.values[0])
        await query.answer()
        await edit_tapped(query, text, keyboard)
        return
    entry_id, page = pressed.values
    entry = find_entry(db, settings.id, entry_id)
    if entry is None:
        await query.answer(tr._("That entry isn't in this chat's log (any more)."))
        return
    if pressed.button is STATS_ENTRY:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        tr._("🗑 Delete"), callback_data=STATS_DELETE.data(entry_id, page)
                    ),
                    InlineKeyboardButton(
                        tr._("✏️ Fix"), callback_data=STATS_FIX.data(entry_id, page)
                    ),
                ],
                [
                    InlineKeyboardButton(
                        tr._("‹ Back to the list"), callback_data=STATS_PAGE.data(page)
                    )
                ],
            ]
        )
        await query.answer()
        await edit_tapped(query, entry_text(entry, tr, settings.unit, settings.tz), keyboard)
    elif pressed.button is STATS_DELETE:
        await delete_entry(update, context, settings, entry, page)
    else:
        await offer_fix(update, context, settings, entry)


async def delete_entry(
    update: Update, context: PumpContext, settings: ChatSettings, entry: PumpSession, page: int
) -> None:
    tr, entry_id = settings.tr, entry.id
    assert entry_id is not None
    label = entry_label(entry, tr, settings.unit, settings.tz)
    async with LogBook(context.application, settings) as book:
        book.remove(entry_id)
        text, keyboard = history_view(
            context.services.db, settings, page, notice=tr._("Deleted: {entry}.", entry=label)
        )
        await update.callback_query.answer(tr._("Deleted."))
        await edit_tapped(update.callback_query, text, keyboard)


async def offer_fix(
    update: Update, context: PumpContext, settings: ChatSettings, entry: PumpSession
) -> None:
    """Fixing an entry from /history: logging's own time-fixing confirmation for it."""
    await update.callback_query.answer()
    if entry.id is None or not await send_fix_prompt(context, settings, entry.id):
        await update.effective_message.reply_text(
            settings.tr._("That session is no longer in the log.")
        )


# -- export --------------------------------------------------------------------------------------


def export_data(db: Database, settings: ChatSettings) -> tuple[list[PumpSession], bytes]:
    with db.session() as session:
        entries = list(SessionRepo(session, settings.id).all())
    return entries, export_csv(entries, settings.tz, settings.language) if entries else b""


async def send_export(update: Update, context: PumpContext) -> None:
    """The whole log as a CSV document."""
    settings = chat_settings(update, context)
    tr = settings.tr
    services = context.services
    # The whole log, read and written out on a worker thread: a year is over 100 ms.
    entries, data = await asyncio.to_thread(export_data, services.db, settings)
    if not entries:
        await update.effective_message.reply_text(tr._("There's nothing to export yet."))
        return
    caption = tr.ngettext(
        "Your log: {n} session, times in your time zone ({zone}), amounts in millilitres.",
        "Your log: {n} sessions, times in your time zone ({zone}), amounts in millilitres.",
        len(entries),
        zone=settings.timezone,
    )
    await update.effective_message.reply_document(
        data, filename=export_filename(services.clock.now(), settings.tz), caption=caption
    )


# -- exclusive pumping ---------------------------------------------------------------------------


def exclusive_keyboard(settings: ChatSettings) -> InlineKeyboardMarkup:
    tr = settings.tr
    yes, no = tr._("Yes, I pump exclusively"), tr._("No, not exclusively")
    mark = "✓ "
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    (mark if settings.exclusive_pumping else "") + yes,
                    callback_data=STATS_EXCLUSIVE.data(1),
                )
            ],
            [
                InlineKeyboardButton(
                    ("" if settings.exclusive_pumping else mark) + no,
                    callback_data=STATS_EXCLUSIVE.data(0),
                )
            ],
        ]
    )


async def ask_exclusive(update: Update, context: PumpContext) -> None:
    """Ask whether pumped milk is all the breast milk the baby gets."""
    settings = chat_settings(update, context)
    tr = settings.tr
    # TRANSLATORS: source: pumping-guide-nb.txt: "Barnets behov for morsmelk øker gradvis"
    # TRANSLATORS: source: pumping-guide-nb.txt: "Fram til barnet er seks måneder"
    # TRANSLATORS: source: pumping-guide-nb.txt: "Det kalles fullamming selv om du fullpumper"
    text = tr._(
        "Do you pump exclusively, so that pumped milk is all the breast milk your baby gets? "
        "Then /week, /month and /chart also show the {band} a day that such a baby usually "
        "takes, for comparison. If your baby also feeds at the breast, that band says "
        "nothing about your milk, so I leave it out.",
        band=guideline_band(settings),
    )
    await update.effective_message.reply_text(text, reply_markup=exclusive_keyboard(settings))


def guideline_band(settings: ChatSettings) -> str:
    return band_text(settings.tr, settings.unit)


async def on_exclusive_button(update: Update, context: PumpContext, value: int) -> None:
    query = update.callback_query
    settings = await existing_settings(update, context)
    if settings is None:
        return
    if value not in (0, 1):
        await out_of_date(query, settings.tr)
        return
    settings = update_chat(context, settings.id, exclusive_pumping=value == 1)
    tr = settings.tr
    if settings.exclusive_pumping:
        # TRANSLATORS: source: pumping-guide-nb.txt: "Barnets behov for morsmelk øker gradvis"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Fram til barnet er seks måneder"
        text = tr._(
            "Noted: you pump exclusively. Once a week holds {days} finished days with at "
            "least {sessions} logged sessions each, /week, /month and /chart compare your "
            "daily amount with the {band} band.",
            band=guideline_band(settings),
            days=MIN_FULL_DAYS,
            sessions=MIN_SESSIONS_A_DAY,
        )
    else:
        text = tr._("Noted: you don't pump exclusively, so I leave the guideline band out.")
    await query.answer()
    await edit_tapped(query, text, exclusive_keyboard(settings))


# -- forget --------------------------------------------------------------------------------------


def admins_only_text(tr: Translator) -> str:
    return tr._(
        "In a group, only an admin can delete the shared log, since it belongs to everyone "
        "here. Ask one of the group's admins to send /forget. Nothing was deleted."
    )


async def may_forget(update: Update, context: PumpContext) -> bool:
    message = update.effective_message
    return await may_delete_shared_log(
        context.bot,
        update.effective_chat,
        update.effective_user,
        message.sender_chat if message is not None else None,
    )


async def ask_forget(update: Update, context: PumpContext) -> None:
    """Say what /forget deletes, and ask for a tap to confirm (in a group, only an admin)."""
    settings = chat_settings(update, context)
    tr = settings.tr
    if not await may_forget(update, context):
        await update.effective_message.reply_text(admins_only_text(tr))
        return
    with context.services.db.session() as session:
        count = SessionRepo(session, settings.id).count()
    text = (
        tr.ngettext(
            "This deletes everything I keep for this chat: {n} logged session, the settings, "
            "plans and reminders.",
            "This deletes everything I keep for this chat: {n} logged sessions, the settings, "
            "plans and reminders.",
            count,
        )
        + " "
        + tr._("It can't be undone. Want a copy first? Use /export.")
    )
    user_id = update.effective_user.id if update.effective_user else 0
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr._("Delete everything"), callback_data=STATS_FORGET.data(user_id)
                )
            ],
            [InlineKeyboardButton(tr._("Keep my data"), callback_data=STATS_KEEP.data())],
        ]
    )
    await update.effective_message.reply_text(text, reply_markup=keyboard)


async def forget_chat(application: PumpApplication, chat_id: int) -> dict[str, int]:
    """Delete every row of the chat, then let each feature drop what it holds in memory."""
    services = application.bot_data["services"]
    with services.db.session() as session:
        deleted = ChatRepo(session).forget(chat_id)
    await services.chat_forgotten(application, chat_id)
    # Features remove their own jobs in their hooks; a job still tied to the chat after that
    # would run for a chat that no longer exists.
    if application.job_queue is not None:
        for job in application.job_queue.jobs():
            if job.chat_id == chat_id:
                log.warning("Removing job %s left behind after /forget", job.name)
                job.schedule_removal()
    application.drop_chat_data(chat_id)
    return deleted


async def on_forget_button(update: Update, context: PumpContext, pressed: Pressed) -> None:
    query = update.callback_query
    chat_id = update.effective_chat.id
    # The language is read before the rows go; replying must not create the chat again.
    with context.services.db.session() as session:
        row = ChatRepo(session).get(chat_id)
        tr = translator(row.language) if row is not None else user_translator(update, context)
    if pressed.button is STATS_KEEP:
        await query.answer()
        await edit_tapped(query, tr._("Nothing was deleted."))
        return
    if pressed.values[0] != query.from_user.id:
        await query.answer(tr._("Only the person who asked can confirm this."), show_alert=True)
        return
    if row is None:
        await query.answer()
        await edit_tapped(query, tr._("There's nothing of this chat left to delete."))
        return
    if not await may_forget(update, context):  # asked again: admins change
        await query.answer(admins_only_text(tr), show_alert=True)
        return
    await forget_chat(context.application, chat_id)
    await query.answer()
    await edit_tapped(
        query,
        tr._(
            "Done. I've deleted everything I kept for this chat: logs, settings, plans and "
            "reminders. If you write to me again, I'll start afresh."
        ),
    )


# -- wiring --------------------------------------------------------------------------------------


async def on_button(update: Update, context: PumpContext) -> None:
    """Every `stats:` button."""
    pressed = buttons.parse(update.callback_query.data)
    match pressed:
        case Pressed(buttons.STATS_CHART, (n_days,)):
            await on_chart_button(update, context, n_days)
        case Pressed(button) if button in (STATS_PAGE, STATS_ENTRY, STATS_DELETE, STATS_FIX):
            await on_history_button(update, context, pressed)
        case Pressed(buttons.STATS_EXCLUSIVE, (value,)):
            await on_exclusive_button(update, context, value)
        case Pressed(button) if button in (STATS_FORGET, STATS_KEEP):
            await on_forget_button(update, context, pressed)
        case _:
            await out_of_date(update.callback_query, user_translator(update, context))


def register(application: PumpApplication) -> None:
    application.add_handler(CommandHandler(["week", "uke"], show_week))
    application.add_handler(CommandHandler(["month", "maned"], show_month))
    application.add_handler(CommandHandler(["chart", "graf"], show_chart))
    application.add_handler(CommandHandler(["history", "historikk"], show_history))
    application.add_handler(CommandHandler(["export", "eksport"], send_export))
    application.add_handler(CommandHandler(["exclusive", "fullpumping"], ask_exclusive))
    application.add_handler(CommandHandler(["forget", "slett"], ask_forget))
    application.add_handler(CallbackQueryHandler(on_button, pattern=buttons.pattern("stats")))
