"""The live session timer's message, edited with the elapsed time about once a minute.

One job per running timer (`timer:<chat_id>`), armed by the leader only (bot/leadership.py),
like the reminders: a follower that starts or resumes a timer tells the leader, which reads the
row. Each edit is claimed in the database first (`bot.timers.claim_edit`: at most one a minute
per message, whoever runs the job), and goes through the application's rate limiter with every
other message. The row holds the start, so a restart re-arms every running timer
(`rebuild_timer_jobs`); a paused or stopped one has no job.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError

from bot.buttons import TIMER_PAUSE, TIMER_RESUME, TIMER_SIDE, TIMER_STOP
from bot.domain.chats import ChatSettings
from bot.domain.timer import other_side
from bot.ratelimit import SendHooks
from bot.services import PumpApplication, PumpContext
from bot.storage.models import SessionTimer
from bot.storage.repo import ChatRepo, running_timers
from bot.text.i18n import Translator
from bot.text.timer import SIDE_NAMES, timer_logged_text, timer_text, token
from bot.timers import claim_edit, current_timer, edit_due, mark_edited
from scheduler.delivery import arm_job, remove_job, services_of, tell_leader_unless_leading

log = logging.getLogger(__name__)

JOB_PREFIX = "timer:"
EDITING_AT_ONCE = 4
REARM_GAP = timedelta(seconds=5)


def nothing() -> None:
    """A timer edit records nothing around its request (a reminder records its hand-over)."""


def timer_job_name(chat_id: int) -> str:
    return f"{JOB_PREFIX}{chat_id}"


def timer_keyboard(row: SessionTimer, tr: Translator) -> InlineKeyboardMarkup | None:
    """Pause (or Resume) and Stop, and a switch to the other side; none once stopped."""
    if row.stopped_at is not None:
        return None
    key = token(row)
    stop = InlineKeyboardButton("⏹ " + tr._("Stop"), callback_data=TIMER_STOP.data(key))
    if row.paused_at is not None:
        resume = InlineKeyboardButton("▶️ " + tr._("Resume"), callback_data=TIMER_RESUME.data(key))
        return InlineKeyboardMarkup([[resume, stop]])
    pause = InlineKeyboardButton("⏸ " + tr._("Pause"), callback_data=TIMER_PAUSE.data(key))
    switch = InlineKeyboardButton(
        "↔️ " + tr._("Switch to the {side}", side=tr._(SIDE_NAMES[other_side(row.side)])),
        callback_data=TIMER_SIDE.data(key),
    )
    return InlineKeyboardMarkup([[pause, stop], [switch]])


def arm_timer(application: PumpApplication, chat_id: int, row: SessionTimer | None) -> None:
    """The chat's timer job at its next edit; none when it is not running. A follower arms no
    job: it tells the leader. Never sooner than `REARM_GAP` from now: armed by the job itself
    (an edit that waited long for its turn), a job due at once would find its own run still
    going, and APScheduler would skip it, and with it the timer."""
    if not tell_leader_unless_leading(application, chat_id):
        return
    now = services_of(application).clock.now()
    due = edit_due(row, now) if row is not None else None
    remove_job(application, timer_job_name(chat_id))
    if due is not None:
        when = max(due, now + REARM_GAP)
        arm_job(application, timer_job, timer_job_name(chat_id), chat_id, when)


async def rearm_timer(application: PumpApplication, chat_id: int) -> None:
    """Arm the chat's timer job from the database (a follower changed it, or the chat moved)."""
    arm_timer(application, chat_id, current_timer(services_of(application).db, chat_id))


async def rebuild_timer_jobs(application: PumpApplication) -> int:
    """On taking the lead (and so at start): a job for every running timer."""
    services = services_of(application)
    with services.db.session() as session:
        rows = list(running_timers(session))
    for row in rows:
        arm_timer(application, row.chat_id, row)
    return len(rows)


async def timer_job(context: PumpContext) -> None:
    job = context.job
    if job is not None and job.chat_id is not None:
        await edit_timer(context.application, job.chat_id)


def editing_slots(application: PumpApplication) -> asyncio.Semaphore:
    """At most `EDITING_AT_ONCE` timer edits wait for a turn to send at a time: a thousand
    timers due in one minute then queue here, not as a thousand tasks at the pacing grid."""
    slots = application.bot_data.get("timer_slots")
    if slots is None:
        slots = application.bot_data["timer_slots"] = asyncio.Semaphore(EDITING_AT_ONCE)
    return slots


async def edit_timer(application: PumpApplication, chat_id: int) -> bool:
    """Show the elapsed time on the timer's message if an edit is due, and arm the next one.
    True if it was edited. The claim (and the chat's settings) is one transaction on a
    worker thread, made once the edit has a slot, so the wait for one does not count as the
    minute; the edit yields its turn to parents' replies, as reminders do, and the moment it
    leaves is what the next minute counts from (`bot.timers.mark_edited`)."""
    services = services_of(application)
    row: SessionTimer | None = None
    try:
        async with editing_slots(application):
            now = services.clock.now()
            claimed = await asyncio.to_thread(claim_edit, services.db, chat_id, now)
            if claimed is None:
                return False
            row, settings = claimed

            def leaving() -> None:
                assert row is not None
                row.edited_at = mark_edited(services.db, chat_id, services.clock.now())

            return await show(application, settings, row, now, before_request=leaving)
    finally:
        # Once this run is over (a job still running is not run again), from the claimed row.
        if row is not None:
            arm_timer(application, chat_id, row)


def chat_settings_of(application: PumpApplication, chat_id: int) -> ChatSettings | None:
    with services_of(application).db.session() as session:
        chat = ChatRepo(session).get(chat_id)
        return ChatSettings.of(chat) if chat is not None else None


async def show(
    application: PumpApplication,
    settings: ChatSettings,
    row: SessionTimer,
    now: datetime,
    *,
    before_request: Callable[[], None] | None = None,
) -> bool:
    """Edit the timer's message to show the row as it is now. False if Telegram refused (the
    message deleted, or too old to edit): the timer goes on, the next minute tries again."""
    if row.message_id is None:
        return False
    bot = application.bot
    # Through the rate limiter when there is one (the tests' bots have none); a job's edit
    # yields its turn to parents' replies, as reminders do.
    extra = {}
    if before_request is not None:
        if bot.rate_limiter is not None:
            pacing = SendHooks(before_request, nothing, max_retries=1, yields=True)
            extra = {"rate_limit_args": pacing}
        else:
            await asyncio.to_thread(before_request)
    try:
        await bot.edit_message_text(
            timer_text(row, settings, now),
            chat_id=settings.id,
            message_id=row.message_id,
            reply_markup=timer_keyboard(row, settings.tr),
            **extra,
        )
    except BadRequest as error:
        if "not modified" in error.message.lower():
            return True
        log.info("Timer message in chat %s not edited: %s", settings.id, error.message)
        return False
    except TelegramError as error:
        log.info("Timer message in chat %s not edited: %s", settings.id, type(error).__name__)
        return False
    return True


async def timer_closed(
    application: PumpApplication, chat_id: int, message_id: int | None, minutes: int | None
) -> None:
    """Appended to `services.timer_closed_hooks`: a typed log took the timer's duration; its
    message says so, without buttons, and its job goes."""
    remove_job(application, timer_job_name(chat_id))
    tell_leader_unless_leading(application, chat_id)
    settings = chat_settings_of(application, chat_id)
    if message_id is None or minutes is None or settings is None:
        return
    try:
        await application.bot.edit_message_text(
            timer_logged_text(minutes, settings.tr), chat_id=chat_id, message_id=message_id
        )
    except TelegramError as error:
        log.info("Timer message in chat %s not closed: %s", chat_id, type(error).__name__)


async def forget_timer(application: PumpApplication, chat_id: int) -> None:
    """After /forget: the row is gone, so is the job."""
    remove_job(application, timer_job_name(chat_id))


async def move_timer(application: PumpApplication, old_id: int, new_id: int) -> None:
    remove_job(application, timer_job_name(old_id))
    await rearm_timer(application, new_id)
