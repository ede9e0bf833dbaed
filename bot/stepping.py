"""A chat's step-down plan in the database: how many sessions the log shows, starting the
plan, each step (which moves the reminders to it), pausing, resuming, ending, and the answer to
"how do your breasts feel?".

Plain functions over the database, no Telegram objects: `handlers/stepdown.py` and
`scheduler/stepdown.py` send what they return. The plan's arithmetic is
`bot.domain.stepdown`'s; the reminders change through `bot.planbook`, and the caller announces
it (`Services.chat_changed`) so the reminder job follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot import planbook
from bot.domain.chats import ChatSettings
from bot.domain.daybook import parent_day, parent_day_range
from bot.domain.planning import DEFAULT_NIGHT, PlanKind, Schedule
from bot.domain.presets import Preset
from bot.domain.stepdown import STEP_DAYS, Feeling, Step, plan_steps, step_interval
from bot.storage.db import Database
from bot.storage.models import StepDownPlan
from bot.storage.repo import PlanRepo, SessionRepo, StepDownRepo
from bot.text.stepdown import status_text


def sessions_yesterday(db: Database, settings: ChatSettings, now: datetime) -> int:
    """How many sessions the log holds for yesterday (the last whole parent day)."""
    yesterday = parent_day(now, settings.tz, settings.day_start) - timedelta(days=1)
    start, end = parent_day_range(yesterday, settings.tz, settings.day_start)
    with db.session() as session:
        return len(SessionRepo(session, settings.id).between(start, end))


@dataclass(frozen=True)
class StepView:
    """A plan as the messages show it: the step it is on, all its steps, and whether it is
    done (the last step was reached: the row is gone)."""

    plan: StepDownPlan
    steps: list[Step]
    done: bool = False

    @property
    def step(self) -> Step:
        return self.steps[self.plan.step]


def view_of(row: StepDownPlan) -> StepView:
    return StepView(row, plan_steps(row.start_sessions, row.target_sessions))


def current_plan(db: Database, chat_id: int) -> StepView | None:
    with db.session() as session:
        row = StepDownRepo(session, chat_id).get()
        return view_of(row) if row is not None else None


def move_reminders(session: Session, settings: ChatSettings, step: Step, now: datetime) -> None:
    """Reminders for this step: the day shared out over its sessions (the chat's night window
    kept); none once no session is left."""
    interval = step_interval(step.sessions)
    if interval is None:
        planbook.turn_off(session, settings.id)
        return
    row = PlanRepo(session).get(settings.id)
    night = (planbook.night_of(row) if row is not None else None) or DEFAULT_NIGHT
    schedule = Schedule(PlanKind.INTERVAL, interval=interval, night=night)
    planbook.set_plan(session, settings.id, schedule, Preset.CUSTOM, now, settings.tz)


def start_plan(
    db: Database, settings: ChatSettings, current: int, target: int, now: datetime
) -> StepView:
    """A new plan from `current` sessions a day to `target`, its first step from now (in place
    of any other plan); the reminders move to it."""
    steps = plan_steps(current, target)
    with db.session() as session:
        repo = StepDownRepo(session, settings.id)
        repo.delete()
        row = StepDownPlan(
            chat_id=settings.id,
            start_sessions=current,
            target_sessions=target,
            step=0,
            started_at=now,
            next_step_at=now + timedelta(days=STEP_DAYS) if len(steps) > 1 else None,
        )
        repo.save(row)
        move_reminders(session, settings, steps[0], now)
        return StepView(row, steps, done=len(steps) == 1)


def take_step(db: Database, settings: ChatSettings, now: datetime) -> StepView | None:
    """The next step, if one is due now (not paused): the reminders move to it. On the last
    step the plan is done and its row goes. None if no step is due."""
    with db.session() as session:
        repo = StepDownRepo(session, settings.id)
        row = repo.get()
        if row is None or row.paused_at is not None or row.next_step_at is None:
            return None
        if row.next_step_at > now:
            return None
        steps = plan_steps(row.start_sessions, row.target_sessions)
        row.step = min(row.step + 1, len(steps) - 1)
        row.feeling = None
        last = row.step == len(steps) - 1
        row.next_step_at = None if last else now + timedelta(days=STEP_DAYS)
        move_reminders(session, settings, steps[row.step], now)
        if last:
            repo.delete()
        else:
            repo.save(row)
        return StepView(row, steps, done=last)


def pause_plan(db: Database, chat_id: int, now: datetime) -> StepView | None:
    """Hold the plan where it is (the reminders stay as they are); None without a plan."""
    with db.session() as session:
        repo = StepDownRepo(session, chat_id)
        row = repo.get()
        if row is None:
            return None
        if row.paused_at is None:
            row.paused_at = now
            repo.save(row)
        return view_of(row)


def resume_plan(db: Database, chat_id: int, now: datetime) -> StepView | None:
    """Go on: the next step moves later by the time the plan was paused."""
    with db.session() as session:
        repo = StepDownRepo(session, chat_id)
        row = repo.get()
        if row is None:
            return None
        if row.paused_at is not None:
            if row.next_step_at is not None:
                row.next_step_at += now - row.paused_at
            row.paused_at = None
            row.feeling = None
            repo.save(row)
        return view_of(row)


def end_plan(db: Database, chat_id: int) -> bool:
    """End the plan (the reminders stay as the last step left them); False without one."""
    with db.session() as session:
        repo = StepDownRepo(session, chat_id)
        if repo.get() is None:
            return False
        repo.delete()
        return True


def answer_feeling(db: Database, chat_id: int, feeling: Feeling, now: datetime) -> StepView | None:
    """Note how the breasts feel; sore (a lump, hard, red) pauses the plan."""
    with db.session() as session:
        repo = StepDownRepo(session, chat_id)
        row = repo.get()
        if row is None:
            return None
        row.feeling = feeling.value
        if feeling is Feeling.SORE and row.paused_at is None:
            row.paused_at = now
        repo.save(row)
        return view_of(row)


def status_of(view: StepView, settings: ChatSettings) -> str:
    """Where the plan is, in a line: for /stepdown and /reminders."""
    return status_text(
        view.step,
        view.plan.step + 1,
        len(view.steps),
        view.plan.paused_at is not None,
        view.plan.next_step_at,
        settings,
    )
