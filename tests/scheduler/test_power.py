"""/power: the one-time note, a message at each change of the hour, and cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage.repo import PlanRepo
from bot.terminal.fakeapi import ApiCall
from scheduler.power import power_job_name
from tests.support.kit import GROUP_CHAT, PARENT_CHAT, BotHarness

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # 10:00 in Oslo


def power_job_time(bot: BotHarness, chat_id: int = PARENT_CHAT) -> datetime | None:
    jobs = bot.app.job_queue.get_jobs_by_name(power_job_name(chat_id))
    assert len(jobs) <= 1
    return jobs[0].job.trigger.run_date if jobs else None


async def fire_power(bot: BotHarness, chat_id: int = PARENT_CHAT) -> list[ApiCall]:
    """Run the chat's power job at its time; the messages it sent."""
    jobs = bot.app.job_queue.get_jobs_by_name(power_job_name(chat_id))
    assert len(jobs) == 1
    bot.clock.set(max(bot.clock.now(), jobs[0].job.trigger.run_date))
    before = len(bot.telegram.calls)
    await jobs[0].run(bot.app)
    return [
        c
        for c in bot.telegram.calls[before:]
        if c.method == "sendMessage" and c.result is not None and c.chat_id == chat_id
    ]


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


async def test_the_note_comes_once_then_the_hour_is_guided_step_by_step(bot: BotHarness) -> None:
    reply = await bot.say("/power")
    assert "sucks weakly" in reply.text and "health personnel" in reply.text
    assert "making too much" in reply.text
    assert power_job_time(bot) is None  # nothing starts before the parent says so
    calls = await bot.press("Start now")
    started = [c for c in calls if c.method == "sendMessage"]
    assert len(started) == 1
    assert "Pump for 20 minutes, until 10:20 AM" in plain(started[0].text)
    assert any("Cancel" in b["text"] for b in started[0].buttons)

    expected = [
        (20, "Rest for 10 minutes, until 10:30 AM"),
        (30, "Pump again for 10 minutes, until 10:40 AM"),
        (40, "Rest for 10 minutes, until 10:50 AM"),
        (50, "Last round: pump for 10 minutes, until 11:00 AM"),
        (60, "Done: that was your power-pumping hour"),
    ]
    for minutes, text in expected:
        assert power_job_time(bot) == START + timedelta(minutes=minutes)
        sent = await fire_power(bot)
        assert len(sent) == 1 and text in plain(sent[0].text)
    assert sent[0].buttons == []  # no cancel on "done"
    assert power_job_time(bot) is None

    reply = await bot.say("/power")  # the note was shown once: now it starts at once
    assert "Pump for 20 minutes" in reply.text
    assert "oversupply" not in reply.text


async def test_cancel_stops_the_hour(bot: BotHarness) -> None:
    await bot.say("/power")
    await bot.press("Start now")
    await fire_power(bot)  # rest
    calls = await bot.press("Cancel")
    assert any("Power pumping cancelled" in c.text for c in calls)
    assert power_job_time(bot) is None
    with bot.services.db.session() as session:
        row = PlanRepo(session).get(PARENT_CHAT)
        assert row is not None and row.power_started_at is None
    calls = await bot.press("Cancel")  # an old button: nothing to cancel
    assert any("out of date" in c.params.get("text", "") for c in calls)


async def test_not_now_starts_nothing(bot: BotHarness) -> None:
    await bot.say("/power")
    calls = await bot.press("Not now")
    assert any("/power" in c.text for c in calls if c.method == "editMessageText")
    assert power_job_time(bot) is None


async def test_a_running_hour_is_not_started_twice(bot: BotHarness) -> None:
    await bot.say("/power")
    await bot.press("Start now")
    reply = await bot.say("/power")
    assert "already running, until 11:00" in plain(reply.text)


async def test_reminders_wait_for_the_end_of_the_hour(bot: BotHarness) -> None:
    await bot.say("/remind every 2h")
    await bot.say("/power")
    await bot.press("Start now")  # at 10:00; the plan counts from the end of the hour
    jobs = bot.app.job_queue.get_jobs_by_name(f"reminder:{PARENT_CHAT}")
    assert jobs[0].job.trigger.run_date == START + timedelta(hours=3)


async def test_a_restart_mid_hour_announces_only_the_current_step(tmp_path: Path) -> None:
    first = await BotHarness(tmp_path).start()
    await first.say("/power", chat_id=GROUP_CHAT)
    await first.press("Start now", chat_id=GROUP_CHAT)
    await first.stop()
    first.clock.set(START + timedelta(minutes=35))  # missed "rest" at 20; "pump" at 30 is on
    second = await BotHarness(tmp_path, first.clock).start()
    try:
        sent = await fire_power(second, GROUP_CHAT)
        assert len(sent) == 1 and "Pump again" in sent[0].text
        assert power_job_time(second, GROUP_CHAT) == START + timedelta(minutes=40)
    finally:
        await second.stop()
