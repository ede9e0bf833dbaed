"""/remind, /reminders, /pause, /resume and the reminder buttons (log now, snooze, skip).

Thin: each handler reads the update, calls one function of `bot.reminding` (which stores
the change and words the reply), re-arms the chat's job when the plan changed, and sends the
reply. Button data carries a plan id, which is only ever looked up within the chat that pressed
it. "Log now" logs like any typed session (`bot.confirming.store_and_confirm`).
"""

from __future__ import annotations

from telegram import CallbackQuery, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

import scheduler.leading
from bot import buttons, reminding
from bot.buttons import REM_LOG, REM_OFF, REM_ONCE_A_DAY, REM_PRESET
from bot.commands import MenuCommand
from bot.confirming import store_and_confirm
from bot.domain.chats import ChatSettings
from bot.domain.parsing import ParsedLog
from bot.reminding import Reply
from bot.services import PumpApplication, PumpContext
from bot.text.i18n import N_
from handlers.common import (
    chat_settings,
    command_as_typed,
    edit_tapped,
    out_of_date,
    refused_arguments,
)
from scheduler.delivery import (
    arm_after_change,
    due_after_change,
    forget_chat,
    move_reminder_job,
)

MENU_COMMANDS = [
    MenuCommand("remind", N_("Set pumping reminders"), nb_name="paminn"),
    MenuCommand("reminders", N_("Your reminder plan and the next reminder"), nb_name="paminnelser"),
    MenuCommand("pause", N_("Pause reminders for a while")),
    MenuCommand("resume", N_("Turn paused reminders back on"), nb_name="fortsett"),
]


async def send(update: Update, context: PumpContext, reply: Reply) -> None:
    """Re-arm the chat's job if the plan changed, then send the reply."""
    if reply.rearm:
        await context.services.chat_changed(context.application, update.effective_chat.id)
    await update.effective_message.reply_text(reply.text, reply_markup=reply.keyboard)


async def show_on_tapped(
    query: CallbackQuery, context: PumpContext, settings: ChatSettings, reply: Reply | None
) -> None:
    """A button's reply: the tapped message's new text, a short notice, or "out of date"."""
    if reply is None:
        await out_of_date(query, settings.tr)
        return
    if reply.rearm:
        await context.services.chat_changed(context.application, settings.id)
    await query.answer(reply.notice)
    if reply.text:
        await edit_tapped(query, reply.text, reply.keyboard)


def typed(context: PumpContext) -> str:
    return " ".join(context.args or [])


async def remind(update: Update, context: PumpContext) -> None:
    """`/remind` shows the presets; `/remind every 3h`, `/remind kl 7 og kl 19`, `/remind off`."""
    settings, services = chat_settings(update, context), context.services
    reply = reminding.remind(services.db, settings, typed(context), services.clock.now())
    await send(update, context, reply)


async def show_reminders(update: Update, context: PumpContext) -> None:
    """The plan and the next reminder, in the chat's local time."""
    settings, services = chat_settings(update, context), context.services
    await send(update, context, reminding.reminders(services.db, settings, services.clock.now()))


async def pause(update: Update, context: PumpContext) -> None:
    """`/pause` offers buttons; `/pause 3` pauses for 3 hours; `/pause tomorrow` until morning."""
    settings, services = chat_settings(update, context), context.services
    reply = reminding.pause(services.db, settings, typed(context), services.clock.now())
    await send(update, context, reply)


async def resume(update: Update, context: PumpContext) -> None:
    """End a pause."""
    settings, services = chat_settings(update, context), context.services
    hint = settings.tr._(
        "I only understand {command} on its own, so nothing changed. Send {command} to end "
        "the pause.",
        command=command_as_typed(update),
    )
    if await refused_arguments(update, context, hint):
        return
    await send(update, context, reminding.resume(services.db, settings, services.clock.now()))


async def on_button(update: Update, context: PumpContext) -> None:
    """Every `rem:` button: the /remind menu's, a reminder's, and /pause's."""
    query = update.callback_query
    settings, services = chat_settings(update, context), context.services
    db, now = services.db, services.clock.now()
    pressed = buttons.parse(query.data)
    if pressed is None:
        await out_of_date(query, settings.tr)
    elif pressed.button is REM_LOG:
        await log_now(update, context, settings, *pressed.values)
    elif pressed.button in (REM_PRESET, REM_ONCE_A_DAY, REM_OFF):
        await show_on_tapped(
            query, context, settings, reminding.plan_button(db, settings, pressed, now)
        )
    else:
        reply = reminding.reminder_button(db, settings, pressed, now)
        await show_on_tapped(query, context, settings, reply)


async def log_now(
    update: Update, context: PumpContext, settings: ChatSettings, plan_id: int, due: int
) -> None:
    """The reminder's "Log": logged and confirmed like any typed session (with Undo and Fix
    time); the reminder then says what was logged and when the next one comes."""
    query, services = update.callback_query, context.services
    wanted = reminding.log_now(services.db, settings, plan_id, due, services.clock.now())
    if not isinstance(wanted, ParsedLog):
        await show_on_tapped(query, context, settings, wanted)
        return
    await query.answer()
    # Stored, confirmed and announced (which re-arms the reminder) before the reminder changes.
    await store_and_confirm(context, settings, wanted, user=update.effective_user)
    text = reminding.logged_now_text(services.db, settings, wanted.total_ml, services.clock.now())
    await edit_tapped(query, text)


async def on_startup(application: PumpApplication) -> None:
    """Lead (rebuild every chat's reminder and power-pumping jobs from the database) or
    follow another instance that leads."""
    await scheduler.leading.start(application)


def register(application: PumpApplication) -> None:
    application.add_handler(CommandHandler(["remind", "paminn"], remind))
    application.add_handler(CommandHandler(["reminders", "paminnelser"], show_reminders))
    application.add_handler(CommandHandler("pause", pause))
    application.add_handler(CommandHandler(["resume", "fortsett"], resume))
    application.add_handler(CallbackQueryHandler(on_button, pattern=buttons.pattern("rem")))
    services = application.bot_data["services"]
    # A logged, edited or deleted session resets interval plans; /forget drops the job; a
    # group upgraded to a supergroup takes its job along.
    # One way to re-arm a chat's reminder: whatever changed (its sessions, its plan, its time
    # zone), the change is announced and this follower recomputes the due time and arms it.
    services.follow_sessions(arm_after_change, prepare=due_after_change)
    services.follow_chat(arm_after_change, prepare=due_after_change)
    services.chat_forgotten_hooks.append(forget_chat)
    services.chat_moved_hooks.append(move_reminder_job)
