"""/stepdown (nb /trappened): a plan to pump fewer sessions a day, or to stop, step by step.

`/stepdown` reads yesterday's sessions from the log (or takes `/stepdown 6`), asks for the goal
(fewer sessions, and how many; or stopping), proposes the plan (bot.domain.stepdown, from
locales/sources/stepdown.md) and starts it on a tap: the reminders move to each step, and each
step asks how the breasts feel. "Sore, a lump or red", or a warning word typed while a plan
runs ("sore", "lump", "hard", "red"; "vondt", "kul", "hardt", "rødt": the router's
Kind.STEPDOWN_WARNING), pauses the plan and shows the warning signs. With a plan running,
/stepdown shows it with Pause (Resume), Change and End; /reminders shows it too.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import buttons
from bot.buttons import (
    STEP_CHANGE,
    STEP_END,
    STEP_GOAL,
    STEP_PAUSE,
    STEP_RESUME,
    STEP_START,
    STEP_TARGET,
    Pressed,
)
from bot.commands import MenuCommand
from bot.domain.chats import ChatSettings
from bot.domain.routing import Decision, Kind
from bot.domain.stepdown import MAX_SESSIONS, Feeling, plan_steps
from bot.services import PumpApplication, PumpContext
from bot.stepping import (
    StepView,
    answer_feeling,
    current_plan,
    end_plan,
    pause_plan,
    resume_plan,
    sessions_yesterday,
    start_plan,
    status_of,
)
from bot.text.i18n import N_, Translator
from bot.text.stepdown import (
    ask_goal_text,
    ask_target_text,
    feeling_reply,
    no_sessions_text,
    paused_for_warning,
    proposal_text,
)
from handlers.common import (
    chat_settings,
    edit_tapped,
    out_of_date,
    tap_in_known_chat,
)
from scheduler.stepdown import arm_step, forget_step, move_step, step_message

MENU_COMMANDS = [
    MenuCommand("stepdown", N_("A plan to pump less, or stop, step by step"), nb_name="trappened"),
]
MAX_TARGET_BUTTONS = 6


def goal_keyboard(sessions: int, tr: Translator) -> InlineKeyboardMarkup:
    row = []
    if sessions >= 2:
        row.append(
            InlineKeyboardButton(
                tr._("Fewer sessions"), callback_data=STEP_GOAL.data("fewer", sessions)
            )
        )
    row.append(
        InlineKeyboardButton(tr._("Stop pumping"), callback_data=STEP_GOAL.data("stop", sessions))
    )
    return InlineKeyboardMarkup([row])


def target_keyboard(sessions: int, tr: Translator) -> InlineKeyboardMarkup:
    targets = list(range(sessions - 1, 0, -1))[:MAX_TARGET_BUTTONS]
    labels = [tr.ngettext("{n} a day", "{n} a day", t) for t in targets]
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label, callback_data=STEP_TARGET.data(sessions, t))
                for label, t in zip(labels, targets, strict=True)
            ]
        ]
    )


def start_keyboard(sessions: int, target: int, tr: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "▶️ " + tr._("Start the plan"), callback_data=STEP_START.data(sessions, target)
                )
            ]
        ]
    )


def plan_keyboard(view: StepView, tr: Translator) -> InlineKeyboardMarkup:
    toggle = (
        InlineKeyboardButton("▶️ " + tr._("Go on"), callback_data=STEP_RESUME.data())
        if view.plan.paused_at is not None
        else InlineKeyboardButton("⏸ " + tr._("Pause"), callback_data=STEP_PAUSE.data())
    )
    return InlineKeyboardMarkup(
        [
            [
                toggle,
                InlineKeyboardButton("✏️ " + tr._("Change"), callback_data=STEP_CHANGE.data()),
                InlineKeyboardButton("⏹ " + tr._("End"), callback_data=STEP_END.data()),
            ]
        ]
    )


async def stepdown_command(update: Update, context: PumpContext) -> None:
    """`/stepdown` (or `/stepdown 6`): the plan running, or the question to start one."""
    settings = chat_settings(update, context)
    services = context.services
    tr = settings.tr
    view = current_plan(services.db, settings.id)
    if view is not None:
        await update.effective_message.reply_text(
            status_of(view, settings), reply_markup=plan_keyboard(view, tr)
        )
        return
    typed = (context.args or [""])[0]
    from_log = not (typed.isdecimal() and len(typed) <= 2)
    if from_log:
        sessions = sessions_yesterday(services.db, settings, services.clock.now())
    else:
        sessions = int(typed)
    sessions = min(sessions, MAX_SESSIONS)
    if sessions == 0:
        await update.effective_message.reply_text(no_sessions_text(tr))
        return
    await update.effective_message.reply_text(
        ask_goal_text(sessions, tr, from_log=from_log), reply_markup=goal_keyboard(sessions, tr)
    )


async def on_button(update: Update, context: PumpContext) -> None:
    """The goal, the target, Start, how the breasts feel, Pause, Go on, Change and End."""
    query = update.callback_query
    if (tap := await tap_in_known_chat(update, context)) is None:
        return
    settings, pressed = tap
    services = context.services
    tr, now, db = settings.tr, services.clock.now(), services.db
    match pressed:
        case Pressed(buttons.STEP_GOAL, ("fewer", sessions)) if 2 <= sessions <= MAX_SESSIONS:
            await query.answer()
            await edit_tapped(query, ask_target_text(tr), target_keyboard(sessions, tr))
        case Pressed(buttons.STEP_GOAL, ("stop", sessions)) if 1 <= sessions <= MAX_SESSIONS:
            await propose(query, settings, sessions, 0, now)
        case Pressed(buttons.STEP_TARGET, (sessions, target)) if (
            0 < target < sessions <= MAX_SESSIONS
        ):
            await propose(query, settings, sessions, target, now)
        case Pressed(buttons.STEP_START, (sessions, target)) if (
            0 <= target < sessions <= MAX_SESSIONS
        ):
            view = start_plan(db, settings, sessions, target, now)
            await query.answer()
            await context.services.chat_changed(context.application, settings.id)
            arm_step(context.application, settings.id, view)
            await edit_tapped(query, proposal_text(view.steps, settings, now))
            text, keyboard = step_message(view, settings)
            await context.bot.send_message(settings.id, text, reply_markup=keyboard)
        case Pressed(buttons.STEP_FEEL, (word,)) if view := current_plan(db, settings.id):
            feeling = Feeling(word)
            view = answer_feeling(db, settings.id, feeling, now) or view
            arm_step(context.application, settings.id, view)
            await query.answer()
            reply = feeling_reply(feeling, view.plan.next_step_at, settings, now)
            await context.bot.send_message(settings.id, reply)
        case Pressed(buttons.STEP_PAUSE, ()) if view := pause_plan(db, settings.id, now):
            await show_plan(query, context, settings, view)
        case Pressed(buttons.STEP_RESUME, ()) if view := resume_plan(db, settings.id, now):
            await show_plan(query, context, settings, view)
        case Pressed(buttons.STEP_CHANGE, ()) if view := current_plan(db, settings.id):
            sessions = view.step.sessions
            end_plan(db, settings.id)
            arm_step(context.application, settings.id, None)
            await query.answer()
            if sessions == 0:
                await edit_tapped(query, no_sessions_text(tr))
            else:
                await edit_tapped(
                    query,
                    ask_goal_text(sessions, tr, from_log=False),
                    goal_keyboard(sessions, tr),
                )
        case Pressed(buttons.STEP_END, ()) if end_plan(db, settings.id):
            arm_step(context.application, settings.id, None)
            await query.answer()
            await edit_tapped(
                query,
                tr._(
                    "Your step-down plan is ended. Your reminders stay as they are; change them "
                    "with /remind."
                ),
            )
        case _:
            await out_of_date(query, tr)


async def propose(query, settings: ChatSettings, sessions: int, target: int, now) -> None:  # type: ignore[no-untyped-def]
    steps = plan_steps(sessions, target)
    await query.answer()
    await edit_tapped(
        query, proposal_text(steps, settings, now), start_keyboard(sessions, target, settings.tr)
    )


async def show_plan(query, context: PumpContext, settings: ChatSettings, view: StepView) -> None:  # type: ignore[no-untyped-def]
    arm_step(context.application, settings.id, view)
    await query.answer()
    await edit_tapped(query, status_of(view, settings), plan_keyboard(view, settings.tr))


async def on_warning_text(
    update: Update, context: PumpContext, settings: ChatSettings, _decision: Decision
) -> None:
    """ "sore", "a lump", "vondt", "rødt" typed while a plan runs: the plan pauses."""
    services = context.services
    view = pause_plan(services.db, settings.id, services.clock.now())
    if view is not None:
        answer_feeling(services.db, settings.id, Feeling.SORE, services.clock.now())
        arm_step(context.application, settings.id, view)
    await update.effective_message.reply_text(paused_for_warning(settings.tr))


def register(application: PumpApplication) -> None:
    application.add_handler(CommandHandler(["stepdown", "trappened"], stepdown_command))
    application.add_handler(CallbackQueryHandler(on_button, pattern=buttons.pattern("step")))
    services = application.bot_data["services"]
    services.acts_on(Kind.STEPDOWN_WARNING, on_warning_text)
    services.chat_forgotten_hooks.append(forget_step)
    services.chat_moved_hooks.append(move_step)
