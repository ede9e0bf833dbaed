"""Where features meet: a plan changes what stats show, a zone change moves reminders,
/today carries the day's numbers, and a reminder's log is a log like any other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.storage.repo import SessionRepo
from scheduler.delivery import job_name
from tests.support.kit import PARENT_CHAT, BotHarness
from tests.support.seed import add_session


def job_time(bot: BotHarness) -> datetime | None:
    jobs = bot.app.job_queue.get_jobs_by_name(job_name(PARENT_CHAT))
    return jobs[0].job.trigger.run_date if jobs else None


async def test_the_building_supply_plan_alone_never_brings_the_guideline_band(
    bot: BotHarness,
) -> None:
    """Issue 13: a building-plan chat that never answered /exclusive got a verdict after one
    logged session. The plan is for the first weeks, when the band says least."""
    add_session(bot, bot.clock.now() - timedelta(days=1), 90, chat_id=PARENT_CHAT)
    await bot.say("/remind")
    await bot.press("Building supply")
    after = await bot.say("/week")
    assert "750" not in after.text and "under" not in after.text


async def test_changing_the_time_zone_moves_a_fixed_time_reminder(bot: BotHarness) -> None:
    await bot.say("/timezone Europe/Oslo")
    await bot.say("/remind 12:00")
    oslo_noon = job_time(bot)
    assert oslo_noon is not None and oslo_noon.astimezone(UTC).hour == 11  # CET is UTC+1
    await bot.say("/timezone America/New_York")
    new_york_noon = job_time(bot)
    assert new_york_noon is not None
    assert new_york_noon.astimezone(UTC).hour == 16  # 12:00 EDT (UTC-4) on 10 March 2026


async def test_today_shows_the_average_and_the_longest_gap(bot: BotHarness) -> None:
    await bot.say("/timezone UTC")
    await bot.say("L 60 R 70 at 06:00")
    await bot.say("100 ml at 08:30")
    reply = await bot.say("/today")
    assert "Average per session: 115\u00a0ml" in reply.text
    assert "Longest gap: 2 h 30 min" in reply.text


async def test_history_fix_then_a_reply_with_a_time_moves_the_entry(bot: BotHarness) -> None:
    await bot.say("/timezone UTC")
    entry = add_session(bot, datetime(2026, 3, 9, 7, 0, tzinfo=UTC), 90, chat_id=PARENT_CHAT)
    listing = await bot.say("/history")
    calls = await bot.tap(f"stats:fix:{entry.id}:0", listing.message_id)
    prompt = next(c for c in calls if c.method == "sendMessage")
    await bot.say("07:45", reply_to=prompt.message_id)
    with bot.services.db.session() as session:
        moved = SessionRepo(session, PARENT_CHAT).get(entry.id or 0)
    assert moved is not None and moved.started_at.hour == 7 and moved.started_at.minute == 45
