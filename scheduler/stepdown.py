"""The step-down plan's steps: one job per plan (`stepdown:<chat_id>`) at its next step, run
by the leader only, like the reminders. The step is taken in the database
(`bot.stepping.take_step`: claimed there, so never twice), the reminders follow it, and the
step's message asks how the breasts feel. Nothing lives only in memory: taking the lead (a
start) re-arms every plan (`rebuild_step_jobs`); a paused plan has no job.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.buttons import STEP_FEEL
from bot.domain.chats import ChatSettings
from bot.domain.stepdown import Feeling
from bot.services import PumpApplication, PumpContext
from bot.stepping import StepView, current_plan, take_step
from bot.storage.repo import ChatRepo, step_down_plans_due
from bot.text.i18n import N_, Translator
from bot.text.stepdown import plan_done_text, step_text
from scheduler.delivery import arm_job, remove_job, services_of, tell_leader_unless_leading

log = logging.getLogger(__name__)

JOB_PREFIX = "stepdown:"
FEELINGS = {
    Feeling.COMFORTABLE: N_("😊 Comfortable"),
    Feeling.FULL: N_("🙂 Full, but fine"),
    Feeling.SORE: N_("😣 Sore, a lump or red"),
}


def step_job_name(chat_id: int) -> str:
    return f"{JOB_PREFIX}{chat_id}"


def feelings_keyboard(tr: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(tr._(label), callback_data=STEP_FEEL.data(feeling.value))]
            for feeling, label in FEELINGS.items()
        ]
    )


def arm_step(application: PumpApplication, chat_id: int, view: StepView | None) -> None:
    """The plan's job at its next step; none when paused, done or gone. A follower tells the
    leader instead."""
    if not tell_leader_unless_leading(application, chat_id):
        return
    remove_job(application, step_job_name(chat_id))
    plan = view.plan if view is not None and not view.done else None
    if plan is not None and plan.paused_at is None and plan.next_step_at is not None:
        arm_job(application, step_job, step_job_name(chat_id), chat_id, plan.next_step_at)


async def rearm_step(application: PumpApplication, chat_id: int) -> None:
    arm_step(application, chat_id, current_plan(services_of(application).db, chat_id))


async def rebuild_step_jobs(application: PumpApplication) -> int:
    """On taking the lead (and so at start): a job for every plan with a step to come."""
    services = services_of(application)
    with services.db.session() as session:
        rows = list(step_down_plans_due(session))
    for row in rows:
        if row.next_step_at is not None:
            arm_job(
                application, step_job, step_job_name(row.chat_id), row.chat_id, row.next_step_at
            )
    return len(rows)


async def step_job(context: PumpContext) -> None:
    job = context.job
    if job is not None and job.chat_id is not None:
        await send_step(context.application, job.chat_id)


def step_message(view: StepView, settings: ChatSettings) -> tuple[str, InlineKeyboardMarkup | None]:
    """A step's text and buttons: the feelings question, or the plan done."""
    number, total = view.plan.step + 1, len(view.steps)
    if view.done and view.step.sessions > 0:
        return plan_done_text(view.step, settings), None
    text = step_text(view.step, number, total, settings)
    return text, None if view.step.sessions == 0 else feelings_keyboard(settings.tr)


async def send_step(application: PumpApplication, chat_id: int) -> bool:
    """Take the step due now, if one is: the reminders move (announced), the message asks how
    the breasts feel, and the job is armed for the next step. True if a step was taken."""
    services = services_of(application)
    now = services.clock.now()
    with services.db.session() as session:
        chat = ChatRepo(session).get(chat_id)
        settings = ChatSettings.of(chat) if chat is not None else None
    if settings is None:
        return False
    view = take_step(services.db, settings, now)
    if view is None:
        return False
    await services.chat_changed(application, chat_id)  # the reminder job follows the plan
    arm_step(application, chat_id, view)
    text, keyboard = step_message(view, settings)
    try:
        await application.bot.send_message(chat_id, text, reply_markup=keyboard)
    except TelegramError as error:
        log.warning("Step-down step for chat %s not sent: %s", chat_id, type(error).__name__)
    return True


async def forget_step(application: PumpApplication, chat_id: int) -> None:
    remove_job(application, step_job_name(chat_id))


async def move_step(application: PumpApplication, old_id: int, new_id: int) -> None:
    remove_job(application, step_job_name(old_id))
    await rearm_step(application, new_id)
