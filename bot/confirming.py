"""Confirming a logged session: the confirmation with its buttons (Undo, Fix time, and the
two that put the milk in the stash), sent with the house's send policy (`bot.sending`), kept
up to date, and turned into the removal note. Typed logs, /log, a reminder's "log now" and
/history all confirm through here."""

from __future__ import annotations

import contextlib
import logging

from telegram import Message, User
from telegram.error import TelegramError

from bot.buttons import LOG_DONE, LOG_FIX, LOG_SHIFT, LOG_UNDO, STASH_PUT
from bot.domain.chats import ChatSettings
from bot.domain.parsing import ParsedLog
from bot.domain.stash import Place
from bot.inbox import finish
from bot.keyboards import Keyboard
from bot.logbook import LogBook, Logged, set_confirmation, set_confirmation_in
from bot.logviews import confirmation_for
from bot.sending import Sent, deliver, send_to_chat, unchanged_is_fine
from bot.services import PumpContext
from bot.storage.models import PumpSession
from bot.text.formatting import format_minutes
from bot.text.i18n import Translator
from bot.text.sessions import saved_note

log = logging.getLogger(__name__)

SHIFTS = (-15, -30, -60, 15)


def confirmation_buttons(entry_id: int, tr: Translator) -> Keyboard:
    """Undo and Fix time, and the two that put the session's milk in the stash."""
    return Keyboard(
        (
            (
                ("↩️ " + tr._("Undo"), LOG_UNDO.data(entry_id)),
                ("🕘 " + tr._("Fix time"), LOG_FIX.data(entry_id)),
            ),
            (
                ("🧊 " + tr._("Freezer"), STASH_PUT.data(Place.FREEZER.value, entry_id)),
                ("🥛 " + tr._("Fridge"), STASH_PUT.data(Place.FRIDGE.value, entry_id)),
            ),
        )
    )


def shift_label(minutes: int, tr: Translator) -> str:
    return ("+" if minutes > 0 else "−") + format_minutes(abs(minutes), tr)


def fix_time_buttons(entry_id: int, tr: Translator) -> Keyboard:
    """The time shifts, with Undo and Done."""
    return Keyboard(
        (
            tuple((shift_label(m, tr), LOG_SHIFT.data(entry_id, m)) for m in SHIFTS),
            (
                ("↩️ " + tr._("Undo"), LOG_UNDO.data(entry_id)),
                ("✔️ " + tr._("Done"), LOG_DONE.data(entry_id)),
            ),
        )
    )


def fix_time_hint(tr: Translator) -> str:
    return tr._(
        "✏️ Tap a change, or reply to this message with the right time, "
        "like <code>14:30</code> or <code>20 min ago</code>."
    )


# -- showing and storing -------------------------------------------------------------------


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
        await confirm(context, settings, logged, source)
    return logged.entry


async def confirm(
    context: PumpContext,
    settings: ChatSettings,
    logged: Logged,
    source: Message | None,
    *,
    last_write: bool = False,
) -> None:
    """Send a stored entry's confirmation and keep its message id (on a worker thread).

    `last_write`: nothing the update does after this needs doing again on a replay (a typed
    log), so the id is written with the inbox's handled mark (`bot.inbox.finish`)."""
    entry = logged.entry
    entry_id = entry.id
    assert entry_id is not None
    sent = await send_confirmation(context, settings, logged, source)
    if sent is not None:
        context.services.metrics.confirmed()
        db = context.services.db
        chat_id, message_id = sent.chat_id, sent.message_id
        if last_write:
            await finish(
                db, lambda session: set_confirmation_in(session, chat_id, entry_id, message_id)
            )
        else:
            await db.run(set_confirmation, db, chat_id, entry_id, message_id)
        entry.confirmation_message_id = message_id


async def send_confirmation(
    context: PumpContext, settings: ChatSettings, logged: Logged, source: Message | None
) -> Sent | None:
    """Send the confirmation of a stored entry; where it went, or None if it did not get
    through.

    The entry is kept whatever happens, so a failure must not end in the error handler's
    "please try again" (the parent would log it twice). A failed send is tried once more, as a
    plain message (the parent may have deleted the one it replied to); if that fails too, a
    short note says the entry was saved. A blocked bot reaches nobody: nothing more is tried.
    """
    entry = logged.entry
    assert entry.id is not None
    keyboard = confirmation_buttons(entry.id, settings.tr)
    chat_id = settings.id
    sent = await deliver(
        context.application, chat_id, logged.text, source=source, keyboard=keyboard
    )
    if sent is not None:
        return sent
    note = saved_note(entry, settings, context.services.clock.now())
    try:
        await send_to_chat(context.application, chat_id, note)
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
    keyboard = (fix_time_buttons if fixing else confirmation_buttons)(entry.id, tr).markup()
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
        reply_markup=fix_time_buttons(entry_id, tr).markup(),
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
