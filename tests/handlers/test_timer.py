"""The live session timer as a parent sees it: a message edited about once a minute, Pause,
Stop and switch side, the amounts asked for with the duration noted, a typed log that closes
it, and a timer that survives a restart and is never edited twice in a minute."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.timer import TimerCommand, parse_timer_text
from bot.storage.repo import SessionRepo, TimerRepo
from bot.terminal.fakeapi import ApiCall
from bot.timers import current_timer
from scheduler.timers import edit_timer, timer_job_name
from tests.support.kit import PARENT_CHAT, BotHarness

MINUTE = timedelta(minutes=1)


def timer_job_time(bot: BotHarness):  # type: ignore[no-untyped-def]
    jobs = bot.app.job_queue.get_jobs_by_name(timer_job_name(PARENT_CHAT))
    assert len(jobs) <= 1
    return jobs[0].job.trigger.run_date if jobs else None


async def fire(bot: BotHarness) -> list[ApiCall]:
    """Move the clock to the timer's job and run it; the edits it made."""
    jobs = bot.app.job_queue.get_jobs_by_name(timer_job_name(PARENT_CHAT))
    assert len(jobs) == 1, "expected exactly one timer job"
    run_at = jobs[0].job.trigger.run_date
    if bot.clock.now() < run_at:
        bot.clock.set(run_at)
    before = len(bot.telegram.calls)
    await jobs[0].run(bot.app)
    return [c for c in bot.telegram.calls[before:] if c.method == "editMessageText"]


def stored_durations(bot: BotHarness) -> list[tuple[int | None, int]]:
    """(duration, minutes since the kit's 09:00 start) of every session."""
    start = bot.clock.now().replace(hour=9, minute=0)
    with bot.services.db.session() as session:
        return [
            (s.duration_min, int((s.started_at - start) / MINUTE))
            for s in SessionRepo(session, PARENT_CHAT).all()
        ]


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("start", TimerCommand.START),
        ("Start pumping!", TimerCommand.START),
        ("begynner", TimerCommand.START),
        ("Starter pumping", TimerCommand.START),
        ("stopp", TimerCommand.STOP),
        ("stop pumping", TimerCommand.STOP),
        ("start 120 ml", None),
        ("L 60 R 70", None),
        ("how do I start pumping?", None),
    ],
)
def test_typed_words_that_start_or_stop_a_timer(text: str, command: TimerCommand | None) -> None:
    assert parse_timer_text(text) == command


async def test_the_timer_message_shows_each_minute_and_never_twice(bot: BotHarness) -> None:
    reply = await bot.say("/timer")
    assert "Pumping: 0 min" in reply.text and "once a minute" in reply.text
    assert [b["text"] for b in reply.buttons] == [
        "⏸ Pause",
        "⏹ Stop",
        "↔️ Switch to the right side",
    ]
    assert timer_job_time(bot) == bot.clock.now() + MINUTE
    (edit,) = await fire(bot)
    assert edit.params["message_id"] == reply.message_id and "Pumping: 1 min" in edit.text
    # Another run at the same moment (a second instance, a late job) edits nothing.
    assert await edit_timer(bot.app, PARENT_CHAT) is False
    (edit,) = await fire(bot)
    assert "Pumping: 2 min" in edit.text


async def test_pause_resume_and_switch_side(bot: BotHarness) -> None:
    await bot.say("/timer")
    bot.clock.advance(minutes=5)
    calls = await bot.press("Switch to the right side")
    edited = next(c for c in calls if c.method == "editMessageText")
    assert "Side now: right side" in edited.text
    assert "↔️ Switch to the left side" in [b["text"] for b in edited.buttons]
    calls = await bot.press("Pause")
    edited = next(c for c in calls if c.method == "editMessageText")
    assert "Paused at 5 min" in edited.text
    assert timer_job_time(bot) is None  # nothing to show while paused
    bot.clock.advance(minutes=10)
    calls = await bot.press("Resume")
    assert "Pumping: 5 min" in next(c for c in calls if c.method == "editMessageText").text
    bot.clock.advance(minutes=3)
    calls = await bot.press("Stop")
    edited = next(c for c in calls if c.method == "editMessageText")
    assert "Stopped: 8 min." in edited.text  # the 10 minutes' pause does not count
    assert (
        "Send the amounts, like L 60 R 70; the duration, 8 min, is noted."
        in edited.text.replace("<code>", "").replace("</code>", "")
    )
    assert edited.buttons == []

    reply = await bot.say("L 60 R 70")
    assert "Duration: 8 min" in reply.text
    assert stored_durations(bot) == [(8, 0)]  # the session started when the timer did
    assert current_timer(bot.services.db, PARENT_CHAT) is None


async def test_a_log_typed_while_the_timer_runs_closes_it(bot: BotHarness) -> None:
    timer = await bot.say("/timer")
    bot.clock.advance(minutes=12, seconds=20)
    calls = await bot.feed(
        bot.telegram.message_update(
            PARENT_CHAT, "120 ml", bot.telegram.user(PARENT_CHAT, "en", "Parent")
        )
    )
    confirmation = next(c for c in calls if c.method == "sendMessage")
    assert "Duration: 12 min" in confirmation.text
    done = next(c for c in calls if c.method == "editMessageText")
    assert done.params["message_id"] == timer.message_id
    assert "Timer done: 12 min" in done.text and done.buttons == []
    assert timer_job_time(bot) is None
    assert stored_durations(bot) == [(12, 0)]
    # The next log is a session of its own.
    bot.clock.advance(hours=3)
    await bot.say("90 ml")
    assert stored_durations(bot)[-1][0] is None


async def test_a_duration_typed_wins_over_the_timer(bot: BotHarness) -> None:
    await bot.say("/timer")
    bot.clock.advance(minutes=12)
    reply = await bot.say("L 60 R 70 15 min")
    assert "Duration: 15 min" in reply.text


async def test_stop_by_command_and_in_bokmaal(bot: BotHarness) -> None:
    reply = await bot.say("/tidtaker", language_code="nb")
    assert "Pumper: 0 min" in reply.text
    bot.clock.advance(minutes=18)
    stopped = await bot.say("/tidtaker stopp", language_code="nb")
    assert "Stoppet: 18 min." in stopped.text
    none = await bot.say("/timer stop")
    assert "Ingen tidtaker går" in none.text


async def test_the_timer_survives_a_restart(tmp_path: Path) -> None:
    first = await BotHarness(tmp_path).start()
    reply = await first.say("/timer")
    await first.stop()

    clock = first.clock
    clock.advance(minutes=7, seconds=30)  # down for a while
    second = await BotHarness(tmp_path, clock).start()
    try:
        assert timer_job_time(second) is not None  # re-armed from the database
        (edit,) = await fire(second)
        assert edit.params["message_id"] == reply.message_id
        assert "Pumping: 7 min" in edit.text
    finally:
        await second.stop()


async def test_two_instances_never_edit_one_minute_twice(tmp_path: Path) -> None:
    first = await BotHarness(tmp_path).start()
    second = await BotHarness(tmp_path, first.clock).start()
    try:
        await first.say("/timer")
        first.clock.advance(minutes=1)
        results = [
            await edit_timer(first.app, PARENT_CHAT),
            await edit_timer(second.app, PARENT_CHAT),
        ]
        assert results == [True, False]
        with first.services.db.session() as session:
            assert TimerRepo(session, PARENT_CHAT).get() is not None
    finally:
        await second.stop()
        await first.stop()


async def test_a_forged_timer_button_is_out_of_date(bot: BotHarness) -> None:
    reply = await bot.say("/timer")
    calls = await bot.tap("timer:pause:12345", reply.message_id)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert "out of date" in calls[0].params["text"]


async def test_a_reminder_offers_to_start_a_timer(bot: BotHarness) -> None:
    from tests.scheduler.test_reminders import established
    from tests.scheduler.test_reminders import fire as fire_reminder

    await established(bot)
    (reminder,) = await fire_reminder(bot)
    assert "⏱ Start timer" in [b["text"] for b in reminder.buttons]
    calls = await bot.press("Start timer")
    timer = next(c for c in calls if c.method == "sendMessage")
    assert "Pumping: 0 min" in timer.text
    assert timer_job_time(bot) == bot.clock.now() + MINUTE


async def test_typed_words_start_and_stop_the_timer(bot: BotHarness) -> None:
    reply = await bot.say("start pumping")
    assert "Pumping: 0 min" in reply.text
    bot.clock.advance(minutes=15)
    stopped = await bot.say("stopp", language_code="nb")
    assert "Stopped: 15 min." in stopped.text
    reply = await bot.say("begynner", language_code="nb")
    assert "Pumping: 0 min" in reply.text  # a new timer; the chat speaks English
