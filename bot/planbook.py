"""Reminder plans in the database: a row read as a plan, and every change a parent can make.

Each change stores the plan and its new next due time in one transaction (the caller's
session); the caller then reschedules the chat's job from what was stored. Which preset is in
use is `plan_kind_of` here and `PlanRepo.preset_in_use` outside the scheduler (for example,
nudges for a parent who is building supply).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.domain.plan_text import PlanRequest, PlanTextError, Problem
from bot.domain.planning import (
    DEFAULT_NIGHT,
    PRESETS,
    NightWindow,
    Plan,
    PlanKind,
    Preset,
    Schedule,
    first_counted_from,
    fixed_times,
    next_due_at,
)
from bot.storage.models import ReminderPlan
from bot.storage.repo import PlanRepo, SessionRepo


def _clock_text(moment: time) -> str:
    return moment.strftime("%H:%M")


def _parse_clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _minutes(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds() // 60)


def night_of(row: ReminderPlan) -> NightWindow | None:
    if row.night_start is None or row.night_end is None:
        return None
    return NightWindow(_parse_clock(row.night_start), _parse_clock(row.night_end))


def schedule_of(row: ReminderPlan) -> Schedule:
    return Schedule(
        kind=PlanKind(row.kind),
        interval=timedelta(minutes=row.interval_min) if row.interval_min else None,
        times=tuple(_parse_clock(t) for t in (row.times or "").split()),
        night=night_of(row),
        night_interval=(
            timedelta(minutes=row.night_interval_min) if row.night_interval_min else None
        ),
    )


def plan_of(row: ReminderPlan) -> Plan:
    return Plan(
        schedule=schedule_of(row),
        counted_from=row.counted_from,
        snoozed_until=row.snoozed_until,
        paused_until=row.paused_until,
    )


def schedule_columns(schedule: Schedule) -> dict[str, object]:
    night = schedule.night
    return {
        "kind": schedule.kind.value,
        "interval_min": _minutes(schedule.interval),
        "night_interval_min": _minutes(schedule.night_interval),
        "times": " ".join(_clock_text(t) for t in schedule.times) or None,
        "night_start": _clock_text(night.start) if night else None,
        "night_end": _clock_text(night.end) if night else None,
    }


def last_session_at(session: Session, chat_id: int) -> datetime | None:
    return SessionRepo(session, chat_id).last_started_at()


def refresh_due(
    session: Session, row: ReminderPlan, now: datetime, tz: ZoneInfo
) -> datetime | None:
    """Recompute and store the plan's next due time (None when reminders are off)."""
    due = None
    if row.enabled:
        due = next_due_at(plan_of(row), last_session_at(session, row.chat_id), now, tz)
    PlanRepo(session).save(row, next_due_at=due, timezone=tz.key, attempts=0)
    return due


def set_plan(
    session: Session,
    chat_id: int,
    schedule: Schedule,
    preset: Preset,
    now: datetime,
    tz: ZoneInfo,
) -> ReminderPlan:
    """Switch reminders on with this schedule, counting from the last session if it is recent."""
    repo = PlanRepo(session)
    row = repo.get_or_create(chat_id)
    counted_from = first_counted_from(schedule, last_session_at(session, chat_id), now)
    repo.save(
        row,
        **schedule_columns(schedule),
        preset=preset.value,
        enabled=True,
        off_reason=None,
        counted_from=counted_from,
        snoozed_until=None,
        paused_until=None,
    )
    refresh_due(session, row, now, tz)
    return row


def preset_schedule(preset: Preset, row: ReminderPlan | None) -> Schedule:
    """A preset, keeping the night window the chat chose before (the default 23-06 otherwise)."""
    schedule = PRESETS[preset]
    night = (night_of(row) if row else None) or DEFAULT_NIGHT
    return Schedule(
        schedule.kind, schedule.interval, schedule.times, night, schedule.night_interval
    )


def occasional_schedule(at: time, row: ReminderPlan | None) -> Schedule:
    return fixed_times((at,), (night_of(row) if row else None) or DEFAULT_NIGHT)


def requested_schedule(request: PlanRequest, row: ReminderPlan | None) -> Schedule | None:
    """The schedule a typed change asks for, on top of the current plan (None: nothing to set).

    A new interval or new times keep the chat's night choice (a parent on night pumping stays
    on it); `night 5h` and `quiet 22-07` change only the night. Switching from fixed times to an
    interval brings the default quiet hours back unless the parent says otherwise, so a plan
    never starts ringing at night by accident.
    """
    current = schedule_of(row) if row is not None and (row.interval_min or row.times) else None
    night = night_of(row) if row is not None else DEFAULT_NIGHT
    night_interval = current.night_interval if current else None
    if request.interval is not None:
        kind, interval, times = PlanKind.INTERVAL, request.interval, ()
    elif request.times:
        kind, interval, times = PlanKind.FIXED, None, request.times
    elif current is not None:
        kind, interval, times = current.kind, current.interval, current.times
    else:
        return None
    if night is None and current is not None and current.kind is not kind:
        night = DEFAULT_NIGHT
    if request.quiet_given:
        night = request.quiet
    if request.night_interval_given:
        night_interval = request.night_interval
        if night_interval is not None and night is None:
            night = DEFAULT_NIGHT
    if kind is PlanKind.FIXED:
        return fixed_times(times, night)
    if night_interval is not None and interval is not None and night_interval < interval:
        raise PlanTextError(Problem.NIGHT_RANGE)
    return Schedule(
        PlanKind.INTERVAL, interval=interval, night=night, night_interval=night_interval
    )


class Change(StrEnum):
    SET = "set"
    TURNED_OFF = "turned_off"
    ALREADY_OFF = "already_off"
    NEEDS_PLAN = "needs_plan"  # only the nights were given, and there is no plan yet


def apply_request(
    session: Session, chat_id: int, request: PlanRequest, now: datetime, tz: ZoneInfo
) -> Change:
    """Store a typed change (raises PlanTextError if the result would not make sense)."""
    if request.off:
        return Change.TURNED_OFF if turn_off(session, chat_id) else Change.ALREADY_OFF
    row = PlanRepo(session).get(chat_id)
    schedule = requested_schedule(request, row)
    if schedule is None:
        return Change.NEEDS_PLAN
    preset = Preset(row.preset) if row is not None else Preset.CUSTOM
    if request.changes_schedule:
        preset = Preset.CUSTOM
    set_plan(session, chat_id, schedule, preset, now, tz)
    return Change.SET


def turn_off(session: Session, chat_id: int) -> bool:
    """Reminders off; returns whether they were on."""
    repo = PlanRepo(session)
    row = repo.get(chat_id)
    if row is None or not row.enabled:
        return False
    repo.save(row, enabled=False, next_due_at=None, snoozed_until=None, paused_until=None)
    return True


def snooze(
    session: Session, row: ReminderPlan, minutes: int, now: datetime, tz: ZoneInfo
) -> datetime | None:
    PlanRepo(session).save(row, snoozed_until=now + timedelta(minutes=minutes))
    return refresh_due(session, row, now, tz)


def skip(session: Session, row: ReminderPlan, now: datetime, tz: ZoneInfo) -> datetime | None:
    """Skip this one: no snooze; the next reminder comes at the plan's regular time."""
    PlanRepo(session).save(row, snoozed_until=None)
    return refresh_due(session, row, now, tz)


def pause(
    session: Session, row: ReminderPlan, until: datetime, now: datetime, tz: ZoneInfo
) -> datetime | None:
    PlanRepo(session).save(row, paused_until=until, snoozed_until=None)
    return refresh_due(session, row, now, tz)


def resume(session: Session, row: ReminderPlan, now: datetime, tz: ZoneInfo) -> datetime | None:
    """End a pause. A fixed plan goes on from its next time; an interval plan that fell due
    during the pause reminds now."""
    changes: dict[str, object] = {"paused_until": None}
    if row.kind == PlanKind.FIXED and (row.counted_from is None or row.counted_from < now):
        changes["counted_from"] = now
    PlanRepo(session).save(row, **changes)
    return refresh_due(session, row, now, tz)


def plan_kind_of(session: Session, chat_id: int) -> str | None:
    """The preset of the chat's reminders if they are on: "building" (building supply or a
    premature or sick baby), "established", "occasional", "custom"; None when off."""
    return PlanRepo(session).preset_in_use(chat_id)


def is_building_supply(session: Session, chat_id: int) -> bool:
    return plan_kind_of(session, chat_id) == Preset.BUILDING
