"""/history: the log a page at a time, newest first; tap an entry to delete it or fix its time.

Every id in a button is looked up in the tapping chat's own log, so a forged button finds
nothing and changes nothing; deleting goes through `bot.logbook.LogBook` like every change,
and fixing opens logging's own time-fixing confirmation. A button never creates a chat.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import buttons
from bot.buttons import STATS_DELETE, STATS_ENTRY, STATS_FIX, STATS_PAGE
from bot.commands import MenuCommand
from bot.confirming import send_fix_prompt
from bot.domain.chats import ChatSettings
from bot.logbook import LogBook
from bot.logviews import get_entry, history_page
from bot.services import PumpApplication, PumpContext
from bot.storage.db import Database
from bot.storage.models import PumpSession
from bot.text.i18n import N_
from bot.text.reports import entry_label, entry_text
from handlers.common import (
    chat_settings,
    edit_tapped,
    tap_in_known_chat,
)

MENU_COMMANDS = [
    MenuCommand("history", N_("Your log: delete or fix an entry"), nb_name="historikk"),
]


def history_view(
    db: Database, settings: ChatSettings, page: int, notice: str = ""
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of the log, each entry a button; newer/older below."""
    tr = settings.tr
    shown = history_page(db, settings.id, page)
    head = notice + "\n\n" if notice else ""
    if not shown.entries:
        return head + tr._("Nothing logged yet."), None
    text = head + tr._(
        "Your log, newest first (page {page} of {pages}). Tap an entry to delete or fix it.",
        page=shown.page + 1,
        pages=shown.pages,
    )
    rows = [
        [
            InlineKeyboardButton(
                entry_label(entry, tr, settings.unit, settings.tz),
                callback_data=STATS_ENTRY.data(entry.id, shown.page),
            )
        ]
        for entry in shown.entries
    ]
    nav = []
    if shown.page > 0:
        newer = STATS_PAGE.data(shown.page - 1)
        nav.append(InlineKeyboardButton(tr._("‹ Newer"), callback_data=newer))
    if shown.page < shown.pages - 1:
        older = STATS_PAGE.data(shown.page + 1)
        nav.append(InlineKeyboardButton(tr._("Older ›"), callback_data=older))
    if nav:
        rows.append(nav)
    return text, InlineKeyboardMarkup(rows)


def entry_keyboard(settings: ChatSettings, entry_id: int, page: int) -> InlineKeyboardMarkup:
    tr = settings.tr
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr._("🗑 Delete"), callback_data=STATS_DELETE.data(entry_id, page)
                ),
                InlineKeyboardButton(tr._("✏️ Fix"), callback_data=STATS_FIX.data(entry_id, page)),
            ],
            [InlineKeyboardButton(tr._("‹ Back to the list"), callback_data=STATS_PAGE.data(page))],
        ]
    )


async def show_history(update: Update, context: PumpContext) -> None:
    """The log, a page at a time."""
    settings = chat_settings(update, context)
    text, keyboard = history_view(context.services.db, settings, 0)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


async def on_history_button(update: Update, context: PumpContext) -> None:
    """Paging, opening an entry, deleting it, or asking how to fix it."""
    query = update.callback_query
    if (tap := await tap_in_known_chat(update, context)) is None:
        return
    settings, pressed = tap
    tr, db = settings.tr, context.services.db
    if pressed.button is STATS_PAGE:
        text, keyboard = history_view(db, settings, pressed.values[0])
        await query.answer()
        await edit_tapped(query, text, keyboard)
        return
    entry_id, page = pressed.values
    entry = get_entry(db, settings.id, entry_id)
    if entry is None:
        await query.answer(tr._("That entry isn't in this chat's log (any more)."))
    elif pressed.button is STATS_ENTRY:
        await query.answer()
        text = entry_text(entry, tr, settings.unit, settings.tz)
        await edit_tapped(query, text, entry_keyboard(settings, entry_id, page))
    elif pressed.button is STATS_DELETE:
        await delete_entry(update, context, settings, entry, page)
    else:
        await offer_fix(update, context, settings, entry)


async def delete_entry(
    update: Update, context: PumpContext, settings: ChatSettings, entry: PumpSession, page: int
) -> None:
    tr, query = settings.tr, update.callback_query
    label = entry_label(entry, tr, settings.unit, settings.tz)
    async with LogBook(context.application, settings) as book:
        removed = book.remove(entry.id or 0)
        notice = tr._("Deleted: {entry}.", entry=label)
        if removed is not None and removed.milk_text:
            notice += "\n" + removed.milk_text
        text, keyboard = history_view(context.services.db, settings, page, notice=notice)
        await query.answer(tr._("Deleted."))
        await edit_tapped(query, text, keyboard)


async def offer_fix(
    update: Update, context: PumpContext, settings: ChatSettings, entry: PumpSession
) -> None:
    """Fixing an entry from /history: logging's own time-fixing confirmation for it."""
    await update.callback_query.answer()
    if entry.id is None or not await send_fix_prompt(context, settings, entry.id):
        await update.effective_message.reply_text(
            settings.tr._("That session is no longer in the log.")
        )


def register(application: PumpApplication) -> None:
    application.add_handler(CommandHandler(["history", "historikk"], show_history))
    taps = buttons.pattern("stats", STATS_PAGE, STATS_ENTRY, STATS_DELETE, STATS_FIX)
    application.add_handler(CallbackQueryHandler(on_history_button, pattern=taps))
