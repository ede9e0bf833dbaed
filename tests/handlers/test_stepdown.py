"""The step-down plan as a parent sees it: the sessions from the log, the goal, the plan
proposed, reminders moved at each step, the question about the breasts, and a pause with the
warning signs on a warning word."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.stepdown import Step, has_warning_word, plan_steps, step_interval
from bot.storage.repo import PlanRepo, StepDownRepo, TimerRepo
from bot.terminal.fakeapi import ApiCall
from scheduler.stepdown import step_job_name
from tests.support.kit import PARENT_CHAT, BotHarness
from tests.support.seed import add_session

OSLO = ZoneInfo("Europe/Oslo")


def six_yesterday(bot: BotHarness, language: str = "en") -> None:
    for hour in (3, 7, 11, 15, 19, 23):
        moment = datetime.combine(date(2026, 3, 9), time(hour), tzinfo=OSLO)
        add_session(bot, moment, 100, chat_id=PARENT_CHAT, language=language)


def plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def reminder_interval(bot: BotHarness) -> int | None:
    with bot.services.db.session() as session:
        row = PlanRepo(session).get(PARENT_CHAT)
    return row.interval_min if row is not None and row.enabled else None


def step_job_time(bot: BotHarness) -> datetime | None:
    jobs = bot.app.job_queue.get_jobs_by_name(step_job_name(PARENT_CHAT))
    assert len(jobs) <= 1
    return jobs[0].job.trigger.run_date if jobs else None


async def fire_step(bot: BotHarness) -> list[ApiCall]:
    jobs = bot.app.job_queue.get_jobs_by_name(step_job_name(PARENT_CHAT))
    assert len(jobs) == 1
    bot.clock.set(jobs[0].job.trigger.run_date)
    before = len(bot.telegram.calls)
    await jobs[0].run(bot.app)
    return [c for c in bot.telegram.calls[before:] if c.method == "sendMessage"]


def test_steps_drop_one_session_at_a_time_and_shorten_the_last() -> None:
    assert plan_steps(6, 4) == [Step(5), Step(4)]
    assert plan_steps(3, 0) == [Step(2), Step(1), Step(1, shorter=True), Step(0)]
    assert plan_steps(1, 0) == [Step(1), Step(1, shorter=True), Step(0)]
    assert step_interval(4) == timedelta(hours=6)
    assert step_interval(5) == timedelta(hours=5)  # 4 h 48 min, to the nearest half hour
    assert step_interval(0) is None


def test_warning_words_in_both_languages() -> None:
    for text in ("my left breast is sore", "there's a lump", "it feels hard and red", "vondt!"):
        assert has_warning_word(text)
    for text in ("jeg har en kul i brystet", "hardt og rødt"):
        assert has_warning_word(text)
    assert not has_warning_word("all good today")


async def test_stopping_moves_the_reminders_step_by_step(bot: BotHarness) -> None:
    six_yesterday(bot)
    reply = await bot.say("/stepdown")
    assert "Yesterday you logged 6 sessions" in reply.text
    assert [b["text"] for b in reply.buttons] == ["Fewer sessions", "Stop pumping"]
    calls = await bot.press("Stop pumping")
    proposal = next(c for c in calls if c.method == "editMessageText")
    assert "one session fewer at a time, with 3 days between steps" in plain(proposal.text)
    assert "1. From Tue, Mar 10: 5 sessions a day, reminders every 5 hours" in proposal.text
    assert "6. From Wed, Mar 25: 1 shorter session a day" in plain(proposal.text)
    assert "7. From Sat, Mar 28: no more sessions" in plain(proposal.text)
    calls = await bot.press("Start the plan")
    step = next(c for c in calls if c.method == "sendMessage")
    assert "Step 1 of 7" in plain(step.text) and "How do your breasts feel?" in step.text
    assert step.buttons[0]["text"] == "😊 Comfortable"
    assert reminder_interval(bot) == 300
    assert step_job_time(bot) == bot.clock.now() + timedelta(days=3)

    (step,) = await fire_step(bot)
    assert "Step 2 of 7: 4 sessions a day, reminders every 6 hours" in plain(step.text)
    assert reminder_interval(bot) == 360
    calls = await bot.press("Comfortable")
    answer = next(c for c in calls if c.method == "sendMessage")
    assert "Good to hear. The next step is on Mon, Mar 16." in answer.text
    reminders = await bot.say("/reminders")
    assert "Step-down plan: step 2 of 7, 4 sessions a day" in reminders.text

    for _ in range(4):
        await fire_step(bot)
    (last,) = await fire_step(bot)
    assert "Step 7 of 7: no more sessions" in plain(last.text)
    assert "your reminders are off" in last.text
    assert "contact your doctor, the health visitor or the maternity ward" in last.text
    assert reminder_interval(bot) is None and step_job_time(bot) is None
    assert "Step-down plan" not in (await bot.say("/reminders")).text


async def test_a_warning_word_pauses_the_plan_and_shows_the_signs(bot: BotHarness) -> None:
    six_yesterday(bot)
    await bot.say("/stepdown")
    await bot.press("Fewer sessions")
    await bot.press("4 a day")
    await bot.press("Start the plan")
    bot.clock.advance(days=1)
    reply = await bot.say("my left breast is sore and a bit red")
    assert "I've paused your step-down plan" in reply.text
    assert "contact your doctor, the health visitor or the maternity ward" in reply.text
    assert step_job_time(bot) is None  # no session is dropped while paused
    status = await bot.say("/stepdown")
    assert "Paused." in status.text
    bot.clock.advance(days=2)
    await bot.press("Go on")
    # The pause (2 days) moves the next step later by as much.
    assert step_job_time(bot) == datetime(2026, 3, 15, 9, 0, tzinfo=ZoneInfo("UTC"))
    (done,) = await fire_step(bot)
    assert "You have reached your goal: 4 sessions a day" in done.text
    assert reminder_interval(bot) == 360


async def test_sore_as_an_answer_pauses_too_and_end_keeps_reminders(bot: BotHarness) -> None:
    six_yesterday(bot)
    await bot.say("/stepdown")
    await bot.press("Stop pumping")
    await bot.press("Start the plan")
    calls = await bot.press("Sore, a lump or red")
    assert any("I've paused your step-down plan" in c.text for c in calls)
    assert step_job_time(bot) is None
    await bot.say("/stepdown")
    calls = await bot.press("End")
    assert any("Your step-down plan is ended" in c.text for c in calls)
    assert reminder_interval(bot) == 300


async def test_trappened_in_bokmaal_and_a_typed_count(bot: BotHarness) -> None:
    reply = await bot.say("/trappened", language_code="nb")
    assert "/stepdown 6" in reply.text or "/trappened 6" in reply.text
    reply = await bot.say("/trappened 3", language_code="nb")
    # A typed count is the parent's own, not the log's: nothing was logged yesterday.
    assert "Nå pumper du 3 økter om dagen" in reply.text
    assert "I går" not in reply.text
    await bot.press("Slutte å pumpe", language_code="nb")
    calls = await bot.press("Start planen", language_code="nb")
    step = next(c for c in calls if c.method == "sendMessage")
    assert "Trinn 1 av 4" in plain(step.text)
    reply = await bot.say("det er vondt", language_code="nb")
    assert "Jeg har satt trappeplanen din på pause" in reply.text


async def test_the_plan_survives_a_restart_and_forget_takes_it(tmp_path: Path) -> None:
    first = await BotHarness(tmp_path).start()
    six_yesterday(first)
    await first.say("/stepdown")
    await first.press("Stop pumping")
    await first.press("Start the plan")
    await first.say("/timer")
    await first.stop()

    second = await BotHarness(tmp_path, first.clock).start()
    try:
        assert step_job_time(second) == first.clock.now() + timedelta(days=3)  # re-armed
        await second.say("/forget")
        await second.press("Delete everything")
        assert step_job_time(second) is None
        assert not [j for j in second.app.job_queue.jobs() if j.chat_id == PARENT_CHAT]
        with second.services.db.session() as session:
            assert StepDownRepo(session, PARENT_CHAT).get() is None
            assert TimerRepo(session, PARENT_CHAT).get() is None
    finally:
        await second.stop()
