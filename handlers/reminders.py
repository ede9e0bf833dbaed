"""/remind, /reminders, /pause, /resume and the reminder buttons (log now, snooze, skip).

Thin: each handler reads the update, calls `scheduler.plans` (which stores the plan and its
next due time in one transaction), re-arms the chat's job, and replies. Button data carries a
plan id, which is only ever looked up within the chat that pressed it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import buttons
from bot.buttons import (
    REM_LOG,
    REM_OFF,
    REM_ONCE_A_DAY,
    REM_PAUSE,
    REM_PRESET,
    REM_SKIP,
    REM_SNOOZE,
    Pressed,
)
from bot.commands import MenuCommand
from bot.domain.chats import ChatSettings
from bot.domain.timetext import UntilMorning, parse_pause
from bot.logbook import same_as_last
from bot.services import PumpApplication, PumpContext
from bot.storage.models import ReminderPlan
from bot.storage.repo import PlanRepo
from bot.text.formatting import format_volume
from bot.text.i18n import N_, Translator
from handlers.common import chat_settings, edit_tapped, out_of_date
from handlers.logging import store_and_confirm
from scheduler import plans
from scheduler.delivery import (
    forget_chat,
    move_reminder_job,
    rebuild_jobs,
    reschedule_chat,
    schedule_reminder,
)
from scheduler.plan_text import PlanTextError, Problem, parse_plan_text
from scheduler.planning import OCCASIONAL_TIMES, PRESETS, Preset, pause_until_morning
from scheduler.texts import (
    PRESET_NAMES,
    SNOOZE_MINUTES,
    describe_schedule,
    describe_when,
    plan_status,
    time_of_day,
)

log = logging.getLogger(__name__)

MENU_COMMANDS = [
    MenuCommand("remind", N_("Set pumping reminders"), nb_name="paminn"),
    MenuCommand("reminders", N_("Your reminder plan and the next reminder"), nb_name="paminnelser"),
    MenuCommand("pause", N_("Pause reminders for a while")),
    MenuCommand("resume", N_("Turn paused reminders back on"), nb_name="fortsett"),
]

PRESET_ICONS = {Preset.BUILDING: "🍼", Preset.ESTABLISHED: "🌙", Preset.OCCASIONAL: "☀️"}
PAUSE_HOURS = (2, 4)
MIN_PAUSE = timedelta(minutes=1)
MAX_PAUSE = timedelta(hours=48)
PROBLEMS = {
    Problem.UNREADABLE: N_(
        "I didn't understand that plan, so nothing was changed. Try one of these:\n"
        "<code>/remind every 3h</code>\n<code>/remind every 2h30m</code>\n"
        "<code>/remind 06:00 09:00 12:00 15:00 18:00 21:00</code>\n"
        "<code>/remind at 7 and 19</code>\n<code>/remind every 3h night 5h</code>\n"
        "<code>/remind quiet 22-07</code> or <code>/remind quiet off</code>\n"
        "<code>/remind off</code>"
    ),
    Problem.INTERVAL_RANGE: N_(
        "Reminders can be from every hour to once a day, so nothing was changed."
    ),
    Problem.NIGHT_RANGE: N_(
        "The night interval must be at least as long as the day's and at most 12 hours, "
        "so nothing was changed."
    ),
    Problem.TOO_MANY_TIMES: N_("That's more than 12 times a day, so nothing was changed."),
}


def now_of(context: PumpContext) -> datetime:
    return context.services.clock.now()


# -- /remind -------------------------------------------------------------------------------


def preset_menu(settings: ChatSettings, enabled: bool) -> tuple[str, InlineKeyboardMarkup]:
    tr = settings.tr
    building = describe_schedule(plans.preset_schedule(Preset.BUILDING, None), tr)
    established = describe_schedule(plans.preset_schedule(Preset.ESTABLISHED, None), tr)
    text = "\n\n".join(
        [
            tr._("How should I remind you? Pick a plan:"),
            # TRANSLATORS: source: pumping-guide-nb.txt: "Hvis barnet er født for tidlig, er sykt"
            # TRANSLATORS: source: pumping-guide-nb.txt: "Hvis du ikke har barnet ditt hos deg"
            tr._(
                "🍼 <b>Building supply while your baby can't nurse</b>, for example a baby born "
                "early or ill: {schedule} While you cannot nurse, express every 2–3 hours, at "
                "least 6–8 times in 24 hours. So nights are never silent: about 9 reminders a "
                "day.",
                schedule=building,
            ),
            tr._("🌙 <b>Established supply</b>: {schedule}", schedule=established),
            # TRANSLATORS: source: pumping-guide-nb.txt: "De fleste har mest melk om morgenen"
            tr._(
                "☀️ <b>Once a day</b>, at a time you choose. Many have the most milk in the morning."
            ),
            tr._(
                "Or type your own: <code>/remind every 3h</code>, "
                "<code>/remind 06:00 12:00 18:00</code>, <code>/remind at 7 and 19</code>. "
                "Nights: <code>/remind quiet 22-07</code>, <code>/remind quiet off</code>, "
                "or a longer night interval: <code>/remind every 3h night 5h</code>."
            ),
        ]
    )
    rows = [
        [
            InlineKeyboardButton(
                f"{PRESET_ICONS[preset]} {tr._(PRESET_NAMES[preset])}",
                callback_data=REM_PRESET.data(preset.value),
            )
        ]
        for preset in (Preset.BUILDING, Preset.ESTABLISHED, Preset.OCCASIONAL)
    ]
    if enabled:
        off = InlineKeyboardButton(tr._("🔕 Turn reminders off"), callback_data=REM_OFF.data())
        rows.append([off])
    return text, InlineKeyboardMarkup(rows)


def occasional_menu(settings: ChatSettings) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    time_of_day(at, settings.tr), callback_data=REM_ONCE_A_DAY.data(at)
                )
                for at in OCCASIONAL_TIMES
            ]
        ]
    )


def plan_saved_text(context: PumpContext, settings: ChatSettings) -> str:
    """`Reminders on. <plan>\nNext reminder: 12:00.` from what is stored."""
    tr, now = settings.tr, now_of(context)
    with context.services.db.session() as session:
        row = PlanRepo(session).get(settings.id)
    if row is None:
        return plan_status(None, now, settings.tz, tr)
    return tr._("Reminders on.") + "\n" + plan_status(row, now, settings.tz, tr)


async def remind(update: Update, context: PumpContext) -> None:
    """`/remind` shows the presets; `/remind every 3h`, `/remind kl 7 og kl 19`, `/remind off`."""
    settings = chat_settings(update, context)
    tr, now, chat_id = settings.tr, now_of(context), settings.id
    typed = " ".join(context.args or [])
    if not typed:
        with context.services.db.session() as session:
            row = PlanRepo(session).get(chat_id)
            enabled = row is not None and row.enabled
        text, keyboard = preset_menu(settings, enabled)
        await update.effective_message.reply_text(text, reply_markup=keyboard)
        return
    try:
        with context.services.db.session() as session:
            change = plans.apply_request(session, chat_id, parse_plan_text(typed), now, settings.tz)
    except PlanTextError as error:
        await update.effective_message.reply_text(tr._(PROBLEMS[error.problem]))
        return
    due = await reschedule_chat(context.application, chat_id)
    log.info("Chat %s typed a reminder change (%s); next due %s", chat_id, change, due)
    if change is plans.Change.SET:
        text = plan_saved_text(context, settings)
    elif change is plans.Change.TURNED_OFF:
        text = tr._("Reminders are off. Turn them on again with /remind.")
    elif change is plans.Change.ALREADY_OFF:
        text = tr._("Reminders were already off.")
    else:
        text = tr._(
            "Choose a plan first, for example <code>/remind every 3h</code>, then set the nights."
        )
    await update.effective_message.reply_text(text)


async def on_plan_button(update: Update, context: PumpContext) -> None:
    """A preset, a once-a-day time, or "turn off" from the /remind menu."""
    query = update.callback_query
    settings = chat_settings(update, context)
    tr, now, chat_id = settings.tr, now_of(context), settings.id
    match buttons.parse(query.data):
        case Pressed(buttons.REM_PRESET, (name,)) if name in {p.value for p in PRESETS}:
            with context.services.db.session() as session:
                row = PlanRepo(session).get(chat_id)
                schedule = plans.preset_schedule(Preset(name), row)
                plans.set_plan(session, chat_id, schedule, Preset(name), now, settings.tz)
        case Pressed(buttons.REM_PRESET, (Preset.OCCASIONAL.value,)):
            await query.answer()
            await edit_tapped(
                query,
                tr._("At what time each day? Or type one, like <code>/remind at 8</code>."),
                occasional_menu(settings),
            )
            return
        case Pressed(buttons.REM_ONCE_A_DAY, (at,)) if at in OCCASIONAL_TIMES:
            with context.services.db.session() as session:
                row = PlanRepo(session).get(chat_id)
                schedule = plans.occasional_schedule(at, row)
                plans.set_plan(session, chat_id, schedule, Preset.OCCASIONAL, now, settings.tz)
        case Pressed(buttons.REM_OFF, ()):
            with context.services.db.session() as session:
                plans.turn_off(session, chat_id)
            schedule_reminder(context.application, chat_id, None)
            await query.answer()
            await edit_tapped(query, tr._("Reminders are off. Turn them on again with /remind."))
            return
        case _:
            await out_of_date(query, tr)
            return
    await reschedule_chat(context.application, chat_id)
    await query.answer()
    await edit_tapped(query, plan_saved_text(context, settings))


# -- /reminders, /pause, /resume ------------------------------------------------------------


async def show_reminders(update: Update, context: PumpContext) -> None:
    """The plan and the next reminder, in the chat's local time."""
    settings = chat_settings(update, context)
    with context.services.db.session() as session:
        row = PlanRepo(session).get(settings.id)
    await update.effective_message.reply_text(
        plan_status(row, now_of(context), settings.tz, settings.tr)
    )


def pause_keyboard(plan_id: int, tr: Translator) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            tr.ngettext("{n} hour", "{n} hours", hours),
            callback_data=REM_PAUSE.data(plan_id, str(hours)),
        )
        for hours in PAUSE_HOURS
    ]
    buttons.append(
        InlineKeyboardButton(
            tr._("Until tomorrow morning"), callback_data=REM_PAUSE.data(plan_id, "morning")
        )
    )
    return InlineKeyboardMarkup([buttons])


def pause_end(
    how_long: str, settings: ChatSettings, now: datetime, row: ReminderPlan
) -> datetime | None:
    """`3`, `3h`, `3 timar`, `90 min` -> that long from now; `tomorrow`, `i morgen` ->
    tomorrow morning; None if unreadable or longer than 48 hours."""
    length = parse_pause(how_long)
    if isinstance(length, UntilMorning):
        return pause_until_morning(now, settings.tz, plans.night_of(row))
    if length is not None and MIN_PAUSE <= length <= MAX_PAUSE:
        return now + length
    return None


async def pause(update: Update, context: PumpContext) -> None:
    """`/pause` offers buttons; `/pause 3` pauses for 3 hours; `/pause tomorrow` until morning."""
    settings = chat_settings(update, context)
    tr, now = settings.tr, now_of(context)
    typed = " ".join(context.args or [])
    until = None
    with context.services.db.session() as session:
        row = PlanRepo(session).get(settings.id)
        enabled, plan_id = row is not None and row.enabled, row.id if row else None
        if row is not None and enabled and typed:
            until = pause_end(typed, settings, now, row)
            if until is not None:
                plans.pause(session, row, until, now, settings.tz)
    message = update.effective_message
    if not enabled or plan_id is None:
        await message.reply_text(
            tr._("There are no reminders to pause. Choose a plan with /remind.")
        )
    elif not typed:
        await message.reply_text(
            tr._("Pause reminders for how long?"), reply_markup=pause_keyboard(plan_id, tr)
        )
    elif until is None:
        await message.reply_text(
            tr._(
                "Pause for how long? Send <code>/pause 3</code> for three hours, or "
                "<code>/pause tomorrow</code> until tomorrow morning."
            )
        )
    else:
        await reschedule_chat(context.application, settings.id)
        await message.reply_text(paused_text(settings, until, now))


def paused_text(settings: ChatSettings, until: datetime, now: datetime) -> str:
    tr = settings.tr
    return tr._(
        "Reminders paused until {when}. /resume turns them back on sooner.",
        when=describe_when(until, now, settings.tz, tr),
    )


async def resume(update: Update, context: PumpContext) -> None:
    """End a pause."""
    settings = chat_settings(update, context)
    tr, now = settings.tr, now_of(context)
    with context.services.db.session() as session:
        row = PlanRepo(session).get(settings.id)
        enabled = row is not None and row.enabled
        was_paused = row is not None and row.paused_until is not None and row.paused_until > now
        if row is not None and enabled:
            plans.resume(session, row, now, settings.tz)
    if not enabled:
        await update.effective_message.reply_text(
            tr._("There are no reminders to resume. Choose a plan with /remind.")
        )
        return
    when = _when(await reschedule_chat(context.application, settings.id), now, settings)
    if was_paused:
        text = tr._("Reminders are back on. Next reminder: {when}.", when=when)
    else:
        text = tr._("Reminders weren't paused. Next reminder: {when}.", when=when)
    await update.effective_message.reply_text(text)


# -- buttons on a reminder ------------------------------------------------------------------


async def on_reminder_button(update: Update, context: PumpContext) -> None:
    """Log now, snooze or skip, from a reminder; or a pause length from /pause."""
    query = update.callback_query
    settings = chat_settings(update, context)
    tr, now, chat_id = settings.tr, now_of(context), settings.id
    pressed = buttons.parse(query.data)
    if pressed is None or pressed.button not in (REM_LOG, REM_SNOOZE, REM_SKIP, REM_PAUSE):
        await out_of_date(query, tr)
        return
    if pressed.button is REM_LOG:
        await log_now(update, context, settings, *pressed.values)
        return
    text = ""
    with context.services.db.session() as session:
        row = PlanRepo(session).by_id(pressed.values[0], chat_id)
        match pressed:
            case _ if row is None or not row.enabled:
                pass  # another chat's plan, a forged id, or reminders turned off since
            case Pressed(buttons.REM_SNOOZE, (_, minutes, _)) if minutes in SNOOZE_MINUTES:
                due = plans.snooze(session, row, minutes, now, settings.tz)
                text = tr._("💤 Snoozed. Next reminder: {when}.", when=_when(due, now, settings))
            case Pressed(buttons.REM_SKIP, _):
                due = plans.skip(session, row, now, settings.tz)
                text = tr._("Skipped. Next reminder: {when}.", when=_when(due, now, settings))
            case Pressed(buttons.REM_PAUSE, (_, length)):
                until = pause_end(length, settings, now, row)
                if until is not None:
                    plans.pause(session, row, until, now, settings.tz)
                    text = paused_text(settings, until, now)
    if not text:
        await out_of_date(query, tr)
        return
    await reschedule_chat(context.application, chat_id)
    await query.answer()
    await edit_tapped(query, text)


async def log_now(
    update: Update, context: PumpContext, settings: ChatSettings, plan_id: int, due: int
) -> None:
    """The reminder's "Log": the same amounts as last time, logged like any typed session
    (confirmed with Undo and Fix time); the reminder itself then says what happened."""
    query, services, now = update.callback_query, context.services, now_of(context)
    with services.db.session() as session:
        known = PlanRepo(session).by_id(plan_id, settings.id) is not None
    if not known:
        await out_of_date(query, settings.tr)  # another chat's plan, or a forged id
        return
    since = datetime.fromtimestamp(due, UTC)
    parsed = same_as_last(services.db, settings.id, since, now)
    if parsed is None:
        await query.answer(settings.tr._("You've already logged a session since this reminder."))
        return
    await query.answer()
    # Stored, confirmed, and announced (which re-arms the reminder) before the reminder changes.
    await store_and_confirm(context, settings, parsed, user=update.effective_user)
    await edit_tapped(query, logged_text(context, settings, parsed.total_ml))


def logged_text(context: PumpContext, settings: ChatSettings, total_ml: float) -> str:
    tr, now = settings.tr, now_of(context)
    with context.services.db.session() as session:
        row = PlanRepo(session).get(settings.id)
        due = row.next_due_at if row is not None and row.enabled else None
    lines = [
        tr._(
            "✅ Logged {amount}, the same as last time.",
            amount=format_volume(total_ml, settings.unit, tr.locale),
        )
    ]
    if due is not None:
        lines.append(tr._("Next reminder: {when}.", when=_when(due, now, settings)))
    return "\n".join(lines)


def _when(due: datetime | None, now: datetime, settings: ChatSettings) -> str:
    return describe_when(due, now, settings.tz, settings.tr) if due else "–"


async def on_button(update: Update, context: PumpContext) -> None:
    """Every `rem:` button: the /remind menu's, or a reminder's and /pause's."""
    pressed = buttons.parse(update.callback_query.data)
    if pressed is not None and pressed.button in (REM_PRESET, REM_ONCE_A_DAY, REM_OFF):
        await on_plan_button(update, context)
    else:
        await on_reminder_button(update, context)


async def on_startup(application: PumpApplication) -> None:
    """Rebuild every chat's reminder job from the database."""
    await rebuild_jobs(application)


def register(application: PumpApplication) -> None:
    application.add_handler(CommandHandler(["remind", "paminn"], remind))
    application.add_handler(CommandHandler(["reminders", "paminnelser"], show_reminders))
    application.add_handler(CommandHandler("pause", pause))
    application.add_handler(CommandHandler(["resume", "fortsett"], resume))
    application.add_handler(CallbackQueryHandler(on_button, pattern=buttons.pattern("rem")))
    services = application.bot_data["services"]
    # A logged, edited or deleted session resets interval plans; /forget drops the job.
    services.sessions_changed_hooks.append(reschedule_chat)
    services.chat_forgotten_hooks.append(forget_chat)
    services.chat_moved_hooks.append(move_reminder_job)
