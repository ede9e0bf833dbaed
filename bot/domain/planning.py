"""Reminder timing: when the next pumping reminder is due, as plain functions of time.

Every function takes `now` (aware, UTC) and the chat's `ZoneInfo`; nothing here reads a clock or
touches Telegram or the database.

- An interval is real elapsed time: it is added in UTC, so "every 3 h" is 3 hours even across a
  daylight-saving change (the wall clock may then show 2 or 4 hours).
- A fixed time is a local wall-clock time: 06:00 is 06:00 in summer and in winter. On the night
  the clocks go forward, a time that does not exist (02:30 in Oslo) rings when the clock would
  have shown it, one hour later (03:30); on the night they go back, a time that happens twice
  rings once, the first time.
- Nights: a plan either has quiet hours (a reminder falling due inside them moves to their end,
  so several become one), or a longer night interval (never silence), or no night rules at all.
  Day or night is decided by the time a reminder falls due.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.daybook import wall_time
from bot.domain.presets import Preset


class PlanKind(StrEnum):
    INTERVAL = "interval"  # every N hours, counted from the last session
    FIXED = "fixed"  # at chosen local times every day


@dataclass(frozen=True)
class NightWindow:
    """Local [start, end) clock times; wraps past midnight when start > end (23:00-06:00)."""

    start: time
    end: time

    def contains(self, moment: datetime, tz: ZoneInfo) -> bool:
        local = moment.astimezone(tz).time().replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def end_after(self, moment: datetime, tz: ZoneInfo) -> datetime:
        """The first end of the window after `moment` (UTC)."""
        return next_local_time((self.end,), moment, tz)


DEFAULT_NIGHT = NightWindow(time(23, 0), time(6, 0))
MORNING = time(6, 0)  # "until tomorrow morning" when a plan has no night window


@dataclass(frozen=True)
class Schedule:
    """What the parent asked for. `night` None means no night rules at all; with a night window,
    `night_interval` None means quiet hours, otherwise the longer interval used at night."""

    kind: PlanKind
    interval: timedelta | None = None
    times: tuple[time, ...] = ()
    night: NightWindow | None = DEFAULT_NIGHT
    night_interval: timedelta | None = None

    @property
    def quiet_hours(self) -> NightWindow | None:
        """The window in which nothing is sent (reminders move to its end), if any."""
        if self.night is None:
            return None
        if self.kind is PlanKind.INTERVAL and self.night_interval is not None:
            return None
        return self.night


# From the Norwegian pumping guide in shared/sources: while a baby cannot nurse (born early,
# ill, not taking the breast), express every 2-3 hours, at least 6-8 times in 24 hours (so the
# nights are never silent); at the wanted amount after 2-3 weeks most can probably cut back a
# little; most have the most milk in the morning, which suits an occasional pump.
PRESETS: dict[Preset, Schedule] = {
    Preset.BUILDING: Schedule(
        PlanKind.INTERVAL,
        interval=timedelta(hours=2, minutes=30),
        night=DEFAULT_NIGHT,
        night_interval=timedelta(hours=3),
    ),
    Preset.ESTABLISHED: Schedule(
        PlanKind.INTERVAL, interval=timedelta(hours=3), night=DEFAULT_NIGHT
    ),
}
OCCASIONAL_TIMES = (time(7), time(9), time(12), time(20), time(21))


def fixed_times(times: Iterable[time], night: NightWindow | None = DEFAULT_NIGHT) -> Schedule:
    """A fixed-time plan. A time the parent chose inside the quiet hours means they asked for
    night pumping, so the quiet hours are switched off rather than silencing their choice."""
    chosen = tuple(sorted(set(times)))
    if night is not None and any(_clock_inside(t, night) for t in chosen):
        night = None
    return Schedule(PlanKind.FIXED, times=chosen, night=night)


def _clock_inside(moment: time, window: NightWindow) -> bool:
    if window.start <= window.end:
        return window.start <= moment < window.end
    return moment >= window.start or moment < window.end


@dataclass(frozen=True)
class Plan:
    """A schedule plus where it stands: counted from the last reminder (or the plan's start),
    snoozed, or paused."""

    schedule: Schedule
    counted_from: datetime | None = None
    snoozed_until: datetime | None = None
    paused_until: datetime | None = None


def next_local_time(times: Iterable[time], after: datetime, tz: ZoneInfo) -> datetime:
    """The first of the local clock `times` strictly after `after`, in UTC."""
    chosen = tuple(times)
    if not chosen:
        raise ValueError("no times given")
    first_day = after.astimezone(tz).date() - timedelta(days=1)
    candidates = (
        wall_time(first_day + timedelta(days=offset), at, tz)
        for offset in range(4)
        for at in chosen
    )
    return min(moment for moment in candidates if moment > after)


def regular_due(schedule: Schedule, anchor: datetime, tz: ZoneInfo) -> datetime:
    """The next reminder after `anchor` (the last session or reminder), before pause or snooze."""
    if schedule.kind is PlanKind.FIXED:
        due = next_local_time(schedule.times, anchor, tz)
    else:
        if schedule.interval is None:
            raise ValueError("an interval plan needs an interval")
        due = anchor + schedule.interval
        night = schedule.night
        if night is not None and schedule.night_interval is not None and night.contains(due, tz):
            # A night reminder: the longer interval, but never past the morning.
            due = min(anchor + schedule.night_interval, night.end_after(due, tz))
    return after_quiet_hours(schedule, due, tz)


def after_quiet_hours(schedule: Schedule, due: datetime, tz: ZoneInfo) -> datetime:
    """A reminder falling due in quiet hours moves to their end."""
    quiet = schedule.quiet_hours
    if quiet is not None and quiet.contains(due, tz):
        return quiet.end_after(due, tz)
    return due


def next_due_at(
    plan: Plan, last_session_at: datetime | None, now: datetime, tz: ZoneInfo
) -> datetime:
    """When the plan's next reminder is due (UTC). It may be in the past: then it is overdue.

    Interval plans count from the last logged session or the last reminder, whichever is later;
    fixed plans ring at the next chosen time after the last reminder. A snooze brings a reminder
    forward until a session is logged; a pause holds reminders until it ends.
    """
    schedule = plan.schedule
    anchors = [a for a in (last_session_at, plan.counted_from) if a is not None]
    anchor = max(anchors) if anchors else now
    due = regular_due(schedule, anchor, tz)
    if plan.snoozed_until is not None and not _pumped_since_reminder(plan, last_session_at):
        due = min(due, plan.snoozed_until)
    if plan.paused_until is not None and due < plan.paused_until:
        if schedule.kind is PlanKind.FIXED:
            # Fixed times missed during a pause are skipped, not rung all at once.
            due = next_local_time(schedule.times, plan.paused_until - timedelta(microseconds=1), tz)
        else:
            due = plan.paused_until
    return after_quiet_hours(schedule, due, tz)


def _pumped_since_reminder(plan: Plan, last_session_at: datetime | None) -> bool:
    return (
        last_session_at is not None
        and plan.counted_from is not None
        and last_session_at >= plan.counted_from
    )


def first_counted_from(
    schedule: Schedule, last_session_at: datetime | None, now: datetime
) -> datetime:
    """Where a new plan starts counting: the last session if its next reminder is still ahead
    (pumped at 08:00, plan set at 09:00, every 3 h: due 11:00), otherwise now (a plan set days
    after the last log does not start with an overdue reminder)."""
    if (
        schedule.kind is PlanKind.INTERVAL
        and schedule.interval is not None
        and last_session_at is not None
        and last_session_at <= now < last_session_at + schedule.interval
    ):
        return last_session_at
    return now


@dataclass(frozen=True)
class Decision:
    """What to do when a reminder's time has come: `send_for` is the due time of the reminder to
    send now (None: send nothing); the plan then counts from `counted_from` and is next due at
    `next_due`."""

    send_for: datetime | None
    counted_from: datetime | None
    next_due: datetime


MAX_CATCH_UP = 2000


def decide(
    plan: Plan,
    due: datetime,
    last_session_at: datetime | None,
    now: datetime,
    tz: ZoneInfo,
) -> Decision:
    """Given the stored due time, what is owed at `now`: at most one reminder, never a burst.

    - Not yet due: nothing.
    - Overdue (the bot was down or held up): reminders superseded by a later one that is also due
      are dropped; the latest is sent once if still useful.
    - Useful: for an interval plan, always (the parent has not logged since, or it would not be
      due); for a fixed plan, until halfway to the next fixed time, when the next one is better.
    - Never inside quiet hours: a late reminder that would go out at night waits for the morning.
    """
    if due > now:
        return Decision(None, plan.counted_from, due)
    schedule = plan.schedule
    paused_until = plan.paused_until if plan.paused_until and plan.paused_until > now else None
    sent_for = due
    for _ in range(MAX_CATCH_UP):
        after = replace(plan, counted_from=sent_for, snoozed_until=None, paused_until=paused_until)
        following = next_due_at(after, last_session_at, now, tz)
        if following > now:
            break
        sent_for = following  # superseded: the later reminder replaces it
    quiet = schedule.quiet_hours
    if quiet is not None and quiet.contains(now, tz):
        return Decision(None, plan.counted_from, quiet.end_after(now, tz))
    if schedule.kind is PlanKind.FIXED and now - sent_for > (following - sent_for) / 2:
        return Decision(None, sent_for, following)
    return Decision(sent_for, sent_for, following)


def pause_until_morning(now: datetime, tz: ZoneInfo, night: NightWindow | None) -> datetime:
    """ "Until tomorrow morning": the next end of the night (or 06:00 without a night window)."""
    return next_local_time((night.end if night else MORNING,), now, tz)


def is_night_reminder(schedule: Schedule, due: datetime, tz: ZoneInfo) -> bool:
    """A reminder of a night-interval plan that falls due at night."""
    return (
        schedule.night is not None
        and schedule.night_interval is not None
        and schedule.night.contains(due, tz)
    )
