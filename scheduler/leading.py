"""What the leader runs, and the watch that hands the lead on (bot/leadership.py elects it).

The leader runs the scheduler: it settles the reminders a dead sender left between claim and
answer (`scheduler.handover`), rebuilds every reminder job, power-pumping step and live-timer
edit from the database, and re-arms a chat's jobs whenever a follower announces that its plan
(or timer) changed. A follower answers parents and arms no job. Every instance runs the watch,
once a second: a follower asks for the lead (and so takes over within a second or two of the
leader's death); the leader checks that it still holds it, and steps down (drops its jobs) if
its connection is gone. On SQLite the one process leads from the start and no watch runs.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.services import PumpApplication, PumpContext
from bot.storage.models import ReminderPlan, SessionTimer
from bot.storage.repo import PlanRepo, timers_of
from scheduler.delivery import (
    JOB_KWARGS,
    JOB_PREFIX,
    rebuild_jobs,
    remove_job,
    schedule_reminder,
    services_of,
)
from scheduler.handover import recover_handovers
from scheduler.power import (
    LAST_STEP,
    power_job_name,
    rebuild_power_jobs,
    schedule_power_step,
    step_time,
)
from scheduler.stepdown import JOB_PREFIX as STEP_JOB_PREFIX
from scheduler.stepdown import rearm_step, rebuild_step_jobs
from scheduler.timers import JOB_PREFIX as TIMER_JOB_PREFIX
from scheduler.timers import arm_timer, rebuild_timer_jobs

log = logging.getLogger(__name__)

WATCH_JOB = "leadership:watch"
WATCH_EVERY = timedelta(seconds=1)
LEADER_JOBS = (JOB_PREFIX, "reminders:", "power:", TIMER_JOB_PREFIX, STEP_JOB_PREFIX)


async def start(application: PumpApplication) -> None:
    """At start: lead if no other instance does (always, on SQLite), else follow; then watch."""
    services = services_of(application)
    leadership = services.leadership
    if leadership.try_lead():
        await take_lead(application)
    else:
        log.info("Another instance leads: this one answers parents and sends no reminders")
    if leadership.shared and application.job_queue is not None:
        application.job_queue.run_repeating(
            watch_job,
            interval=WATCH_EVERY,
            first=WATCH_EVERY,
            name=WATCH_JOB,
            # A tick may outlast the interval (taking the lead sends what the last leader
            # left); the next tick then finds `taking_lead` set and returns at once.
            job_kwargs={**JOB_KWARGS, "id": WATCH_JOB, "max_instances": 3},
        )


async def take_lead(application: PumpApplication) -> None:
    leadership = services_of(application).leadership
    if leadership.shared:
        log.warning("This instance leads now: it runs the scheduler and sends the reminders")
    application.bot_data["taking_lead"] = True
    try:
        await recover_handovers(application)
        await rebuild_jobs(application)
        await rebuild_power_jobs(application)
        await rebuild_timer_jobs(application)
        await rebuild_step_jobs(application)
    finally:
        application.bot_data["taking_lead"] = False


def step_down(application: PumpApplication) -> None:
    """Lost the lead: drop every job the leader runs (another instance runs them now)."""
    job_queue = application.job_queue
    if job_queue is not None:
        for job in job_queue.jobs():
            if job.name is not None and job.name.startswith(LEADER_JOBS):
                job.schedule_removal()
    log.warning("This instance no longer leads: it sends no reminders until it leads again")


async def rearm_chats(application: PumpApplication, chat_ids: set[int]) -> None:
    """Followers changed these chats' plans: arm each one's reminder and power-pumping step
    from the database. The plans are read in one go on a worker thread: a burst of changes
    (a thousand plans moved at once) read one by one on the event loop held up every reminder
    whose turn to be sent had come."""
    services = services_of(application)

    def read_plans() -> tuple[dict[int, ReminderPlan], dict[int, SessionTimer]]:
        with services.db.session() as session:
            return PlanRepo(session).many(chat_ids), timers_of(session, chat_ids)

    plans, timers = await asyncio.to_thread(read_plans)
    for chat_id in chat_ids:
        arm_timer(application, chat_id, timers.get(chat_id))
        await rearm_step(application, chat_id)
        row = plans.get(chat_id)
        due = row.next_due_at if row is not None and row.enabled else None
        schedule_reminder(application, chat_id, due)
        if row is not None and row.power_started_at is not None:
            step = min(row.power_step + 1, LAST_STEP)
            schedule_power_step(application, chat_id, step_time(row.power_started_at, step))
        else:
            remove_job(application, power_job_name(chat_id))


async def watch(application: PumpApplication) -> None:
    leadership = services_of(application).leadership
    if application.bot_data.get("taking_lead"):
        return
    if leadership.leading:
        if not leadership.still_leading():
            step_down(application)
            return
        changed = leadership.changed_chats()
        if changed:
            await rearm_chats(application, changed)
    elif leadership.try_lead():
        await take_lead(application)


async def watch_job(context: PumpContext) -> None:
    try:
        await watch(context.application)
    except Exception:  # the next tick tries again
        log.exception("The leadership watch failed")
