"""Logging sessions by message: plain text, /log, edits, Undo and Fix time, /today, /last.

The parsing and the wording live in `bot/domain/parsing.py` and `bot/logbook.py`, and every
change goes through `bot.logbook.LogBook`; this module reads updates, calls them, and shows the
result. `store_and_confirm` is the one way to log a new session and show its confirmation
(with Undo and Fix time); a reminder's "log now" calls it too.
"""

from __future__ import annotations

import contextlib
import logging
import re
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ChatType
from telegram.error import ChatMigrated, Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import buttons
from bot.buttons import LOG_DONE, LOG_FIX, LOG_SHIFT, LOG_UNDO, Pressed
from bot.commands import MenuCommand
from bot.domain.chats import ChatSettings
from bot.domain.parsing import LogProblem, ParsedLog, parse_log, parse_time
from bot.groups import move_chat
from bot.inbox import settle
from bot.logbook import (
    LogBook,
    Logged,
    MoveRefused,
    confirmation_for,
    edit_refusal_text,
    entry_for_confirmation,
    entry_for_source,
    examples_text,
    get_entry,
    last_text,
    problem_text,
    refusal_text,
    saved_note,
    says,
    set_confirmation,
    today_text,
    when_phrase,
)
from bot.reachability import transport_failure
from bot.services import PumpApplication, PumpContext
from bot.storage.models import PumpSession
from bot.text.formatting import format_minutes
from bot.text.i18n import N_, Translator
from handlers.common import (
    chat_settings,
    command_as_typed,
    out_of_date,
    refused_arguments,
    unchanged_is_fine,
)
from handlers.stash import store_buttons

log = logging.getLogger(__name__)

MENU_COMMANDS = [
    MenuCommand("log", N_("Log a session, like /log 120 or /log L 60 R 70"), nb_name="logg"),
    MenuCommand("today", N_("Today's sessions and totals"), nb_name="idag"),
    MenuCommand("last", N_("The latest session"), nb_name="siste"),
    MenuCommand("undo", N_("Remove the entry logged last"), nb_name="angre"),
]

LOG_COMMANDS = ("log", "logg")
LOG_COMMAND = re.compile(r"^/(?:log|logg)(?:@\w+)?(?=\s|$)", re.IGNORECASE)
SHIFTS = (-15, -30, -60, 15)


# -- keyboards -----------------------------------------------------------------------------


def confirmation_keyboard(entry_id: int, tr: Translator) -> InlineKeyboardMarkup:
    """Undo and Fix time, and the two that put the session's milk in the stash."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("↩️ " + tr._("Undo"), callback_data=LOG_UNDO.data(entry_id)),
                InlineKeyboardButton(
                    "🕘 " + tr._("Fix time"), callback_data=LOG_FIX.data(entry_id)
                ),
            ],
            store_buttons(entry_id, tr),
        ]
    )


def shift_label(minutes: int, tr: Translator) -> str:
    return ("+" if minutes > 0 else "−") + format_minutes(abs(minutes), tr)


def fix_time_keyboard(entry_id: int, tr: Translator) -> InlineKeyboardMarkup:
    shifts = [
        InlineKeyboardButton(shift_label(m, tr), callback_data=LOG_SHIFT.data(entry_id, m))
        for m in SHIFTS
    ]
    return InlineKeyboardMarkup(
        [
            shifts,
            [
                InlineKeyboardButton("↩️ " + tr._("Undo"), callback_data=LOG_UNDO.data(entry_id)),
                InlineKeyboardButton("✔️ " + tr._("Done"), callback_data=LOG_DONE.data(entry_id)),
            ],
        ]
    )


def fix_time_hint(tr: Translator) -> str:
    return tr._(
        "✏️ Tap a change, or reply to this message with the right time, "
        "like <code>14:30</code> or <code>20 min ago</code>."
    )


# -- showing and storing -------------------------------------------------------------------


def written_at(message: Message, now: datetime) -> datetime:
    """When the parent wrote the message: its date, unless the clocks disagree."""
    return min(message.date, now) if message.date else now


def parse_message(
    text: str, message: Message, settings: ChatSettings, now: datetime
) -> ParsedLog | LogProblem:
    return parse_log(text, settings.language, settings.unit, written_at(message, now), settings.tz)


async def store_and_confirm(
    context: PumpContext,
    settings: ChatSettings,
    parsed: ParsedLog,
    *,
    user: User | None = None,
    source: Message | None = None,
) -> PumpSession:
    """Store a session, then confirm it (as a reply to `source`, if given) with Undo and Fix
    time buttons. The entry is written before the confirmation is sent, and kept whether or
    not the confirmation gets through (see `send_confirmation`)."""
    async with LogBook(context.application, settings) as book:
        logged = book.add(
            parsed,
            logged_by_id=user.id if user else None,
            logged_by_name=user.full_name if user else None,
            source_message_id=source.message_id if source else None,
        )
        entry = logged.entry
        assert entry.id is not None
        sent = await send_confirmation(context, settings, logged, source)
        if sent is not None:
            context.services.metrics.confirmed()
            set_confirmation(context.services.db, sent.chat_id, entry.id, sent.message_id)
            entry.confirmation_message_id = sent.message_id
    return entry


async def send_confirmation(
    context: PumpContext, settings: ChatSettings, logged: Logged, source: Message | None
) -> Message | None:
    """Send the confirmation of a stored entry; None if it did not get through.

    The entry is kept whatever happens, so a failure must not end in the error handler's
    "please try again" (the parent would log it twice). A failed send is tried once more, as a
    plain message (the parent may have deleted the one it replied to); if that fails too, a
    short note says the entry was saved. A blocked bot reaches nobody: nothing more is tried.
    While Telegram cannot be reached at all, the second try waits until it answers again.
    """
    entry = logged.entry
    assert entry.id is not None
    keyboard = confirmation_keyboard(entry.id, settings.tr)
    chat_id = settings.id
    try:
        if source is not None:
            return await source.reply_text(logged.text, reply_markup=keyboard)
        return await context.bot.send_message(chat_id, logged.text, reply_markup=keyboard)
    except Forbidden:
        return None
    except ChatMigrated as error:
        # The group became a supergroup: the entry moves with the rest, and is confirmed there.
        await move_chat(context.application, chat_id, error.new_chat_id)
        chat_id = error.new_chat_id
    except TelegramError as error:
        if transport_failure(error):  # Telegram away: told once; the confirmation waits for it
            await context.services.reachability.wait()
        else:
            log.warning("Confirmation for chat %s failed (%s); trying again", chat_id, error)
    try:
        return await context.bot.send_message(chat_id, logged.text, reply_markup=keyboard)
    except TelegramError as error:
        log.warning("Confirmation for chat %s failed again (%s)", chat_id, error)
    note = saved_note(entry, settings, context.services.clock.now())
    try:
        await context.bot.send_message(chat_id, note)
    except TelegramError as error:
        log.error("Chat %s was not told that entry %s was saved (%s)", settings.id, entry.id, error)
    return None


async def show_confirmation(
    context: PumpContext, settings: ChatSettings, logged: Logged, *, fixing: bool = False
) -> None:
    """Update the entry's confirmation in place; send a new one if it cannot be edited."""
    entry = logged.entry
    assert entry.id is not None
    tr = settings.tr
    text = logged.text + ("\n\n" + fix_time_hint(tr) if fixing else "")
    keyboard = (fix_time_keyboard if fixing else confirmation_keyboard)(entry.id, tr)
    if entry.confirmation_message_id is not None:
        try:
            with unchanged_is_fine():
                await context.bot.edit_message_text(
                    text,
                    chat_id=settings.id,
                    message_id=entry.confirmation_message_id,
                    reply_markup=keyboard,
                )
            return
        except TelegramError:
            pass  # too old or deleted: a fresh confirmation below
    sent = await context.bot.send_message(settings.id, text, reply_markup=keyboard)
    set_confirmation(context.services.db, settings.id, entry.id, sent.message_id)


async def send_fix_prompt(context: PumpContext, settings: ChatSettings, entry_id: int) -> bool:
    """A fresh confirmation of an older entry, with the time-fixing buttons (from /history).

    It becomes the entry's confirmation, so its buttons and a reply with a time act on it.
    """
    services = context.services
    logged = confirmation_for(services.db, settings, entry_id, services.clock.now())
    if logged is None:
        return False
    tr = settings.tr
    sent = await context.bot.send_message(
        settings.id,
        logged.text + "\n\n" + fix_time_hint(tr),
        reply_markup=fix_time_keyboard(entry_id, tr),
    )
    set_confirmation(services.db, settings.id, entry_id, sent.message_id)
    return True


async def mark_removed(context: PumpContext, settings: ChatSettings, removed: Logged) -> None:
    """Turn a removed entry's confirmation into the removal note, without buttons."""
    message_id = removed.entry.confirmation_message_id
    if message_id is None:
        return
    # If the confirmation is gone or too old, the reply already says what was removed.
    with contextlib.suppress(TelegramError):
        await context.bot.edit_message_text(
            removed.text, chat_id=settings.id, message_id=message_id
        )


async def log_text(
    update: Update, context: PumpContext, settings: ChatSettings, text: str, *, command: bool
) -> None:
    """Log what a new message says, or say why not."""
    message = update.effective_message
    parsed = parse_message(text, message, settings, context.services.clock.now())
    if isinstance(parsed, LogProblem):
        await message.reply_text(refusal_text(parsed, settings, command=command))
        return
    stored = entry_for_source(context.services.db, settings.id, message.message_id)
    if stored is not None:
        # Handled before (a redelivery, or the inbox replaying an update a crash cut short):
        # nothing new is stored, and only a confirmation that never went out is sent now.
        if stored.confirmation_message_id is None or not says(stored, parsed):
            await revise_from(update, context, settings, parsed)
        return
    await store_and_confirm(context, settings, parsed, user=update.effective_user, source=message)


async def revise_from(
    update: Update, context: PumpContext, settings: ChatSettings, parsed: ParsedLog
) -> None:
    db = context.services.db
    entry = entry_for_source(db, settings.id, update.effective_message.message_id)
    if entry is None or entry.id is None:
        return
    async with LogBook(context.application, settings) as book:
        logged = book.revise(entry.id, parsed)
        if logged is not None:
            await show_confirmation(context, settings, logged)


# -- handlers ------------------------------------------------------------------------------


async def log_command(update: Update, context: PumpContext) -> None:
    """`/log 120` (or `/logg`): works in every chat, also groups with privacy mode on."""
    if update.edited_message is not None:
        await on_edited(update, context)
        return
    settings = chat_settings(update, context)
    text = LOG_COMMAND.sub("", update.effective_message.text or "", count=1).strip()
    if not text:
        await update.effective_message.reply_text(examples_text(settings.tr, command=True))
        return
    await log_text(update, context, settings, text, command=True)


async def on_text(update: Update, context: PumpContext) -> None:
    """A plain message: a new time for a confirmation it replies to, or (in a private
    chat) a session to log."""
    message = update.effective_message
    reply_to = message.reply_to_message
    if reply_to is not None and reply_to.from_user and reply_to.from_user.id == context.bot.id:
        settings = chat_settings(update, context)
        entry = entry_for_confirmation(context.services.db, settings.id, reply_to.message_id)
        if entry is not None and await fix_time_by_reply(update, context, settings, entry):
            return
    if update.effective_chat.type != ChatType.PRIVATE:
        return  # in groups, family chatter is not a log: /log is
    await log_text(update, context, chat_settings(update, context), message.text, command=False)


async def fix_time_by_reply(
    update: Update, context: PumpContext, settings: ChatSettings, entry: PumpSession
) -> bool:
    """`14:30` in reply to a confirmation moves that session; False if the text is no time."""
    message = update.effective_message
    now = context.services.clock.now()
    moment = parse_time(message.text or "", written_at(message, now), settings.tz)
    if moment is None or entry.id is None:
        return False
    if isinstance(moment, LogProblem):
        await message.reply_text(edit_refusal_text(moment, settings))
        return True
    async with LogBook(context.application, settings) as book:
        try:
            logged = book.move(entry.id, moment)
        except MoveRefused as refused:
            await message.reply_text(edit_refusal_text(refused.problem, settings))
            return True
        if logged is None:
            return False
        await show_confirmation(context, settings, logged)
        await message.reply_text(time_changed(settings, moment, now))
    return True


def time_changed(settings: ChatSettings, moment: datetime, now: datetime) -> str:
    return settings.tr._("Time changed to {when}.", when=when_phrase(moment, settings, now))


async def on_edited(update: Update, context: PumpContext) -> None:
    """An edited message: the entry it logged now says what the message says."""
    message = update.edited_message
    if message is None or not message.text:
        return
    text = message.text
    is_command = bool(LOG_COMMAND.match(text))
    if text.startswith("/") and not is_command:
        return
    text = LOG_COMMAND.sub("", text, count=1).strip()
    services = context.services
    settings = chat_settings(update, context)
    entry = entry_for_source(services.db, settings.id, message.message_id)
    parsed = parse_message(text, message, settings, services.clock.now())
    if entry is None:
        # Maybe the first version could not be read; the edit can be logged now.
        private = update.effective_chat.type == ChatType.PRIVATE
        if isinstance(parsed, ParsedLog) and (private or is_command):
            user = message.from_user
            await store_and_confirm(context, settings, parsed, user=user, source=message)
        return
    if isinstance(parsed, LogProblem):
        await message.reply_text(edit_refusal_text(parsed, settings))
        return
    await revise_from(update, context, settings, parsed)


async def undo_command(update: Update, context: PumpContext) -> None:
    """`/undo` (`/angre`): remove the entry logged last and say what it was."""
    settings = chat_settings(update, context)
    hint = settings.tr._(
        "I only understand {command} on its own, so nothing was removed. Send {command} to "
        "remove the entry logged last, or open /history to remove an older one.",
        command=command_as_typed(update),
    )
    if await refused_arguments(update, context, hint):
        return
    async with LogBook(context.application, settings) as book:
        removed = book.remove_last_logged()
        if removed is None:
            await update.effective_message.reply_text(settings.tr._("There is nothing to undo."))
            return
        services = context.services
        await settle(update, services.db, services.clock)  # never undo a second entry
        await update.effective_message.reply_text(removed.text)
        await mark_removed(context, settings, removed)


async def today_command(update: Update, context: PumpContext) -> None:
    """`/today` (`/idag`): today's sessions in the chat's time zone, with per-side totals."""
    settings = chat_settings(update, context)
    services = context.services
    await update.effective_message.reply_text(
        today_text(services.db, settings, services.clock.now())
    )


async def last_command(update: Update, context: PumpContext) -> None:
    """`/last` (`/siste`): the latest session and how long ago it was."""
    settings = chat_settings(update, context)
    services = context.services
    await update.effective_message.reply_text(
        last_text(services.db, settings, services.clock.now())
    )


async def on_button(update: Update, context: PumpContext) -> None:
    """Undo, Fix time, a time shift or Done on a confirmation."""
    query = update.callback_query
    settings = chat_settings(update, context)
    tr = settings.tr
    services = context.services
    # Entry ids are looked up in the tapping chat: another chat's id finds nothing.
    match buttons.parse(query.data):
        case Pressed(button, (entry_id,)) if button in (LOG_UNDO, LOG_FIX, LOG_DONE):
            shift = 0
        case Pressed(buttons.LOG_SHIFT, (entry_id, shift)) if shift in SHIFTS:
            button = LOG_SHIFT
        case _:
            await out_of_date(query, tr)
            return
    now = services.clock.now()
    async with LogBook(context.application, settings) as book:
        entry = get_entry(services.db, settings.id, entry_id)
        if entry is None:
            pass
        elif button is LOG_UNDO:
            removed = book.remove(entry_id)
            if removed is not None:
                await query.answer(tr._("Removed."))
                await mark_removed(context, settings, removed)
                return
        elif button in (LOG_FIX, LOG_DONE):
            logged = confirmation_for(services.db, settings, entry_id, now)
            if logged is not None:
                await query.answer()
                await show_confirmation(context, settings, logged, fixing=button is LOG_FIX)
                return
        else:
            moment = entry.started_at + timedelta(minutes=shift)
            try:
                logged = book.move(entry_id, moment)
            except MoveRefused as refused:
                await query.answer(problem_text(refused.problem, settings))
                return
            if logged is not None:
                await settle(update, services.db, services.clock)  # never shift it twice
                await query.answer(time_changed(settings, moment, now))
                await show_confirmation(context, settings, logged, fixing=True)
                return
    # Gone (undone, or another chat's id in forged data): nothing changes.
    await query.answer(tr._("That session is no longer in the log."))


def register(application: PumpApplication) -> None:
    new_messages = filters.UpdateType.MESSAGE
    # /log also receives edits of "/log 120" (CommandHandler's default), to edit the entry.
    application.add_handler(CommandHandler(LOG_COMMANDS, log_command))
    application.add_handler(CommandHandler(["undo", "angre"], undo_command, new_messages))
    application.add_handler(CommandHandler(["today", "idag"], today_command, new_messages))
    application.add_handler(CommandHandler(["last", "siste"], last_command, new_messages))
    application.add_handler(CallbackQueryHandler(on_button, pattern=buttons.pattern("log")))
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, on_edited)
    )
    # Last of all text handlers: it takes any private text as a log (or a reply with a new
    # time), so every feature that reads free text (tips' questions, ...) must come before.
    application.add_handler(
        MessageHandler(
            new_messages
            & filters.TEXT
            & ~filters.COMMAND
            & (filters.ChatType.PRIVATE | filters.REPLY),
            on_text,
        )
    )
