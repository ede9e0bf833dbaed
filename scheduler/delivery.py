"""Sending reminders: one JobQueue job per chat, rebuilt from the database, and the function
that sends what is due.

The database is the source of truth: each plan row holds the one reminder the chat is owed
(`next_due_at`). A chat's job (`reminder:<chat_id>`) only wakes `deliver_due`, which reads the
row, decides with `bot.domain.planning.decide` and sends. Tests call `deliver_due` directly with a
FakeClock and read what the fake Bot API received.

Never twice, and why a reminder is marked sent before it is sent: Telegram cannot tell us
whether a message we lost track of was delivered, so one of "at least once" and "at most once"
must give. A double reminder (or a burst after a restart) is what the parent would notice and
hate; so the plan moves on to its next due time in the same transaction that claims the
reminder (and writes its `reminder_handovers` row), and only then is the message handed to
Telegram; the row records the moment the request leaves, so after a crash only a reminder whose
request was on the wire can be lost (`scheduler/handover.py` sends the others). Failures that
surely did not deliver (429 RetryAfter, a refused connection, a 5xx) put the reminder back, due
again after Telegram's wait or a backoff, a bounded number of times; a read time-out might have
delivered, so it is not retried.

Only the leader runs these jobs when several instances share a PostgreSQL database
(`scheduler/leading.py`); a follower that changes a plan tells the leader instead of arming a
job (`tell_leader_unless_leading`).

Late, never dropped: jobs have no misfire grace limit (APScheduler's default of one second
would skip a reminder held up by a busy loop), and a sweep every few minutes sends anything
overdue whose job went missing. Lateness is measured and logged.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import httpx
from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Job, JobQueue

from bot.buttons import REM_LOG, REM_SKIP, REM_SNOOZE
from bot.domain.chats import ChatSettings
from bot.domain.daybook import day_totals, today_range
from bot.domain.planning import Plan, decide
from bot.groups import move_chat
from bot.planbook import plan_of, refresh_due
from bot.ratelimit import SendHooks
from bot.services import PumpApplication, PumpContext, Services, is_stopping
from bot.storage.models import ReminderPlan
from bot.storage.repo import ChatRepo, HandoverRepo, PlanRepo, SessionRepo
from bot.text.formatting import volume
from bot.text.reminders import (
    SNOOZE_MINUTES,
    ReminderFacts,
    reminder_text,
    reminder_token,
)

log = logging.getLogger(__name__)


JOB_PREFIX = "reminder:"
SWEEP_JOB = "reminders:sweep"
SWEEP_EVERY = timedelta(minutes=5)
# At start, jobs for the reminders due soonest: every one due within ARM_AHEAD, and more up to
# ARMED_AT_START in all. APScheduler takes about 100 µs a job here (50 to add it, as much again
# when the JobQueue starts), so arming 100,000 at once held the start for seven seconds; the
# arming job arms the others as they come within ARM_AHEAD, every 30 seconds, so each has its
# job at least a minute before it is due. (A million plans spread over three hours: 15 minutes
# ahead were 80,000 jobs at start, 90 seconds ahead are 8,000.)
ARM_JOB = "reminders:arm"
ARM_EVERY = timedelta(seconds=30)
ARM_AHEAD = 3 * ARM_EVERY
ARMED_AT_START = 5_000
# No misfire limit: a reminder held up in the process is sent late, not skipped.
JOB_KWARGS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True}
MAX_ATTEMPTS = 5
BACKOFF = timedelta(seconds=30)
ERROR_BACKOFF = timedelta(minutes=5)
# Owed again this soon when Telegram is away: not sooner, because the job re-armed now would
# fire while this one still runs, and APScheduler skips a job whose instance is still running.
OUTAGE_RETRY = timedelta(seconds=1)
LATE_WARNING = timedelta(minutes=1)
# At most this many reminders are between their claim and Telegram's answer at once. When
# thousands fall due in the same minute, each is claimed just before its turn to be sent (a
# crash then loses these few, not every reminder claimed ahead), the event loop never runs
# thousands of claims in a row (which would hold back sends whose turn had come, and then
# release them in a burst that earns 429s), and a parent's confirmation waits behind a few
# reminders for its turn at the rate limiter, not behind all of them.
DELIVERING_AT_ONCE = 8


class Outcome(StrEnum):
    NOT_DUE = "not_due"
    OFF = "off"
    SENT = "sent"
    DROPPED = "dropped"  # overdue and no longer useful (a fixed time long past)
    HELD = "held"  # overdue, but it is quiet hours now: it waits for their end
    RETRY = "retry"  # Telegram said wait, or the network failed: due again shortly
    BLOCKED = "blocked"  # the user blocked the bot: reminders switched off
    FAILED = "failed"  # Telegram refused it for another reason; the plan goes on


def job_name(chat_id: int) -> str:
    return f"{JOB_PREFIX}{chat_id}"


def services_of(application: PumpApplication) -> Services:
    return application.bot_data["services"]


# APScheduler inspects the signature of a job's callable each time a job is added (for every
# job, python-telegram-bot's `JobQueue.job_callback`): 20 µs a job, two of the seconds a restart
# with 100,000 plans took. That signature never changes, so it is computed once and kept where
# `inspect` looks first.
_job_callback = JobQueue.job_callback
_job_callback.__signature__ = inspect.signature(_job_callback)  # type: ignore[attr-defined]


def tell_leader_unless_leading(application: PumpApplication, chat_id: int) -> bool:
    """True if this process leads (and so arms its own jobs); otherwise tell the leader that
    the chat's plan changed, and return False."""
    leadership = services_of(application).leadership
    if leadership.leading:
        return True
    leadership.announce_change(chat_id)
    return False


def remove_job(application: PumpApplication, name: str) -> None:
    """Remove the job called `name`, if there is one. Jobs armed here carry their name as
    APScheduler's job id, so this is a lookup: python-telegram-bot's `get_jobs_by_name`
    searches every job, which with 100,000 chats made each re-arm take a tenth of a second."""
    job_queue = application.job_queue
    if job_queue is None:
        return
    aps_job = job_queue.scheduler.get_job(name)
    if aps_job is not None:
        Job.from_aps_job(aps_job).schedule_removal()


def arm_job(
    application: PumpApplication,
    callback: Callable[[PumpContext], Awaitable[None]],
    name: str,
    chat_id: int,
    when: datetime,
) -> None:
    """Arm the one job called `name` at `when`, in place of any job of that name."""
    if application.job_queue is None:
        return
    application.job_queue.run_once(
        callback,
        when=when,
        name=name,
        chat_id=chat_id,
        job_kwargs={**JOB_KWARGS, "id": name, "replace_existing": True},
    )


def arm_repeating(
    application: PumpApplication,
    callback: Callable[[PumpContext], Awaitable[None]],
    name: str,
    every: timedelta,
) -> None:
    """Arm the one repeating job called `name`, first run one interval from now, in place of any
    job of that name; like every job here, late rather than skipped."""
    if application.job_queue is None:
        return
    remove_job(application, name)
    application.job_queue.run_repeating(
        callback, interval=every, first=every, name=name, job_kwargs={**JOB_KWARGS, "id": name}
    )


def schedule_reminder(application: PumpApplication, chat_id: int, due: datetime | None) -> None:
    """The chat's one reminder job, at `due` (replacing any other); none when `due` is None.
    A due time in the past runs as soon as the JobQueue runs. A follower arms no job: it tells
    the leader, which reads the plan from the database (bot/leadership.py)."""
    if not tell_leader_unless_leading(application, chat_id):
        return
    remove_job(application, job_name(chat_id))
    if due is not None:
        arm_job(application, reminder_job, job_name(chat_id), chat_id, due)


def due_after_change(session: Session, chat_id: int, now: datetime) -> datetime | None:
    """The chat's next due time, stored, after its sessions or plan changed (a logged session
    resets interval plans). The reminder follower's `prepare`: it runs in the change's own
    transaction (`Services.follow_sessions`)."""
    row = PlanRepo(session).get(chat_id)
    chat = ChatRepo(session).get(chat_id)
    if row is None or chat is None or not row.enabled:
        return None
    return refresh_due(session, row, now, ChatSettings.of(chat).tz)


async def arm_after_change(
    application: PumpApplication, chat_id: int, due: datetime | None
) -> None:
    """The reminder follower's `apply`: the job at the due time `due_after_change` stored."""
    schedule_reminder(application, chat_id, due)


async def forget_chat(application: PumpApplication, chat_id: int) -> None:
    """Appended to `services.chat_forgotten_hooks`: the rows are gone, so is the job."""
    remove_job(application, job_name(chat_id))


async def move_reminder_job(application: PumpApplication, old_id: int, new_id: int) -> None:
    """Appended to `services.chat_moved_hooks`: the plan moved, so does its job."""
    remove_job(application, job_name(old_id))
    await services_of(application).chat_changed(application, new_id)


async def rebuild_jobs(application: PumpApplication) -> int:
    """At start: a job for each chat owed a reminder soon (the soonest `ARMED_AT_START`, and
    every one due within `ARM_AHEAD`; the arming job arms the others as they come near), the
    arming job and the sweep. Returns the number of chats owed a reminder.

    Fast for a million chats: the plans are counted in the database, and only the rows to arm
    are read (two columns, no ORM objects, through the due-time index), then armed in order of
    their due time, which is how the JobQueue's store keeps them (each goes in at the end).
    """
    services = services_of(application)
    now = services.clock.now()
    with services.db.session() as session:
        repo = PlanRepo(session)
        owed, near, overdue = repo.count_owed(now, now + ARM_AHEAD)
        armed = repo.due_times(soonest=max(ARMED_AT_START, near))
    armed.sort(key=lambda row: (row[1], job_name(row[0])))
    job_queue = application.job_queue
    if job_queue is not None:
        # Any reminder job from before goes in one pass, so arming needs no lookup per chat.
        for job in job_queue.jobs():
            if job.name is not None and job.name.startswith(JOB_PREFIX):
                job.schedule_removal()
        for chat_id, due in armed:
            arm_job(application, reminder_job, job_name(chat_id), chat_id, due)
        arm_repeating(application, arming_job, ARM_JOB, ARM_EVERY)
        arm_repeating(application, sweep_job, SWEEP_JOB, SWEEP_EVERY)
    log.info(
        "Reminder jobs rebuilt from the database: %d chats, %d armed now, %d overdue",
        owed,
        len(armed),
        overdue,
    )
    return owed


async def arm_upcoming(application: PumpApplication) -> int:
    """Arm the job of every reminder due within `ARM_AHEAD` that has none (the start armed
    only the soonest), or whose job runs later than the plan says (a follower's notice that
    never arrived). Returns how many were armed."""
    services = services_of(application)
    job_queue = application.job_queue
    if job_queue is None:
        return 0
    with services.db.session() as session:
        rows = PlanRepo(session).due_times(before=services.clock.now() + ARM_AHEAD)
    missing = []
    busy = delivering(application)
    for chat_id, due in rows:
        if chat_id in busy:
            continue
        aps_job = job_queue.scheduler.get_job(job_name(chat_id))
        runs_at = getattr(aps_job.trigger, "run_date", None) if aps_job is not None else None
        if runs_at is None or runs_at > due:
            missing.append((chat_id, due))
    for chat_id, due in missing:
        schedule_reminder(application, chat_id, due)
    return len(missing)


def delivery_slots(application: PumpApplication) -> asyncio.Semaphore:
    slots = application.bot_data.get("reminder_slots")
    if slots is None:
        slots = application.bot_data["reminder_slots"] = asyncio.Semaphore(DELIVERING_AT_ONCE)
    return slots


def delivering(application: PumpApplication) -> set[int]:
    """Chats whose reminder job has fired and waits for a slot or is being delivered: their
    job is gone from the JobQueue, but arming them again would only run a second job."""
    return application.bot_data.setdefault("reminders_delivering", set())


async def reminder_job(context: PumpContext) -> None:
    """The JobQueue's part: wake `deliver_due` for the job's chat, when a slot is free."""
    job = context.job
    if job is None or job.chat_id is None:
        return
    busy = delivering(context.application)
    if job.chat_id in busy:
        return
    busy.add(job.chat_id)
    try:
        async with delivery_slots(context.application):
            # Telegram away: not claimed until it answers, so not lost and never sent twice.
            await services_of(context.application).reachability.wait()
            if is_stopping(context.application):
                # Not claimed, so still owed: the next leader, or the next start, sends it.
                return
            await deliver_due(context.application, job.chat_id)
    finally:
        busy.discard(job.chat_id)


async def sweep_job(context: PumpContext) -> None:
    """Every few minutes: send anything overdue whose job went missing."""
    await send_due_reminders(context.application)


async def arming_job(context: PumpContext) -> None:
    """Every 30 seconds: arm the jobs of reminders coming due."""
    await arm_upcoming(context.application)


async def send_due_reminders(application: PumpApplication) -> dict[int, Outcome]:
    """Deliver for every chat that is owed a reminder now, or whose zone changed since its due
    time was computed. Safe to run any time: a reminder is claimed once."""
    services = services_of(application)
    await services.reachability.wait()
    now = services.clock.now()
    with services.db.session() as session:
        chats = PlanRepo(session).owed(now)
    return {chat_id: await deliver_due(application, chat_id) for chat_id in chats}


async def deliver_due(application: PumpApplication, chat_id: int) -> Outcome:
    """Send the chat's reminder if one is due at the services clock's `now`; at most one.

    Whatever happens, the chat's job is re-armed from the database afterwards.
    """
    services = services_of(application)
    now = services.clock.now()
    try:
        outcome = await _deliver(application, services, chat_id, now)
    except Exception:
        log.exception("Reminder delivery for chat %s failed", chat_id)
        await asyncio.to_thread(_defer, services, chat_id, now)
        outcome = Outcome.FAILED
    finally:
        await _rearm(application, services, chat_id)
    return outcome


def _defer(services: Services, chat_id: int, now: datetime) -> None:
    """After an unexpected error, try again after a backoff rather than at once (a job re-armed
    for a time already past would run again immediately, and fail the same way)."""
    try:
        with services.db.session() as session:
            row = PlanRepo(session).get(chat_id)
            if row is not None and row.next_due_at is not None and row.next_due_at <= now:
                PlanRepo(session).save(row, next_due_at=now + ERROR_BACKOFF)
    except Exception:
        log.exception("Could not defer the reminder for chat %s", chat_id)


def _planned_due(services: Services, chat_id: int) -> datetime | None:
    with services.db.session() as session:
        row = PlanRepo(session).get(chat_id)
        return row.next_due_at if row is not None and row.enabled else None


async def _rearm(application: PumpApplication, services: Services, chat_id: int) -> None:
    try:
        due = await asyncio.to_thread(_planned_due, services, chat_id)
        schedule_reminder(application, chat_id, due)  # the JobQueue belongs to the event loop
    except Exception:  # the sweep will find it
        log.exception("Could not re-arm the reminder job for chat %s", chat_id)


@dataclass(frozen=True)
class Claim:
    """A reminder claimed (committed as sent) and ready to hand over."""

    text: str
    keyboard: InlineKeyboardMarkup
    due: datetime
    previous: dict[str, Any]
    attempts: int


async def _deliver(
    application: PumpApplication, services: Services, chat_id: int, now: datetime
) -> Outcome:
    # The database work runs on a worker thread: on the event loop, a fan-out's claims held up
    # every message whose turn had come (bot/ratelimit.py: a late message makes a burst).
    claim = await asyncio.to_thread(_claim, services, chat_id, now)
    if isinstance(claim, Outcome):
        return claim
    # Committed: the reminder is marked sent before Telegram sees it (see the module docstring).
    return await hand_over(
        application,
        chat_id,
        claim.text,
        claim.keyboard,
        claim.due,
        now,
        claim.previous,
        claim.attempts,
    )


def _claim(services: Services, chat_id: int, now: datetime) -> Claim | Outcome:
    """Decide, and claim the reminder if one is due: an Outcome when nothing is to be sent."""
    with services.db.session() as session:
        repo = PlanRepo(session)
        row = repo.get(chat_id)
        chat = ChatRepo(session).get(chat_id)
        if row is None or chat is None or not row.enabled or row.next_due_at is None:
            return Outcome.OFF
        settings = ChatSettings.of(chat)
        if row.timezone != settings.timezone:
            # The chat moved zone since this due time was computed: compute it again first.
            refresh_due(session, row, now, settings.tz)
            if row.next_due_at is None or row.next_due_at > now:
                return Outcome.NOT_DUE
        stored_due = row.next_due_at
        last = SessionRepo(session, chat_id).latest()
        plan = plan_of(row)
        decision = decide(plan, stored_due, last.started_at if last else None, now, settings.tz)
        if decision.send_for is None:
            if decision.next_due == stored_due:
                return Outcome.NOT_DUE
            if decision.counted_from != plan.counted_from:
                # Dropped as no longer useful: the plan moves on as if it had been sent.
                repo.save(
                    row,
                    counted_from=decision.counted_from,
                    next_due_at=decision.next_due,
                    snoozed_until=None,
                )
                log.info("Chat %s: an overdue reminder was no longer useful", chat_id)
                return Outcome.DROPPED
            repo.save(row, next_due_at=decision.next_due)  # quiet hours now: wait for them
            return Outcome.HELD
        previous = {
            "counted_from": row.counted_from,
            "snoozed_until": row.snoozed_until,
            "paused_until": row.paused_until,
        }
        claimed = repo.claim(
            row,
            stored_due,
            counted_from=decision.counted_from,
            next_due_at=decision.next_due,
            snoozed_until=None,
            paused_until=row.paused_until if row.paused_until and row.paused_until > now else None,
            last_sent_at=now,
            attempts=row.attempts,
        )
        if not claimed:
            return Outcome.NOT_DUE  # another run got there first
        HandoverRepo(session).claimed(chat_id, decision.send_for, now, services.instance_id)
        text, keyboard = _message(session, row, settings, decision.send_for, now, plan)
        return Claim(text, keyboard, decision.send_for, previous, row.attempts)


def _message(
    session: Session,
    row: ReminderPlan,
    settings: ChatSettings,
    due: datetime,
    now: datetime,
    plan: Plan | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """The reminder's text and buttons, for the reminder due at `due`."""
    sessions = SessionRepo(session, row.chat_id)
    last = sessions.latest()
    start, end = today_range(now, settings.tz)
    facts = ReminderFacts(
        plan_id=row.id or 0,
        schedule=(plan or plan_of(row)).schedule,
        due=due,
        snoozed=plan is not None and plan.snoozed_until is not None and due == plan.snoozed_until,
        now=now,
        last=last,
        today=day_totals(sessions.between(start, end)),
    )
    return reminder_text(facts, settings), reminder_keyboard(facts, settings)


def claimed_message(
    session: Session, chat_id: int, due: datetime, now: datetime
) -> tuple[str, InlineKeyboardMarkup] | None:
    """The message of a reminder claimed earlier (its plan has moved on since); None if the
    chat or its plan is gone or switched off."""
    row = PlanRepo(session).get(chat_id)
    chat = ChatRepo(session).get(chat_id)
    if row is None or chat is None or not row.enabled:
        return None
    return _message(session, row, ChatSettings.of(chat), due, now)


class HandoverTaken(Exception):
    """The reminder's claim is no longer this instance's: a new leader took it over."""


async def hand_over(
    application: PumpApplication,
    chat_id: int,
    text: str,
    keyboard: InlineKeyboardMarkup,
    due: datetime,
    now: datetime,
    previous: dict[str, Any] | None,
    attempts: int,
) -> Outcome:
    """Send a claimed reminder, recording in its `reminder_handovers` row the moment the request
    leaves, and delete the row once Telegram answered. `previous` is the plan as it was before
    the claim, to put the reminder back if it surely was not delivered (None: not put back)."""
    services = services_of(application)
    me = services.instance_id

    def before_request() -> None:
        with services.db.session() as session:
            if not HandoverRepo(session).handed_over(chat_id, me, services.clock.now()):
                raise HandoverTaken(chat_id)

    def refused() -> None:
        with services.db.session() as session:
            HandoverRepo(session).not_delivered(chat_id, me)

    hooks = SendHooks(before_request=before_request, refused=refused, yields=True)
    answered = True
    lateness = now - due
    delivered = False
    try:
        await _send(application, chat_id, text, keyboard, hooks)
        delivered = True
    except HandoverTaken:
        answered = False
        log.warning("The reminder for chat %s was taken over by another instance", chat_id)
        return Outcome.NOT_DUE
    except asyncio.CancelledError:
        answered = False  # shutting down: the row says whether it left
        raise
    except Forbidden:
        with services.db.session() as session:
            row = PlanRepo(session).get(chat_id)
            if row is not None:
                PlanRepo(session).save(row, enabled=False, off_reason="blocked", next_due_at=None)
            HandoverRepo(session).answered(chat_id, me)
        log.info("Chat %s blocked the bot; its reminders are off", chat_id)
        return Outcome.BLOCKED
    except ChatMigrated as error:
        # The group became a supergroup: the reminder is owed again at once, in the new chat.
        _put_back(services, chat_id, now, timedelta(0), previous, attempts, error)
        await move_chat(application, chat_id, error.new_chat_id)
        return Outcome.RETRY
    except RetryAfter as error:
        return _put_back(services, chat_id, now, _retry_after(error), previous, attempts, error)
    except TimedOut as error:
        if _surely_not_sent(error):
            return _put_back_unsent(services, chat_id, now, previous, attempts, error)
        log.warning("Reminder for chat %s timed out and may have arrived; not resending", chat_id)
        return Outcome.FAILED
    except NetworkError as error:
        return _put_back_unsent(services, chat_id, now, previous, attempts, error)
    except TelegramError as error:
        log.error("Telegram refused the reminder for chat %s: %s", chat_id, error)
        return Outcome.FAILED
    finally:
        if answered:  # the row goes; if delivered, failed attempts count from 0 again
            await asyncio.to_thread(_answered, services, chat_id, delivered)
    services.metrics.reminders_sent.inc()
    # Late because Telegram was away: the outage was told once, not again for each reminder.
    outage = services.reachability.away_within(lateness.total_seconds())
    level = logging.WARNING if lateness > LATE_WARNING and not outage else logging.INFO
    log.log(
        level,
        "Reminder sent to chat %s, %.1f s after it was due",
        chat_id,
        lateness.total_seconds(),
    )
    return Outcome.SENT


def _answered(services: Services, chat_id: int, delivered: bool) -> None:
    with services.db.session() as session:
        HandoverRepo(session).answered(chat_id, services.instance_id)
        if delivered:
            PlanRepo(session).attempts_reset(chat_id)


async def _send(
    application: PumpApplication,
    chat_id: int,
    text: str,
    keyboard: InlineKeyboardMarkup,
    hooks: SendHooks,
) -> None:
    """Send with the hand-over hooks: the rate limiter calls them when the request leaves its
    turn; without a rate limiter (the tests' bots) it leaves at once."""
    bot = application.bot
    if bot.rate_limiter is not None:
        await bot.send_message(chat_id, text, reply_markup=keyboard, rate_limit_args=hooks)
        return
    await asyncio.to_thread(hooks.before_request)
    try:
        await bot.send_message(chat_id, text, reply_markup=keyboard)
    except RetryAfter:
        await asyncio.to_thread(hooks.refused)
        raise


def _retry_after(error: RetryAfter) -> timedelta:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB warns that the type becomes timedelta
        value = error.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def _surely_not_sent(error: TimedOut) -> bool:
    """A time-out before the request left (connecting, waiting for the pool) did not deliver."""
    cause = error.__cause__
    return isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout) or "Pool timeout" in str(
        error
    )


def _put_back_unsent(
    services: Services,
    chat_id: int,
    now: datetime,
    previous: dict[str, Any] | None,
    attempts: int,
    error: Exception,
) -> Outcome:
    """A network failure: the request surely did not deliver. While Telegram cannot be reached
    (bot/reachability.py) the reminder is owed again at once (`OUTAGE_RETRY`), its attempts not
    counted: its job waits for Telegram to answer, however long the outage. Otherwise after a
    growing backoff."""
    if not services.reachability.reachable:
        # From now, not from when the delivery began: it may have waited its turn for seconds.
        later = services.clock.now()
        return _put_back(services, chat_id, later, OUTAGE_RETRY, previous, attempts, error, False)
    backoff = BACKOFF * 2**attempts
    return _put_back(services, chat_id, now, backoff, previous, attempts, error)


def _put_back(
    services: Services,
    chat_id: int,
    now: datetime,
    wait: timedelta,
    previous: dict[str, Any] | None,
    attempts: int,
    error: Exception,
    counted: bool = True,
) -> Outcome:
    """The reminder did not go out: owe it again after `wait`, unless it has failed too often
    (or it was one claimed by an earlier process, with no `previous` plan to go back to). An
    attempt not `counted` (Telegram away) is noted only at DEBUG: the outage is told once."""
    if previous is None or (counted and attempts + 1 >= MAX_ATTEMPTS):
        log.error(
            "Giving up on a reminder for chat %s after %d attempts: %s",
            chat_id,
            attempts + 1,
            error,
        )
        return Outcome.FAILED
    with services.db.session() as session:
        row = PlanRepo(session).get(chat_id)
        if row is None or not row.enabled:
            return Outcome.OFF
        attempts = attempts + 1 if counted else attempts
        PlanRepo(session).save(row, **previous, next_due_at=now + wait, attempts=attempts)
        HandoverRepo(session).answered(chat_id, services.instance_id)
    log.log(
        logging.WARNING if counted else logging.DEBUG,
        "Reminder for chat %s not delivered (%s); trying again in %.0f s",
        chat_id,
        type(error).__name__,
        wait.total_seconds(),
    )
    return Outcome.RETRY


def reminder_keyboard(facts: ReminderFacts, settings: ChatSettings) -> InlineKeyboardMarkup:
    tr = settings.tr
    token = reminder_token(facts.due)
    rows: list[list[InlineKeyboardButton]] = []
    if facts.last is not None:
        amount = volume(facts.last.total_ml, settings)
        rows.append(
            [
                InlineKeyboardButton(
                    tr._("✅ Log {amount}", amount=amount),
                    callback_data=REM_LOG.data(facts.plan_id, token),
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                tr._("💤 {minutes} min", minutes=minutes),
                callback_data=REM_SNOOZE.data(facts.plan_id, minutes, token),
            )
            for minutes in SNOOZE_MINUTES
        ]
        + [InlineKeyboardButton(tr._("Skip"), callback_data=REM_SKIP.data(facts.plan_id, token))]
    )
    return InlineKeyboardMarkup(rows)
