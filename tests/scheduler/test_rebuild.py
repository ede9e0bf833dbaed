"""Rebuilding reminder jobs at start with many plans: the soonest get jobs at once, the arming job
arms the others before they are due, and every reminder still goes out exactly once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.storage.repo import PlanRepo
from scheduler import delivery
from scheduler.delivery import job_name, rebuild_jobs
from tests.support.kit import BotHarness
from tests.support.seeding import seed_plans

CHATS = list(range(7001, 7006))


def job_times(bot: BotHarness) -> dict[int, object]:
    """Each chat's reminder job time; fails if a chat has more than one job."""
    times = {}
    for chat_id in CHATS:
        jobs = bot.app.job_queue.get_jobs_by_name(job_name(chat_id))
        assert len(jobs) <= 1, f"chat {chat_id} has {len(jobs)} reminder jobs"
        if jobs:
            times[chat_id] = jobs[0].job.trigger.run_date
    return times


def reminders(bot: BotHarness, chat_id: int) -> int:
    """Messages the chat received: nobody writes in these chats, so each is a reminder."""
    return len(bot.sent_to(chat_id))


async def run_arming(bot: BotHarness) -> None:
    (arming,) = bot.app.job_queue.get_jobs_by_name(delivery.ARM_JOB)
    await arming.run(bot.app)


async def test_a_start_arms_the_soonest_and_the_arming_job_the_rest_in_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "ARMED_AT_START", 2)
    bot = BotHarness(tmp_path)
    start = bot.clock.now()
    dues = {chat_id: start + timedelta(minutes=20 * (i + 1)) for i, chat_id in enumerate(CHATS)}
    seed_plans(bot.config.database_url, CHATS, dues.__getitem__)
    await bot.start()
    try:
        assert job_times(bot) == {7001: dues[7001], 7002: dues[7002]}  # the two soonest
        for chat_id in CHATS:
            # The arming job runs every 30 s: its last run a little over a minute before.
            bot.clock.set(dues[chat_id] - delivery.ARM_AHEAD + delivery.ARM_EVERY / 2)
            await run_arming(bot)
            assert job_times(bot)[chat_id] == dues[chat_id]
            bot.clock.set(dues[chat_id])
            (job,) = bot.app.job_queue.get_jobs_by_name(job_name(chat_id))
            await job.run(bot.app)
        assert all(reminders(bot, chat_id) == 1 for chat_id in CHATS)
    finally:
        await bot.stop()


async def test_every_reminder_due_soon_is_armed_at_start_beyond_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "ARMED_AT_START", 1)
    bot = BotHarness(tmp_path)
    start = bot.clock.now()
    step = delivery.ARM_AHEAD / len(CHATS)
    dues = {chat_id: start + step * (i - 1) for i, chat_id in enumerate(CHATS)}
    seed_plans(bot.config.database_url, CHATS, dues.__getitem__)  # one overdue, all armed soon
    await bot.start()
    try:
        assert job_times(bot) == dues
    finally:
        await bot.stop()


async def test_rebuilding_again_leaves_one_job_per_chat(tmp_path: Path) -> None:
    bot = BotHarness(tmp_path)
    start = bot.clock.now()
    seed_plans(bot.config.database_url, CHATS, lambda chat_id: start + timedelta(hours=1))
    await bot.start()
    try:
        assert await rebuild_jobs(bot.app) == len(CHATS)
        assert len(job_times(bot)) == len(CHATS)
        reminder_jobs = [j for j in bot.app.job_queue.jobs() if j.name.startswith("reminder:")]
        assert len(reminder_jobs) == len(CHATS)
        assert len(bot.app.job_queue.get_jobs_by_name(delivery.SWEEP_JOB)) == 1
        assert len(bot.app.job_queue.get_jobs_by_name(delivery.ARM_JOB)) == 1
    finally:
        await bot.stop()


async def test_the_arming_job_brings_forward_a_job_that_runs_later_than_its_plan(
    tmp_path: Path,
) -> None:
    """A plan moved earlier by another instance whose notice never came is armed anew."""
    bot = BotHarness(tmp_path)
    start = bot.clock.now()
    seed_plans(bot.config.database_url, CHATS, lambda chat_id: start + timedelta(hours=1))
    await bot.start()
    try:
        sooner = start + timedelta(minutes=1)
        seed_due(bot, CHATS[0], sooner)
        await run_arming(bot)
        assert job_times(bot)[CHATS[0]] == sooner
        assert job_times(bot)[CHATS[1]] == start + timedelta(hours=1)
    finally:
        await bot.stop()


def seed_due(bot: BotHarness, chat_id: int, due: object) -> None:
    with bot.services.db.session() as session:
        row = PlanRepo(session).get(chat_id)
        assert row is not None
        PlanRepo(session).save(row, next_due_at=due)
