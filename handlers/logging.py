"""Logging sessions by message: plain text, /log, edits, Undo and Fix time, /today, /last.

The parsing and the wording live in `bot/domain/parsing.py` and `bot/logbook.py`, and every
change goes through `bot.logbook.LogBook`; this module reads updates, calls them, and shows the
result. `store_and_confirm` is the one way to log a new session and show its confirmation
(with Undo and Fix time); a reminder's "log now" calls it too.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from sqlmodel import Session
from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import buttons
from bot.buttons import LOG_DONE, LOG_FIX, LOG_SHIFT, LOG_UNDO, Pressed
from bot.commands import MenuCommand
from bot.confirming import (
    SHIFTS,
    confirm,
    mark_removed,
    show_confirmation,
    store_and_confirm,
)
from bot.domain.chats import ChatSettings
from bot.domain.parsing import LogProblem, ParsedLog, parse_log
from bot.domain.routing import Decision, Kind
from bot.family import log_settings
from bot.inbox import settle
from bot.logbook import LogBook, LogWork, MoveRefused, says
from bot.logviews import (
    confirmation_for,
    entry_for_confirmation,
    entry_for_source,
    get_entry,
    last_text,
    today_text,
)
from bot.services import PumpApplication, PumpContext
from bot.storage.models import PumpSession
from bot.text.formatting import when_text
from bot.text.i18n import N_
from bot.text.sessions import (
    edit_refusal_text,
    examples_text,
    problem_text,
    refusal_text,
)
from handlers.common import (
    chat_settings,
    command_as_typed,
    out_of_date,
    refused_arguments,
    written_at,
)

log = logging.getLogger(__name__)

MENU_COMMANDS = [
    MenuCommand("log", N_("Log a session, like /log 120 or /log L 60 R 70"), nb_name="logg"),
    MenuCommand("today", N_("Today's sessions and totals"), nb_name="idag"),
    MenuCommand("last", N_("The latest session"), nb_name="siste"),
    MenuCommand("undo", N_("Remove the entry logged last"), nb_name="angre"),
]

LOG_COMMANDS = ("log", "logg")
LOG_COMMAND = re.compile(r"^/(?:log|logg)(?:@\w+)?(?=\s|$)", re.IGNORECASE)


# -- showing and storing -------------------------------------------------------------------


def parse_message(
    text: str, message: Message, settings: ChatSettings, now: datetime
) -> ParsedLog | LogProblem:
    return parse_log(text, settings.language, settings.unit, written_at(message, now), settings.tz)


def prepare_log(
    session: Session,
    application: PumpApplication,
    settings: ChatSettings,
    decision: Decision,
    message: Message,
) -> LogWork | None:
    """A typed log's database work, in the update's unit of work: `LogBook.log_message`
    (one insert, which also tells a redelivery, with what reminders and nudges need)."""
    if decision.log is None:
        return None  # refused: nothing to read or write
    user = message.from_user
    return LogBook(application, settings, session=session).log_message(
        decision.log,
        source_message_id=message.message_id,
        logged_by_id=user.id if user else None,
        logged_by_name=user.full_name if user else None,
    )


async def log_text(
    update: Update, context: PumpContext, settings: ChatSettings, text: str, *, command: bool
) -> None:
    """Log what a /log command says, or say why not: one unit of work, as a typed log."""
    message = update.effective_message
    parsed = parse_message(text, message, settings, context.services.clock.now())
    if isinstance(parsed, LogProblem):
        decision = Decision(Kind.LOG, problem=parsed)
        await on_log_text(update, context, settings, decision, None, command=command)
        return
    decision = Decision(Kind.LOG, log=parsed)
    work = await context.services.db.work(
        lambda session: prepare_log(session, context.application, settings, decision, message)
    )
    await on_log_text(update, context, settings, decision, work, command=command)


async def on_log_text(
    update: Update,
    context: PumpContext,
    settings: ChatSettings,
    decision: Decision,
    work: LogWork | None,
    *,
    command: bool = False,
) -> None:
    """A log stored by `prepare_log`: confirmed; or refused with the reason."""
    message = update.effective_message
    if decision.log is None or work is None:
        assert decision.problem is not None
        await message.reply_text(refusal_text(decision.problem, settings, command=command))
        return
    if work.stored is not None:
        # Handled before (a redelivery, or the inbox replaying an update a crash cut short):
        # nothing new is stored, and only a confirmation that never went out is sent now.
        if work.stored.confirmation_message_id is None or not says(work.stored, decision.log):
            await revise_from(update, context, settings, decision.log)
        return
    assert work.book is not None and work.logged is not None
    try:
        await confirm(context, settings, work.logged, message, last_write=True)
    finally:
        await work.book.announce()


async def refuse_log(
    update: Update, context: PumpContext, settings: ChatSettings, decision: Decision
) -> None:
    """An attempt at a log the parser cannot read: the reason, with examples."""
    assert decision.problem is not None
    await update.effective_message.reply_text(
        refusal_text(decision.problem, settings, command=False)
    )


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


async def on_time_reply(
    update: Update, context: PumpContext, settings: ChatSettings, decision: Decision
) -> None:
    """`14:30` in reply to a confirmation: that session moves."""
    message = update.effective_message
    reply_to = message.reply_to_message
    entry = entry_for_confirmation(context.services.db, settings.id, reply_to.message_id)
    if entry is not None:
        await fix_time_by_reply(update, context, settings, entry, decision)


async def fix_time_by_reply(
    update: Update,
    context: PumpContext,
    settings: ChatSettings,
    entry: PumpSession,
    decision: Decision,
) -> None:
    """Move the entry to the time the reply gave, or say why not."""
    message = update.effective_message
    now = context.services.clock.now()
    moment = decision.moment
    if moment is None:
        assert decision.problem is not None
        await message.reply_text(edit_refusal_text(decision.problem, settings))
        return
    assert entry.id is not None
    async with LogBook(context.application, settings) as book:
        try:
            logged = book.move(entry.id, moment)
        except MoveRefused as refused:
            await message.reply_text(edit_refusal_text(refused.problem, settings))
            return
        if logged is None:
            return
        await show_confirmation(context, settings, logged)
        await message.reply_text(time_changed(settings, moment, now))


def time_changed(settings: ChatSettings, moment: datetime, now: datetime) -> str:
    return settings.tr._("Time changed to {when}.", when=when_text(moment, settings, now))


async def on_edited(update: Update, context: PumpContext) -> None:
    """An edited `/log 120`: the entry it logged now says what the message says."""
    message = update.edited_message
    if message is None or not message.text:
        return
    text = LOG_COMMAND.sub("", message.text, count=1).strip()
    settings = chat_settings(update, context)
    parsed = parse_message(text, message, settings, context.services.clock.now())
    await edit_entry(update, context, settings, parsed, command=True)


async def on_edited_log(
    update: Update, context: PumpContext, settings: ChatSettings, decision: Decision
) -> None:
    """An edited plain message: the entry it logged now says what the message says."""
    reading = decision.log or decision.problem
    assert reading is not None
    await edit_entry(update, context, settings, reading, command=False)


async def edit_entry(
    update: Update,
    context: PumpContext,
    settings: ChatSettings,
    parsed: ParsedLog | LogProblem,
    *,
    command: bool,
) -> None:
    message = update.effective_message
    entry = entry_for_source(context.services.db, settings.id, message.message_id)
    if entry is None:
        # Maybe the first version could not be read; the edit can be logged now.
        private = update.effective_chat.type == ChatType.PRIVATE
        if isinstance(parsed, ParsedLog) and (private or command):
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
    """`/today` (`/idag`): today's sessions in the chat's time zone, with per-side totals. In a
    linked family group whose parent shares her log, hers."""
    services = context.services
    settings = log_settings(services.db, chat_settings(update, context))
    await update.effective_message.reply_text(
        today_text(services.db, settings, services.clock.now())
    )


async def last_command(update: Update, context: PumpContext) -> None:
    """`/last` (`/siste`): the latest session and how long ago it was (in a linked family group
    whose parent shares her log, hers)."""
    services = context.services
    settings = log_settings(services.db, chat_settings(update, context))
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
    services = application.bot_data["services"]
    services.acts_on(Kind.LOG, on_log_text, prepare=prepare_log)
    services.acts_on(Kind.UNREADABLE, refuse_log)
    services.acts_on(Kind.FIX_TIME, on_time_reply)
    services.acts_on(Kind.LOG, on_edited_log, edits=True)
