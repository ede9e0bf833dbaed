"""What reminders say: plan descriptions, due times in local time, the reminder message and
its buttons. Whole sentences from the catalogues; the chat's language, zone and unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_time
from babel.lists import format_list

from bot.domain.chats import ChatSettings
from bot.domain.daybook import DayTotals, local_day
from bot.domain.planning import PlanKind, Preset, Schedule, is_night_reminder
from bot.planbook import schedule_of
from bot.storage.models import PumpSession, ReminderPlan
from bot.text.formatting import (
    format_clock,
    format_duration,
    format_moment,
    format_number,
    format_volume,
    minutes_in,
)
from bot.text.i18n import N_, Translator

PRESET_NAMES = {
    Preset.BUILDING: N_("Building supply while your baby can't nurse"),
    Preset.ESTABLISHED: N_("Established supply"),
    Preset.OCCASIONAL: N_("Once a day"),
    Preset.CUSTOM: N_("Your own plan"),
}
SNOOZE_MINUTES = (15, 30)
LATE_ENOUGH_TO_SAY = timedelta(minutes=10)


def describe_when(moment: datetime, now: datetime, tz: ZoneInfo, tr: Translator) -> str:
    """`14:30`, `tomorrow at 06:00`, or a date and time further away; in the chat's zone."""
    clock = format_clock(moment, tz, tr.locale)
    days = (local_day(moment, tz) - local_day(now, tz)).days
    if days == 0:
        return clock
    if days == 1:
        return tr._("tomorrow at {time}", time=clock)
    return format_moment(moment, tz, tr.locale)


def time_of_day(moment: time, tr: Translator) -> str:
    """A local clock time such as 23:00 (or 11:00 PM), as the chat's locale writes it."""
    return format_time(moment, format="short", locale=tr.locale)


def every(delta: timedelta, tr: Translator) -> str:
    """`every 3 hours`, `every 2.5 hours`: written out, as a sentence needs it (Norwegian says
    `hver 3. time`, never `hver 3 t`)."""
    hours, minutes = divmod(minutes_in(delta), 60)
    if not minutes:
        return tr.ngettext("every hour", "every {n} hours", hours)
    if minutes == 30:
        return tr._("every {hours} hours", hours=format_number(hours + 0.5, tr.locale, 1))
    return tr._("every {hours} h {minutes} min", hours=hours, minutes=minutes)


def describe_schedule(schedule: Schedule, tr: Translator) -> str:
    night = schedule.night
    if night is not None:
        start, end = time_of_day(night.start, tr), time_of_day(night.end, tr)
    if schedule.kind is PlanKind.FIXED:
        times = format_list([time_of_day(t, tr) for t in schedule.times], locale=tr.locale)
        if night is None:
            return tr._("Every day at {times}, with no quiet hours.", times=times)
        return tr._(
            "Every day at {times}. Quiet hours {start}–{end}: a reminder due then comes at {end}.",
            times=times,
            start=start,
            end=end,
        )
    interval = every(schedule.interval or timedelta(0), tr)
    if night is None:
        return tr._(
            "A reminder {every}, day and night, counted from your last session.", every=interval
        )
    if schedule.night_interval is not None:
        return tr._(
            "A reminder {every} by day and {night_every} at night ({start}–{end}), "
            "counted from your last session.",
            every=interval,
            night_every=every(schedule.night_interval, tr),
            start=start,
            end=end,
        )
    return tr._(
        "A reminder {every}, counted from your last session. Quiet hours {start}–{end}: "
        "a reminder due then comes at {end}.",
        every=interval,
        start=start,
        end=end,
    )


def describe_plan(row: ReminderPlan, tr: Translator) -> str:
    """`<b>Established supply</b>: every 3 h, ...`"""
    name = tr._(PRESET_NAMES.get(Preset(row.preset), PRESET_NAMES[Preset.CUSTOM]))
    return tr._(
        "<b>{name}</b>: {schedule}", name=name, schedule=describe_schedule(schedule_of(row), tr)
    )


def plan_status(row: ReminderPlan | None, now: datetime, tz: ZoneInfo, tr: Translator) -> str:
    """What /reminders shows: the plan, and when the next reminder comes, in local time."""
    if row is None or not (row.interval_min or row.times):
        return tr._("You have no reminders yet. Choose a plan with /remind.")
    if not row.enabled:
        if row.off_reason == "blocked":
            return tr._(
                "Reminders are off because I couldn't reach this chat. "
                "Turn them on again with /remind."
            )
        return tr._("Reminders are off. Choose a plan with /remind.")
    lines = [describe_plan(row, tr)]
    if row.paused_until is not None and row.paused_until > now:
        lines.append(
            tr._("Paused until {when}. /resume", when=describe_when(row.paused_until, now, tz, tr))
        )
    if row.next_due_at is not None:
        lines.append(
            tr._("Next reminder: {when}.", when=describe_when(row.next_due_at, now, tz, tr))
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class ReminderFacts:
    """Everything a reminder message shows."""

    plan_id: int
    schedule: Schedule
    due: datetime  # the due time of this reminder (its identity in button data)
    snoozed: bool
    now: datetime
    last: PumpSession | None
    today: DayTotals


def reminder_token(due: datetime) -> int:
    return int(due.timestamp())


def reminder_text(facts: ReminderFacts, settings: ChatSettings) -> str:
    tr, tz, locale = settings.tr, settings.tz, settings.tr.locale
    due_clock = format_clock(facts.due, tz, locale)
    if facts.snoozed:
        lines = [tr._("⏰ <b>Snooze is over: time to pump.</b>")]
    elif is_night_reminder(facts.schedule, facts.due, tz):
        lines = [tr._("🌙 <b>Time for your night pumping.</b>")]
    elif facts.schedule.kind is PlanKind.FIXED:
        lines = [tr._("⏰ <b>It's {time}: time to pump.</b>", time=due_clock)]
    else:
        lines = [tr._("⏰ <b>Time to pump.</b>")]
    if facts.last is None:
        lines.append(tr._("No sessions logged yet."))
    else:
        lines.append(
            tr._(
                "Last session: {ago} ago, at {time}.",
                ago=format_duration(facts.now - facts.last.started_at, tr),
                time=describe_when(facts.last.started_at, facts.now, tz, tr),
            )
        )
    if facts.today.count:
        lines.append(
            tr.ngettext(
                "Today so far: {n} session, {total}.",
                "Today so far: {n} sessions, {total}.",
                facts.today.count,
                total=format_volume(facts.today.total_ml, settings.unit, locale),
            )
        )
    else:
        lines.append(tr._("Nothing logged today yet."))
    if facts.now - facts.due >= LATE_ENOUGH_TO_SAY:
        lines.append(
            tr._("(This reminder was due at {time}; sorry it comes late.)", time=due_clock)
        )
    if facts.last is not None:
        lines.append(
            tr._(
                "Tap <b>Log</b> to log the same as last time, or type what you pumped, "
                "like <code>L 60 R 70</code>."
            )
        )
    else:
        lines.append(tr._("When you're done, type what you pumped, like <code>L 60 R 70</code>."))
    return "\n".join(lines)
