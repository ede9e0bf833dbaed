"""Power pumping: a guided hour (pump 20, rest 10, pump 10, rest 10, pump 10 minutes) with a
message at each change, kept in the chat's plan row so a restart picks it up.

For reminders the hour counts as a pumping: while it runs, the plan counts from its end (from
the cancel, if cancelled), so no "time to pump" interrupts it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.buttons import PWR_CANCEL
from bot.domain.chats import ChatSettings
from bot.planbook import refresh_due
from bot.sending import send_to_chat
from bot.services import PumpContext
from bot.storage.db import Database
from bot.storage.repo import ChatRepo, PlanRepo
from bot.text.formatting import format_clock
from bot.text.i18n import N_
from scheduler.delivery import (
    PumpApplication,
    arm_job,
    remove_job,
    schedule_reminder,
    services_of,
    tell_leader_unless_leading,
)

log = logging.getLogger(__name__)

# Minutes from the start at which each step begins; the last one is the end of the hour.
STEP_STARTS = (0, 20, 30, 40, 50, 60)
LAST_STEP = len(STEP_STARTS) - 1
HOUR = timedelta(minutes=STEP_STARTS[-1])
# A step message that comes later than this (the bot was down) is not sent: the next one will be.
STALE_END = timedelta(minutes=10)
STEP_MESSAGES = (
    N_("💪 Power pumping has started. Pump for 20 minutes, until {until}."),
    N_("😌 Rest for 10 minutes, until {until}."),
    N_("💪 Pump again for 10 minutes, until {until}."),
    N_("😌 Rest for 10 minutes, until {until}."),
    N_("💪 Last round: pump for 10 minutes, until {until}."),
    N_(
        "🎉 Done: that was your power-pumping hour. Well done! "
        "Type what you pumped, like <code>L 40 R 45</code>."
    ),
)


def step_time(started_at: datetime, step: int) -> datetime:
    return started_at + timedelta(minutes=STEP_STARTS[step])


def step_at(started_at: datetime, now: datetime) -> int:
    """The step running at `now` (LAST_STEP once the hour is over)."""
    return max(i for i, _ in enumerate(STEP_STARTS) if step_time(started_at, i) <= now)


def is_running(started_at: datetime | None, now: datetime) -> bool:
    return started_at is not None and now < started_at + HOUR


def power_job_name(chat_id: int) -> str:
    return f"power:{chat_id}"


def power_token(started_at: datetime) -> int:
    return int(started_at.timestamp())


def cancel_keyboard(
    plan_id: int, started_at: datetime, settings: ChatSettings
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    settings.tr._("✖️ Cancel power pumping"),
                    callback_data=PWR_CANCEL.data(plan_id, power_token(started_at)),
                )
            ]
        ]
    )


def step_text(step: int, started_at: datetime, settings: ChatSettings) -> str:
    tr = settings.tr
    if step == LAST_STEP:
        return tr._(STEP_MESSAGES[step])
    until = format_clock(step_time(started_at, step + 1), settings.tz, tr.locale)
    return tr._(STEP_MESSAGES[step], until=until)


def schedule_power_step(application: PumpApplication, chat_id: int, at: datetime | None) -> None:
    """The chat's next power-pumping step job (a follower tells the leader instead)."""
    if not tell_leader_unless_leading(application, chat_id):
        return
    remove_job(application, power_job_name(chat_id))
    if at is not None:
        arm_job(application, power_job, power_job_name(chat_id), chat_id, at)


@dataclass(frozen=True)
class PowerAsked:
    """What /power finds: the hour running now (its plan id and start), or none; and whether
    this is the first time, when the note on who power pumping is for comes first."""

    plan_id: int
    running_since: datetime | None
    first_time: bool


def ask_power(db: Database, chat_id: int, now: datetime) -> PowerAsked:
    """/power: the note counts as shown from now on (unless an hour is already running)."""
    with db.session() as session:
        repo = PlanRepo(session)
        row = repo.get_or_create(chat_id)
        running = is_running(row.power_started_at, now)
        first_time = row.power_note_shown_at is None
        if first_time and not running:
            repo.save(row, power_note_shown_at=now)
        return PowerAsked(row.id or 0, row.power_started_at if running else None, first_time)


async def start_power(application: PumpApplication, chat_id: int) -> bool:
    """Start the hour now and send its first step; False if one is already running."""
    services = services_of(application)
    now = services.clock.now()
    with services.db.session() as session:
        repo = PlanRepo(session)
        row = repo.get_or_create(chat_id)
        if is_running(row.power_started_at, now):
            return False
        settings = ChatSettings.of(
            ChatRepo(session).get_or_create(
                chat_id,
                language=services.config.default_language,
                timezone=services.config.default_timezone,
            )
        )
        changes: dict[str, Any] = {"power_started_at": now, "power_step": 0}
        if row.counted_from is None or row.counted_from < now + HOUR:
            changes["counted_from"] = now + HOUR
        repo.save(row, **changes)
        due = refresh_due(session, row, now, settings.tz) if row.enabled else None
        plan_id = row.id or 0
    schedule_reminder(application, chat_id, due)
    schedule_power_step(application, chat_id, step_time(now, 1))
    await application.bot.send_message(
        chat_id, step_text(0, now, settings), reply_markup=cancel_keyboard(plan_id, now, settings)
    )
    return True


async def cancel_power(
    application: PumpApplication, chat_id: int, plan_id: int, token: int
) -> bool:
    """Cancel the running hour named by a button; False if the button is not this chat's
    running hour (forged, or from an earlier hour)."""
    services = services_of(application)
    now = services.clock.now()
    with services.db.session() as session:
        repo = PlanRepo(session)
        row = repo.by_id(plan_id, chat_id)
        if row is None or not is_running(row.power_started_at, now):
            return False
        if row.power_started_at is None or power_token(row.power_started_at) != token:
            return False
        changes: dict[str, Any] = {"power_started_at": None, "power_step": 0}
        if row.counted_from is not None and row.counted_from > now:
            changes["counted_from"] = now
        repo.save(row, **changes)
        chat = ChatRepo(session).get(chat_id)
        due = None
        if row.enabled and chat is not None:
            due = refresh_due(session, row, now, ChatSettings.of(chat).tz)
    schedule_power_step(application, chat_id, None)
    schedule_reminder(application, chat_id, due)
    return True


async def power_job(context: PumpContext) -> None:
    job = context.job
    if job is not None and job.chat_id is not None:
        await advance_power(context.application, job.chat_id)


async def advance_power(application: PumpApplication, chat_id: int) -> int | None:
    """Announce the step that has begun (once; marked in the database before sending) and arm
    the next. Returns the step announced, if any."""
    services = services_of(application)
    await services.reachability.wait()  # Telegram away: the step waits for it, unmarked
    now = services.clock.now()
    with services.db.session() as session:
        repo = PlanRepo(session)
        row = repo.get(chat_id)
        chat = ChatRepo(session).get(chat_id)
        if row is None or chat is None or row.power_started_at is None:
            schedule_power_step(application, chat_id, None)
            return None
        started_at = row.power_started_at
        step = step_at(started_at, now)
        if step <= row.power_step:
            next_at = step_time(started_at, row.power_step + 1)
            schedule_power_step(application, chat_id, next_at)
            return None
        late = now - step_time(started_at, step)
        if step == LAST_STEP:
            repo.save(row, power_started_at=None, power_step=step)
        else:
            repo.save(row, power_step=step)
        settings = ChatSettings.of(chat)
        plan_id = row.id or 0
    next_at = step_time(started_at, step + 1) if step < LAST_STEP else None
    schedule_power_step(application, chat_id, next_at)
    if step == LAST_STEP and late > STALE_END:
        log.info("Chat %s: the power-pumping hour ended while the bot was away", chat_id)
        return None
    markup = cancel_keyboard(plan_id, started_at, settings) if step < LAST_STEP else None
    try:
        await send_to_chat(
            application, chat_id, step_text(step, started_at, settings), reply_markup=markup
        )
    except TelegramError as error:
        log.warning("Power-pumping step for chat %s not sent: %s", chat_id, error)
        return None
    return step


async def rebuild_power_jobs(application: PumpApplication) -> None:
    """At start: the next step of every hour still running (or just ended)."""
    services = services_of(application)
    with services.db.session() as session:
        running = PlanRepo(session).power_running()
    for chat_id, started_at, done in running:
        schedule_power_step(application, chat_id, step_time(started_at, min(done + 1, LAST_STEP)))


async def forget_power(application: PumpApplication, chat_id: int) -> None:
    remove_job(application, power_job_name(chat_id))


async def move_power(application: PumpApplication, old_id: int, new_id: int) -> None:
    """A running hour goes on in the chat's new id (a group that became a supergroup)."""
    remove_job(application, power_job_name(old_id))
    with services_of(application).db.session() as session:
        row = PlanRepo(session).get(new_id)
        started_at, done = (row.power_started_at, row.power_step) if row else (None, 0)
    if started_at is not None:
        schedule_power_step(application, new_id, step_time(started_at, min(done + 1, LAST_STEP)))
