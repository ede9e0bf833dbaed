"""What /remind, /reminders, /pause, /resume and the buttons on a reminder do, as plain
functions that tests call directly: each stores its change through `bot.planbook` (the plan
and its next due time in one transaction) and returns the reply, or None for a button that is
out of date (another chat's plan, a forged id, reminders turned off since).

`handlers/reminders.py` reads the update, calls one of these, re-arms the chat's job when the
reply says so, and sends the reply.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import buttons
from bot import planbook as plans
from bot.buttons import (
    REM_OFF,
    REM_ONCE_A_DAY,
    REM_PAUSE,
    REM_PRESET,
    Pressed,
)
from bot.domain.chats import ChatSettings
from bot.domain.parsing import ParsedLog
from bot.domain.plan_text import PlanTextError, Problem, parse_plan_text
from bot.domain.planning import OCCASIONAL_TIMES, PRESETS, Preset, pause_until_morning
from bot.domain.timetext import UntilMorning, parse_pause
from bot.logviews import same_as_last
from bot.storage.db import Database
from bot.storage.models import ReminderPlan
from bot.storage.repo import PlanRepo
from bot.text.formatting import format_volume
from bot.text.i18n import N_, Translator
from bot.text.reminders import (
    PRESET_NAMES,
    SNOOZE_MINUTES,
    describe_schedule,
    describe_when,
    plan_status,
    time_of_day,
)

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class Reply:
    """A message to send (or the tapped message's new text) and its buttons; for a tap, a
    short `notice` instead when nothing changed. `rearm`: the plan changed, so the chat's job
    must move with it."""

    text: str = ""
    keyboard: InlineKeyboardMarkup | None = None
    notice: str | None = None
    rearm: bool = False


def when_text(due: datetime | None, now: datetime, settings: ChatSettings) -> str:
    return describe_when(due, now, settings.tz, settings.tr) if due else "–"


def stored_plan(db: Database, chat_id: int) -> ReminderPlan | None:
    with db.session() as session:
        return PlanRepo(session).get(chat_id)


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
                "least 6–8 times in 24 hours, so reminders come at night too: about 9 a day.",
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


def plan_saved_text(db: Database, settings: ChatSettings, now: datetime) -> str:
    """`Reminders on. <plan>\nNext reminder: 12:00.` from what is stored."""
    tr, row = settings.tr, stored_plan(db, settings.id)
    if row is None:
        return plan_status(None, now, settings.tz, tr)
    return tr._("Reminders on.") + "\n" + plan_status(row, now, settings.tz, tr)


def remind(db: Database, settings: ChatSettings, typed: str, now: datetime) -> Reply:
    """`/remind` shows the presets; `/remind every 3h`, `/remind kl 7 og kl 19`, `/remind off`."""
    tr, chat_id = settings.tr, settings.id
    if not typed:
        row = stored_plan(db, chat_id)
        text, keyboard = preset_menu(settings, row is not None and row.enabled)
        return Reply(text, keyboard)
    try:
        with db.session() as session:
            change = plans.apply_request(session, chat_id, parse_plan_text(typed), now, settings.tz)
    except PlanTextError as error:
        return Reply(tr._(PROBLEMS[error.problem]))
    log.info("Chat %s typed a reminder change (%s)", chat_id, change)
    if change is plans.Change.SET:
        text = plan_saved_text(db, settings, now)
    elif change is plans.Change.TURNED_OFF:
        text = tr._("Reminders are off. Turn them on again with /remind.")
    elif change is plans.Change.ALREADY_OFF:
        text = tr._("Reminders were already off.")
    else:
        text = tr._(
            "Choose a plan first, for example <code>/remind every 3h</code>, then set the nights."
        )
    return Reply(text, rearm=True)


def plan_button(
    db: Database, settings: ChatSettings, pressed: Pressed, now: datetime
) -> Reply | None:
    """A preset, a once-a-day time, or "turn off" from the /remind menu."""
    tr, chat_id = settings.tr, settings.id
    match pressed:
        case Pressed(buttons.REM_PRESET, (name,)) if name in {p.value for p in PRESETS}:
            with db.session() as session:
                row = PlanRepo(session).get(chat_id)
                schedule = plans.preset_schedule(Preset(name), row)
                plans.set_plan(session, chat_id, schedule, Preset(name), now, settings.tz)
        case Pressed(buttons.REM_PRESET, (Preset.OCCASIONAL.value,)):
            return Reply(
                tr._("At what time each day? Or type one, like <code>/remind at 8</code>."),
                occasional_menu(settings),
            )
        case Pressed(buttons.REM_ONCE_A_DAY, (at,)) if at in OCCASIONAL_TIMES:
            with db.session() as session:
                row = PlanRepo(session).get(chat_id)
                schedule = plans.occasional_schedule(at, row)
                plans.set_plan(session, chat_id, schedule, Preset.OCCASIONAL, now, settings.tz)
        case Pressed(buttons.REM_OFF, ()):
            with db.session() as session:
                plans.turn_off(session, chat_id)
            text = tr._("Reminders are off. Turn them on again with /remind.")
            return Reply(text, rearm=True)
        case _:
            return None
    return Reply(plan_saved_text(db, settings, now), rearm=True)


# -- /reminders, /pause, /resume ------------------------------------------------------------


def reminders(db: Database, settings: ChatSettings, now: datetime) -> Reply:
    """The plan and the next reminder, in the chat's local time."""
    return Reply(plan_status(stored_plan(db, settings.id), now, settings.tz, settings.tr))


def pause_keyboard(plan_id: int, tr: Translator) -> InlineKeyboardMarkup:
    choices = [
        InlineKeyboardButton(
            tr.ngettext("{n} hour", "{n} hours", hours),
            callback_data=REM_PAUSE.data(plan_id, str(hours)),
        )
        for hours in PAUSE_HOURS
    ]
    choices.append(
        InlineKeyboardButton(
            tr._("Until tomorrow morning"), callback_data=REM_PAUSE.data(plan_id, "morning")
        )
    )
    return InlineKeyboardMarkup([choices])


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


def pause(db: Database, settings: ChatSettings, typed: str, now: datetime) -> Reply:
    """`/pause` offers buttons; `/pause 3` pauses for 3 hours; `/pause tomorrow` until morning."""
    tr = settings.tr
    until = None
    with db.session() as session:
        row = PlanRepo(session).get(settings.id)
        enabled, plan_id = row is not None and row.enabled, row.id if row else None
        if row is not None and enabled and typed:
            until = pause_end(typed, settings, now, row)
            if until is not None:
                plans.pause(session, row, until, now, settings.tz)
    if not enabled or plan_id is None:
        return Reply(tr._("There are no reminders to pause. Choose a plan with /remind."))
    if not typed:
        return Reply(tr._("Pause reminders for how long?"), pause_keyboard(plan_id, tr))
    if until is None:
        return Reply(
            tr._(
                "Pause for how long? Send <code>/pause 3</code> for three hours, or "
                "<code>/pause tomorrow</code> until tomorrow morning."
            )
        )
    return Reply(paused_text(settings, until, now), rearm=True)


def paused_text(settings: ChatSettings, until: datetime, now: datetime) -> str:
    tr = settings.tr
    return tr._(
        "Reminders paused until {when}. /resume turns them back on sooner.",
        when=describe_when(until, now, settings.tz, tr),
    )


def resume(db: Database, settings: ChatSettings, now: datetime) -> Reply:
    """End a pause."""
    tr = settings.tr
    due = None
    with db.session() as session:
        row = PlanRepo(session).get(settings.id)
        enabled = row is not None and row.enabled
        was_paused = row is not None and row.paused_until is not None and row.paused_until > now
        if row is not None and enabled:
            due = plans.resume(session, row, now, settings.tz)
    if not enabled:
        return Reply(tr._("There are no reminders to resume. Choose a plan with /remind."))
    when = when_text(due, now, settings)
    if was_paused:
        return Reply(tr._("Reminders are back on. Next reminder: {when}.", when=when), rearm=True)
    return Reply(tr._("Reminders weren't paused. Next reminder: {when}.", when=when), rearm=True)


# -- buttons on a reminder ------------------------------------------------------------------


def reminder_button(
    db: Database, settings: ChatSettings, pressed: Pressed, now: datetime
) -> Reply | None:
    """Snooze or skip from a reminder, or a pause length from /pause."""
    tr = settings.tr
    with db.session() as session:
        row = PlanRepo(session).by_id(pressed.values[0], settings.id)
        if row is None or not row.enabled:
            return None  # another chat's plan, a forged id, or reminders turned off since
        match pressed:
            case Pressed(buttons.REM_SNOOZE, (_, minutes, _)):
                if minutes not in SNOOZE_MINUTES:
                    return None
                due = plans.snooze(session, row, minutes, now, settings.tz)
                when = when_text(due, now, settings)
                return Reply(tr._("💤 Snoozed. Next reminder: {when}.", when=when), rearm=True)
            case Pressed(buttons.REM_SKIP, _):
                due = plans.skip(session, row, now, settings.tz)
                when = when_text(due, now, settings)
                return Reply(tr._("Skipped. Next reminder: {when}.", when=when), rearm=True)
            case Pressed(buttons.REM_PAUSE, (_, length)):
                until = pause_end(length, settings, now, row)
                if until is None:
                    return None
                plans.pause(session, row, until, now, settings.tz)
                return Reply(paused_text(settings, until, now), rearm=True)
    return None


def log_now(
    db: Database, settings: ChatSettings, plan_id: int, due: int, now: datetime
) -> ParsedLog | Reply | None:
    """The reminder's "Log": the session to log (the same amounts as the latest), a notice if
    one was logged since the reminder (a second tap, or the parent typed it), or None for
    another chat's plan. Logged even if reminders were turned off since."""
    with db.session() as session:
        if PlanRepo(session).by_id(plan_id, settings.id) is None:
            return None
    parsed = same_as_last(db, settings.id, datetime.fromtimestamp(due, UTC), now)
    if parsed is None:
        return Reply(notice=settings.tr._("You've already logged a session since this reminder."))
    return parsed


def logged_now_text(db: Database, settings: ChatSettings, total_ml: float, now: datetime) -> str:
    """The reminder's new text once its "Log" was logged: what, and when the next one comes."""
    tr, row = settings.tr, stored_plan(db, settings.id)
    due = row.next_due_at if row is not None and row.enabled else None
    lines = [
        tr._(
            "✅ Logged {amount}, the same as last time.",
            amount=format_volume(total_ml, settings.unit, tr.locale),
        )
    ]
    if due is not None:
        lines.append(tr._("Next reminder: {when}.", when=when_text(due, now, settings)))
    return "\n".join(lines)
