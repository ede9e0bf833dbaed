"""The stash's morning note with a controlled clock: at the end of the night, once, over several
days and across the clock changes, rebuilt after restarts, obeying /nudges, never at night."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import FakeClock
from bot.storage.repo import StashRepo
from bot.terminal.fakeapi import ApiCall
from scheduler.stash_notes import SWEEP_JOB, note_job_name, send_note
from tests.support.kit import PARENT_CHAT, BotHarness

OSLO = ZoneInfo("Europe/Oslo")


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO).astimezone(UTC)  # type: ignore[misc]


def plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).replace("\u202f", " ").replace("\u00a0", " ")


def note_time(bot: BotHarness, chat_id: int = PARENT_CHAT) -> datetime | None:
    jobs = bot.app.job_queue.get_jobs_by_name(note_job_name(chat_id))
    assert len(jobs) <= 1
    return jobs[0].job.trigger.run_date if jobs else None


async def fire_note(bot: BotHarness, chat_id: int = PARENT_CHAT) -> list[ApiCall]:
    """Move the clock to the note job's time (if it is later) and run it; what it sent."""
    jobs = bot.app.job_queue.get_jobs_by_name(note_job_name(chat_id))
    assert len(jobs) == 1, "no note job armed"
    bot.clock.set(max(bot.clock.now(), jobs[0].job.trigger.run_date))
    before = len(bot.telegram.calls)
    await jobs[0].run(bot.app)
    return [
        c
        for c in bot.telegram.calls[before:]
        if c.method == "sendMessage" and c.chat_id == chat_id and c.result is not None
    ]


def stored_amounts(bot: BotHarness) -> list[float]:
    with bot.services.db.session() as session:
        return [p.amount_ml for p in StashRepo(session, PARENT_CHAT).stored()]


async def test_the_note_comes_at_six_lists_what_runs_out_and_comes_once(bot: BotHarness) -> None:
    await bot.say("fridge 90")  # Tue 10 Mar 10:00 in Oslo: use by Sat 14 Mar 10:00
    assert note_time(bot) == oslo(2026, 3, 14, 6, 0)
    bot.clock.set(oslo(2026, 3, 12, 8, 0))
    await bot.say("froze 120")  # months away: it does not bring the note forward
    assert note_time(bot) == oslo(2026, 3, 14, 6, 0)

    (note,) = await fire_note(bot)
    text = plain(note.text)
    assert text.startswith(
        "🌅 Good morning! 90 ml of stored milk reaches its use-by time within a day:"
    )
    assert "90 ml in the fridge, use by today at 10:00 AM" in text
    assert "120 ml" not in text
    assert "/nudges off" in text
    assert [b["text"] for b in note.buttons] == ["🍼 Use 90\u00a0ml (fridge)"]
    # The next note is the frozen milk's, six months on: the same morning never comes twice.
    assert note_time(bot) == oslo(2026, 9, 12, 6, 0)
    assert await send_note(bot.app, PARENT_CHAT) is False

    await bot.tap(note.buttons[0]["callback_data"], note.message_id)
    assert stored_amounts(bot) == [120.0]


async def test_notes_over_several_days_across_the_spring_change_survive_restarts(
    tmp_path: Path,
) -> None:
    clock = FakeClock(oslo(2026, 3, 26, 20, 0))
    bot = await BotHarness(tmp_path, clock).start()
    await bot.say("fridge 100")  # Thu 26 Mar 20:00: use by Mon 30 Mar 21:00 (summer time)
    clock.set(oslo(2026, 3, 27, 8, 0))
    await bot.say("fridge 110")  # use by Tue 31 Mar 09:00
    clock.set(oslo(2026, 3, 28, 15, 0))
    await bot.say("fridge 120")  # use by Wed 1 Apr 16:00
    await bot.stop()

    expected = [
        (datetime(2026, 3, 30, 4, 0, tzinfo=UTC), "100 ml in the fridge, use by today at 9:00 PM"),
        (datetime(2026, 3, 31, 4, 0, tzinfo=UTC), "110 ml in the fridge, use by today at 9:00 AM"),
        (datetime(2026, 4, 1, 4, 0, tzinfo=UTC), "120 ml in the fridge, use by today at 4:00 PM"),
    ]
    for due, line in expected:
        # A restart the evening before each morning: the job comes back from the database alone.
        clock.set(due - timedelta(hours=10))
        bot = await BotHarness(tmp_path, clock).start()
        assert note_time(bot) == due  # 06:00 in Oslo, summer time (04:00 UTC)
        (note,) = await fire_note(bot)
        assert line in plain(note.text)
        assert len(note.buttons) == 1
        await bot.stop()
    bot = await BotHarness(tmp_path, clock).start()
    assert note_time(bot) is None  # nothing left to run out
    assert await send_note(bot.app, PARENT_CHAT) is False
    await bot.stop()


async def test_a_note_across_the_autumn_change_comes_at_six_winter_time(bot: BotHarness) -> None:
    bot.clock.set(oslo(2026, 10, 24, 10, 0))
    await bot.say("froze 150")
    await bot.say("/stash")
    await bot.press("Thaw the oldest")  # Sat 24 Oct 10:00 summer time: use by Sun 09:00 winter
    assert note_time(bot) == datetime(2026, 10, 25, 5, 0, tzinfo=UTC)  # Sunday 06:00 CET
    (note,) = await fire_note(bot)
    assert "150 ml thawed in the fridge, use by today at 9:00 AM" in plain(note.text)


async def test_the_note_follows_the_chats_night_window(bot: BotHarness) -> None:
    await bot.say("/remind every 3h quiet 22-08")
    await bot.say("fridge 90")
    assert note_time(bot) == oslo(2026, 3, 14, 8, 0)


async def test_nudges_off_means_no_note_and_the_morning_passes(bot: BotHarness) -> None:
    await bot.say("fridge 90")
    await bot.say("/nudges off")
    assert await fire_note(bot) == []
    assert note_time(bot) is None
    await bot.say("/nudges on")  # back on: that morning is not sent late
    assert await send_note(bot.app, PARENT_CHAT) is False


async def test_a_morning_missed_while_down_comes_by_day_and_never_at_night(
    tmp_path: Path,
) -> None:
    clock = FakeClock(oslo(2026, 3, 10, 23, 55))
    bot = await BotHarness(tmp_path, clock).start()
    await bot.say("fridge 90")  # use by Sat 14 Mar 23:55, noted that morning at 06:00
    await bot.say("fridge 80", chat_id=777, user_id=777)  # another chat, the same times
    await bot.stop()

    clock.set(oslo(2026, 3, 14, 13, 0))  # down through the morning, back after lunch
    bot = await BotHarness(tmp_path, clock).start()
    assert note_time(bot) == clock.now()
    (note,) = await fire_note(bot)
    assert "90 ml in the fridge, use by today at 11:55 PM" in plain(note.text)
    await bot.stop()

    clock.set(oslo(2026, 3, 14, 23, 30))  # the other chat's bot comes back only at night
    bot = await BotHarness(tmp_path, clock).start()
    assert await fire_note(bot, 777) == []  # nothing at night; that note is skipped
    assert note_time(bot, 777) is None
    await bot.stop()


async def test_the_hourly_sweep_arms_a_note_whose_milk_comes_within_two_days(
    tmp_path: Path,
) -> None:
    clock = FakeClock(oslo(2026, 3, 10, 10, 0))
    bot = await BotHarness(tmp_path, clock).start()
    await bot.say("fridge 90")  # use by Sat 14 Mar 10:00
    await bot.stop()
    bot = await BotHarness(tmp_path, clock).start()
    try:
        assert note_time(bot) is None  # four days away: not armed at start
        clock.set(oslo(2026, 3, 12, 11, 0))  # within two days of running out
        (sweep,) = bot.app.job_queue.get_jobs_by_name(SWEEP_JOB)
        await sweep.run(bot.app)
        assert note_time(bot) == oslo(2026, 3, 14, 6, 0)
    finally:
        await bot.stop()
