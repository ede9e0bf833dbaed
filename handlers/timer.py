"""/timer (nb /tidtaker) and the live session timer's buttons.

`/timer` starts a timer: a message that shows the pumping time, edited about once a minute
(scheduler/timers.py), with Pause (Resume), Stop and a switch of side. Stop asks for the
amounts with the duration noted, and the next log typed in the chat takes it; a log typed while
the timer runs closes it the same way (bot.logbook.LogBook.add). `/timer stop` stops it; a
reminder's "Start timer" button starts one, and so do typed words ("start pumping",
"begynner"), which the router (bot/domain/routing.py) reads with
`bot.domain.timer.parse_timer_text` and hands to `on_timer_text`.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import buttons
from bot.buttons import Pressed
from bot.commands import MenuCommand
from bot.domain.chats import ChatSettings
from bot.domain.routing import Decision, Kind
from bot.domain.timer import TimerCommand, parse_timer_text
from bot.services import PumpApplication, PumpContext
from bot.storage.models import SessionTimer
from bot.text.i18n import N_
from bot.text.timer import timer_text, token
from bot.timers import TimerAction, change_timer, current_timer, set_message, start_timer
from handlers.common import (
    chat_settings,
    edit_tapped,
    out_of_date,
    tap_in_known_chat,
)
from scheduler.timers import (
    arm_timer,
    forget_timer,
    move_timer,
    timer_closed,
    timer_keyboard,
)

MENU_COMMANDS = [
    MenuCommand("timer", N_("Time a pumping session as it goes"), nb_name="tidtaker"),
]
ACTIONS = {
    buttons.TIMER_PAUSE: TimerAction.PAUSE,
    buttons.TIMER_RESUME: TimerAction.RESUME,
    buttons.TIMER_STOP: TimerAction.STOP,
    buttons.TIMER_SIDE: TimerAction.SIDE,
}


async def timer_command(update: Update, context: PumpContext) -> None:
    """`/timer` starts a timer (or shows the one running); `/timer stop` stops it."""
    settings = chat_settings(update, context)
    typed = " ".join(context.args or [])
    command = parse_timer_text(typed) if typed else TimerCommand.START
    await act_on_timer_command(update, context, settings, command or TimerCommand.START)


async def act_on_timer_command(
    update: Update, context: PumpContext, settings: ChatSettings, command: TimerCommand
) -> None:
    """Start a timer, or stop the running one: for /timer, and for typed words the text
    router reads as a timer command."""
    services = context.services
    now = services.clock.now()
    tr = settings.tr
    running = current_timer(services.db, settings.id)
    if command is TimerCommand.STOP:
        if running is None or running.stopped_at is not None:
            await update.effective_message.reply_text(
                tr._("No timer is running. Send /timer to start one.")
            )
            return
        stopped = change_timer(services.db, settings.id, token(running), TimerAction.STOP, now)
        if stopped is not None:
            await send_timer_message(update, context, settings, stopped)
        return
    if running is not None and running.stopped_at is None:
        # Already timing: the message comes down to the bottom of the chat, the same timer.
        await send_timer_message(update, context, settings, running)
        return
    await send_timer_message(update, context, settings, start_timer(services.db, settings.id, now))


async def send_timer_message(
    update: Update, context: PumpContext, settings: ChatSettings, row: SessionTimer
) -> None:
    """Send the timer's message (it becomes the one edited each minute) and arm its job."""
    services = context.services
    now = services.clock.now()
    sent = await context.bot.send_message(
        settings.id, timer_text(row, settings, now), reply_markup=timer_keyboard(row, settings.tr)
    )
    set_message(services.db, settings.id, token(row), sent.message_id, now)
    arm_timer(context.application, settings.id, current_timer(services.db, settings.id))


async def on_button(update: Update, context: PumpContext) -> None:
    """Start (under a reminder), or Pause, Resume, Stop and switch side on a timer message."""
    query = update.callback_query
    if (tap := await tap_in_known_chat(update, context)) is None:
        return
    settings, pressed = tap
    services = context.services
    now = services.clock.now()
    match pressed:
        case Pressed(buttons.TIMER_START, ()):
            await query.answer()
            await act_on_timer_command(update, context, settings, TimerCommand.START)
            return
        case Pressed(button, (key,)) if button in ACTIONS:
            row = change_timer(services.db, settings.id, key, ACTIONS[button], now)
        case _:
            row = None
    if row is None:
        await out_of_date(query, settings.tr)
        return
    await query.answer()
    await edit_tapped(query, timer_text(row, settings, now), timer_keyboard(row, settings.tr))
    arm_timer(context.application, settings.id, row)


async def on_timer_text(
    update: Update, context: PumpContext, settings: ChatSettings, decision: Decision
) -> None:
    """ "start pumping", "begynner", "stopp" typed in a private chat (bot.domain.routing)."""
    assert decision.timer is not None
    await act_on_timer_command(update, context, settings, decision.timer)


def register(application: PumpApplication) -> None:
    application.add_handler(CommandHandler(["timer", "tidtaker"], timer_command))
    application.add_handler(CallbackQueryHandler(on_button, pattern=buttons.pattern("timer")))
    services = application.bot_data["services"]
    services.acts_on(Kind.TIMER, on_timer_text)
    services.timer_closed_hooks.append(timer_closed)
    services.chat_forgotten_hooks.append(forget_timer)
    services.chat_moved_hooks.append(move_timer)
