"""The stash's morning note: when milk runs out within a day, a note at the end of the night.

One job per chat (`stash-note:<chat_id>`), armed at the morning computed by
`bot.domain.stash.note_due` from what is in the database: the stored portions' use-by times,
the chat's night window (its reminder plan's, else 23:00-06:00) and zone, and the last morning
noted (`stash_state.note_sent_for`). Nothing about the note lives only in memory, so a restart
rebuilds the jobs (`rebuild_note_jobs`), and an hourly sweep re-arms chats whose milk runs out
soon (a changed zone or night window is picked up there, and when the job fires).

A note is claimed (its morning stored, compare-and-set) before it is sent: never twice, also
with two instances. It obeys /nudges (off: the morning passes unsent) and never goes out at
night: a morning missed while the bot was down is sent late during the day, or skipped.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.buttons import STASH_USE
from bot.domain.chats import ChatSettings
from bot.domain.stash import (
    DEFAULT_NIGHT_END,
    DEFAULT_NIGHT_START,
    in_night,
    note_due,
    noted_on,
)
from bot.planbook import night_of
from bot.services import PumpApplication, PumpContext
from bot.storage.models import StashPortion
from bot.storage.repo import (
    ChatRepo,
    NudgeRepo,
    PlanRepo,
    StashRepo,
    StashStateRepo,
    stash_running_out,
)
from bot.text.stash import morning_note_text, use_button_label
from scheduler.delivery import arm_job, arm_repeating, remove_job, services_of

log = logging.getLogger(__name__)

JOB_PREFIX = "stash-note:"
SWEEP_JOB = "stash-notes:sweep"
SWEEP_EVERY = timedelta(hours=1)
# Chats with milk running out within this get their job at start and at each sweep; others get
# theirs when something changes in their stash, or from a later sweep.
HORIZON = timedelta(days=2)
MAX_BUTTONS = 6


def note_job_name(chat_id: int) -> str:
    return f"{JOB_PREFIX}{chat_id}"


def night_window(plan_night: tuple[time, time] | None) -> tuple[time, time]:
    return plan_night or (DEFAULT_NIGHT_START, DEFAULT_NIGHT_END)


def _chat_night(session: Session, chat_id: int) -> tuple[time, time]:
    row = PlanRepo(session).get(chat_id)
    night = night_of(row) if row is not None else None
    return night_window((night.start, night.end) if night else None)


def note_keyboard(portions: list[StashPortion], settings: ChatSettings) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                use_button_label(portion, settings), callback_data=STASH_USE.data(portion.id)
            )
        ]
        for portion in portions[:MAX_BUTTONS]
    ]
    return InlineKeyboardMarkup(rows)


async def schedule_note(application: PumpApplication, chat_id: int) -> datetime | None:
    """Arm the chat's note job at its next morning (now, if one is owed); none if nothing runs
    out. Appended to `services.stash_changed_hooks`."""
    services = services_of(application)
    now = services.clock.now()
    with services.db.session() as session:
        chat = ChatRepo(session).get(chat_id)
        if chat is None:
            due = None
        else:
            tz = ChatSettings.of(chat).tz
            state = StashStateRepo(session, chat_id).get()
            _start, end = _chat_night(session, chat_id)
            sent_for = state.note_sent_for if state is not None else None
            due = note_due(StashRepo(session, chat_id).stored(), sent_for, now, end, tz)
    remove_job(application, note_job_name(chat_id))
    if due is not None:
        arm_job(application, note_job, note_job_name(chat_id), chat_id, max(due, now))
    return due


async def note_job(context: PumpContext) -> None:
    job = context.job
    if job is not None and job.chat_id is not None:
        await send_note(context.application, job.chat_id)


async def send_note(application: PumpApplication, chat_id: int) -> bool:
    """Send the note owed now, if one is; always re-arm the job afterwards. True if sent."""
    try:
        return await _send_note(application, chat_id)
    finally:
        try:
            await schedule_note(application, chat_id)
        except Exception:  # the sweep will arm it again
            log.exception("Could not re-arm the stash note for chat %s", chat_id)


async def _send_note(application: PumpApplication, chat_id: int) -> bool:
    services = services_of(application)
    await services.reachability.wait()  # Telegram away: the note waits for it, unclaimed
    now = services.clock.now()
    with services.db.session() as session:
        chat = ChatRepo(session).get(chat_id)
        if chat is None:
            return False
        settings = ChatSettings.of(chat)
        tz = settings.tz
        states = StashStateRepo(session, chat_id)
        state = states.get()
        start, end = _chat_night(session, chat_id)
        portions = StashRepo(session, chat_id).stored()
        morning = note_due(portions, state.note_sent_for if state else None, now, end, tz)
        if morning is None or morning > now:
            return False
        listed = noted_on(portions, morning, now, end, tz)
        nudges = NudgeRepo(session, chat_id).get()
        quiet = nudges is not None and not nudges.enabled
        # Claimed either way: a note skipped (nudges off, or only night is left) stays skipped.
        if not states.claim_note(morning):
            return False  # another run sent it
        if quiet or not listed or in_night(now, start, end, tz):
            return False
        text = morning_note_text(listed, settings, now)
        keyboard = note_keyboard(listed, settings)
    try:
        await application.bot.send_message(chat_id, text, reply_markup=keyboard)
    except TelegramError as error:
        log.warning("Stash note for chat %s not sent: %s", chat_id, error.__class__.__name__)
        return False
    return True


async def rebuild_note_jobs(application: PumpApplication) -> int:
    """At start: a job for every chat whose milk runs out soon, and the hourly sweep."""
    count = await arm_running_out(application)
    arm_repeating(application, sweep_job, SWEEP_JOB, SWEEP_EVERY)
    return count


async def arm_running_out(application: PumpApplication) -> int:
    """(Re-)arm the note of every chat with a portion running out within `HORIZON`.

    Read in four queries for all those chats, not four per chat: with 10,000 such chats, one
    `schedule_note` each took minutes on a loaded machine (`python -m bench --only stash`)."""
    services = services_of(application)
    now = services.clock.now()
    with services.db.session() as session:
        found = stash_running_out(session, now + HORIZON)
    by_chat: dict[int, list[StashPortion]] = {}
    for portion in found.portions:
        by_chat.setdefault(portion.chat_id, []).append(portion)
    for chat_id, portions in by_chat.items():
        zone = found.zones.get(chat_id)
        if zone is None:
            continue
        start, end = found.nights.get(chat_id, (None, None))
        night = (_clock(start), _clock(end)) if start and end else None
        _night_start, night_end = night_window(night)
        due = note_due(portions, found.sent_for.get(chat_id), now, night_end, ZoneInfo(zone))
        remove_job(application, note_job_name(chat_id))
        if due is not None:
            arm_job(application, note_job, note_job_name(chat_id), chat_id, max(due, now))
    return len(by_chat)


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


async def sweep_job(context: PumpContext) -> None:
    await arm_running_out(context.application)


async def forget_note(application: PumpApplication, chat_id: int) -> None:
    """After /forget: the rows are gone, so is the job."""
    remove_job(application, note_job_name(chat_id))


async def move_note(application: PumpApplication, old_id: int, new_id: int) -> None:
    """After a group became a supergroup: the stash moved with its rows, so does the job."""
    remove_job(application, note_job_name(old_id))
    await schedule_note(application, new_id)
