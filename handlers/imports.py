"""Importing a log from a CSV file sent as a document, and /import, which says how.

A file gets a preview (what is in it, what a tap would add, the lines that can't be read) with
Import and Cancel buttons; only the person who sent it can confirm. The tap fetches the file
again from Telegram (nothing from it waits in the database meanwhile), reads it and writes its
new rows in one transaction, on a worker thread, so thousands of rows hold up no other chat.
The result has an undo button (in a group, for admins only). While it works the chat shows
"typing…".

Buttons: `bot.buttons.IMPORT_GO`, `IMPORT_CANCEL`, `IMPORT_UNDO`, with the import's id, looked
up in the tapping chat's own imports.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import buttons
from bot.buttons import IMPORT_CANCEL, IMPORT_GO, IMPORT_UNDO
from bot.commands import MenuCommand
from bot.domain.chats import ChatSettings
from bot.domain.imports import (
    FileKind,
    ImportFile,
    ImportRefused,
    Refusal,
    check_document,
    read_import,
)
from bot.groups import may_delete_shared_log
from bot.importing import cancel_import, get_import, start_import
from bot.logbook import LogBook
from bot.services import PumpApplication, PumpContext
from bot.storage.models import ImportBatch, ImportStatus
from bot.text.i18n import N_, Translator
from bot.text.imports import (
    help_text,
    import_button_label,
    imported_feeds_text,
    imported_text,
    preview_text,
    refusal_text,
    undone_feeds_text,
    undone_text,
)
from handlers.common import (
    chat_settings,
    edit_tapped,
    known_chat_settings,
    out_of_date,
    showing_action,
    user_translator,
)

log = logging.getLogger(__name__)

MENU_COMMANDS = [
    MenuCommand("import", N_("Bring in your log from a CSV file"), nb_name="importer"),
]


class FetchFailed(Exception):
    """Telegram would not hand over the file."""


async def fetch(context: PumpContext, file_id: str) -> bytes:
    try:
        telegram_file = await context.bot.get_file(file_id)
        return bytes(await telegram_file.download_as_bytearray())
    except TelegramError as error:
        log.warning("could not fetch a file to import: %s", type(error).__name__)
        raise FetchFailed from error


def sender_name(update: Update) -> str | None:
    user = update.effective_user
    return user.full_name if user else None


async def show_help(update: Update, context: PumpContext) -> None:
    """/import: what files work, the limits, and how confirming and undoing go."""
    settings = chat_settings(update, context)
    await update.effective_message.reply_text(help_text(settings.tr))


async def on_document(update: Update, context: PumpContext) -> None:
    """A file: read it and show what importing it would do."""
    message = update.effective_message
    document = message.document
    settings = chat_settings(update, context)
    tr = settings.tr
    try:
        check_document(document.file_name, document.mime_type, document.file_size)
    except ImportRefused as refused:
        # A family group shares photos and papers: only a private chat hears that a file
        # isn't one to import.
        if refused.reason is not Refusal.TOO_LARGE and message.chat.type != ChatType.PRIVATE:
            return
        await message.reply_text(refusal_text(refused, tr))
        return
    services = context.services
    now = services.clock.now()
    async with showing_action(context, settings.id, ChatAction.TYPING):
        try:
            data = await fetch(context, document.file_id)
            parsed = await asyncio.to_thread(read_import, data, settings.tz, now)
        except FetchFailed:
            await message.reply_text(fetch_failed_text(tr))
            return
        except ImportRefused as refused:
            await message.reply_text(refusal_text(refused, tr))
            return
        batch, outcome = await asyncio.to_thread(
            start_import,
            services.db,
            settings,
            parsed,
            requested_by_id=update.effective_user.id if update.effective_user else 0,
            file_id=document.file_id,
            file_name=document.file_name,
            now=now,
        )
        text = preview_text(
            parsed,
            outcome.new,
            outcome.already_logged,
            file_name=document.file_name,
            tr=tr,
            unit=settings.unit,
            tz=settings.tz,
            zone_name=settings.timezone,
            new_feeds=outcome.new_feeds,
            feeds_already=outcome.feeds_already,
        )
        keyboard = None
        if outcome.count:
            feeds = parsed.kind is FileKind.BABY_BUDDY_FEEDINGS
            keyboard = confirm_keyboard(batch.id or 0, outcome.count, tr, feeds=feeds)
        else:
            cancel_import(services.db, settings, batch.id or 0)
        await message.reply_text(text, reply_markup=keyboard)


def fetch_failed_text(tr: Translator) -> str:
    return tr._("I couldn't fetch the file from Telegram. Please send it again.") + (
        " " + tr._("Nothing was imported.")
    )


def confirm_keyboard(
    import_id: int, count: int, tr: Translator, *, feeds: bool = False
) -> InlineKeyboardMarkup:
    label = import_button_label(count, tr, feeds=feeds)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label, callback_data=IMPORT_GO.data(import_id)),
                InlineKeyboardButton(tr._("Cancel"), callback_data=IMPORT_CANCEL.data(import_id)),
            ]
        ]
    )


def undo_keyboard(import_id: int, tr: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr._("↩️ Undo this import"), callback_data=IMPORT_UNDO.data(import_id)
                )
            ]
        ]
    )


async def senders_pending_import(
    context: PumpContext,
    query: CallbackQuery,
    settings: ChatSettings,
    batch_id: int,
    not_yours: str,
) -> ImportBatch | None:
    """The import awaiting its sender's tap; None, once the tap is answered, if it is no longer
    pending (out of date) or someone else tapped (`not_yours`)."""
    batch = get_import(context.services.db, settings.id, batch_id)
    if batch is None or batch.status != ImportStatus.PENDING:
        await out_of_date(query, settings.tr)
        return None
    if query.from_user.id != batch.requested_by_id:
        await query.answer(not_yours, show_alert=True)
        return None
    return batch


async def confirm(
    update: Update, context: PumpContext, settings: ChatSettings, batch_id: int
) -> None:
    """The sender's tap on Import: fetch and read the file again, then write its new rows."""
    query = update.callback_query
    tr = settings.tr
    services = context.services
    not_yours = tr._("Only the person who sent the file can import it.")
    batch = await senders_pending_import(context, query, settings, batch_id, not_yours)
    if batch is None:
        return
    await query.answer()
    now = services.clock.now()
    async with showing_action(context, settings.id, ChatAction.TYPING):
        try:
            data = await fetch(context, batch.file_id)
            parsed: ImportFile = await asyncio.to_thread(read_import, data, settings.tz, now)
        except FetchFailed:
            cancel_import(services.db, settings, batch_id)
            await edit_tapped(query, fetch_failed_text(tr))
            return
        except ImportRefused as refused:  # the same file read the same way: only if it changed
            cancel_import(services.db, settings, batch_id)
            await edit_tapped(query, refusal_text(refused, tr))
            return
        # Shown before the book announces the change, so no nudge comes first.
        async with LogBook(context.application, settings) as book:
            outcome = await asyncio.to_thread(
                book.add_import,
                batch_id,
                parsed,
                logged_by_id=query.from_user.id,
                logged_by_name=sender_name(update),
            )
            if outcome is None:  # a second tap won the race
                return
            if parsed.kind is FileKind.BABY_BUDDY_FEEDINGS:
                text = imported_feeds_text(
                    outcome.new_feeds, outcome.feeds_already, tr, settings.unit, settings.tz
                )
            else:
                text = imported_text(
                    outcome.new, outcome.already_logged, tr, settings.unit, settings.tz
                )
            keyboard = undo_keyboard(batch_id, tr) if outcome.count else None
            await edit_tapped(query, text, keyboard)


async def cancel(
    update: Update, context: PumpContext, settings: ChatSettings, batch_id: int
) -> None:
    query = update.callback_query
    tr = settings.tr
    not_yours = tr._("Only the person who sent the file can cancel it.")
    if await senders_pending_import(context, query, settings, batch_id, not_yours) is None:
        return
    cancel_import(context.services.db, settings, batch_id)
    await query.answer()
    await edit_tapped(query, tr._("Cancelled. Nothing was imported."))


async def undo(update: Update, context: PumpContext, settings: ChatSettings, batch_id: int) -> None:
    """Take a whole import out of the log again. In a group that deletes entries of the shared
    log, so there it takes an admin, as /forget does (`bot.groups.may_delete_shared_log`)."""
    query = update.callback_query
    tr = settings.tr
    services = context.services
    batch = get_import(services.db, settings.id, batch_id)
    if batch is None or batch.status != ImportStatus.IMPORTED:
        await out_of_date(query, tr)
        return
    if not await may_delete_shared_log(context.bot, update.effective_chat, query.from_user):
        await query.answer(
            tr._(
                "In a group, only an admin can undo an import, since the entries are in "
                "everyone's log. Nothing was removed."
            ),
            show_alert=True,
        )
        return
    async with LogBook(context.application, settings) as book:
        removed = await asyncio.to_thread(book.remove_import, batch_id)
        if removed is None:
            await out_of_date(query, tr)
            return
        await query.answer()
        text = (
            undone_feeds_text(removed.feeds, tr)
            if removed.feeds
            else undone_text(removed.count, tr)
        )
        if removed.milk_text:
            text += "\n" + removed.milk_text
        await edit_tapped(query, text)


ACTIONS = {IMPORT_GO: confirm, IMPORT_CANCEL: cancel, IMPORT_UNDO: undo}


async def on_button(update: Update, context: PumpContext) -> None:
    """Every `imp:` button."""
    query = update.callback_query
    settings = known_chat_settings(update, context)
    pressed = buttons.parse(query.data)
    if settings is None or pressed is None or pressed.button not in ACTIONS:
        tr = settings.tr if settings is not None else user_translator(update, context)
        await out_of_date(query, tr)
        return
    await ACTIONS[pressed.button](update, context, settings, *pressed.values)


def register(application: PumpApplication) -> None:
    application.add_handler(CommandHandler(["import", "importer"], show_help))
    application.add_handler(MessageHandler(filters.Document.ALL, on_document))
    application.add_handler(CallbackQueryHandler(on_button, pattern=buttons.pattern("imp")))
