"""Reminders end to end: the real Application, the fake Bot API and a FakeClock. Time only
moves when a test moves it; a "job firing" is the chat's JobQueue job run at its time."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED
from apscheduler.executors.base import run_coroutine_job
from telegram.ext import Job

from bot.domain.chats import ChatSettings
from bot.domain.parsing import ParsedLog
from bot.logbook import LogBook
from bot.planbook import plan_kind_of
from bot.storage.models import ReminderPlan
from bot.storage.repo import ChatRepo, PlanRepo, SessionRepo
from bot.terminal.fakeapi import ApiCall, Fault
from scheduler.delivery import (
    Outcome,
    deliver_due,
    due_after_change,
    forget_chat,
    job_name,
    send_due_reminders,
)
from tests.support.kit import GROUP_CHAT, PARENT_CHAT, PARENT_ID, BotHarness

OSLO = ZoneInfo("Europe/Oslo")


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO).astimezone(UTC)  # type: ignore[misc]


async def log_session(
    bot: BotHarness, at: datetime, total: float = 120, chat_id: int = PARENT_CHAT
) -> None:
    """A session stored through the write path every feature uses, which announces it."""
    with bot.services.db.session() as session:
        chat = ChatRepo(session).get_or_create(chat_id, language="en", timezone="Europe/Oslo")
        settings = ChatSettings.of(chat)
    async with LogBook(bot.app, settings) as book:
        book.add(ParsedLog(started_at=at, total_ml=total, left_ml=total / 2, right_ml=total / 2))


def plan(bot: BotHarness, chat_id: int = PARENT_CHAT) -> ReminderPlan:
    with bot.services.db.session() as session:
        row = PlanRepo(session).get(chat_id)
    assert row is not None
    return row


def job_time(bot: BotHarness, chat_id: int = PARENT_CHAT) -> datetime | None:
    """When the chat's reminder job will run (None: no job). There is never more than one."""
    jobs = bot.app.job_queue.get_jobs_by_name(job_name(chat_id))
    assert len(jobs) <= 1
    return jobs[0].job.trigger.run_date if jobs else None


async def fire(bot: BotHarness, chat_id: int = PARENT_CHAT) -> list[ApiCall]:
    """Move the clock to the chat's job and run it as the JobQueue would; the reminders sent."""
    jobs = bot.app.job_queue.get_jobs_by_name(job_name(chat_id))
    assert len(jobs) == 1, "expected exactly one reminder job"
    run_at = jobs[0].job.trigger.run_date
    if bot.clock.now() < run_at:
        bot.clock.set(run_at)
    before = len(bot.telegram.calls)
    await jobs[0].run(bot.app)
    return reminders_in(bot.telegram.calls[before:], chat_id)


def reminders_in(calls: list[ApiCall], chat_id: int = PARENT_CHAT) -> list[ApiCall]:
    """Reminder messages that reached the chat (a failed call delivered nothing)."""
    return [
        c
        for c in calls
        if c.method == "sendMessage"
        and c.chat_id == chat_id
        and c.result is not None
        and any(b.get("callback_data", "").startswith("rem:snooze") for b in c.buttons)
    ]


def plain(text: str) -> str:
    """Babel writes times and amounts with narrow and non-breaking spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def texts(calls: list[ApiCall], method: str = "editMessageText") -> str:
    return "\n".join(plain(c.text) for c in calls if c.method == method)


def all_reminders(bot: BotHarness, chat_id: int = PARENT_CHAT) -> list[ApiCall]:
    return reminders_in(bot.telegram.calls, chat_id)


async def established(bot: BotHarness) -> None:
    await bot.say("/remind")
    await bot.press("Established supply")


# -- choosing a plan ------------------------------------------------------------------------


async def test_remind_offers_presets_grounded_in_the_guidance(bot: BotHarness) -> None:
    reply = await bot.say("/remind")
    labels = [b["text"] for b in reply.buttons]
    assert any("while your baby can't nurse" in label for label in labels)
    assert any("Established supply" in label for label in labels)
    assert any("Once a day" in label for label in labels)
    assert "While you cannot nurse, express every 2–3 hours" in reply.text
    assert "every 2.5 hours by day and every 3 hours at night" in reply.text


async def test_building_supply_preset_reminds_through_the_night(bot: BotHarness) -> None:
    bot.clock.set(oslo(2026, 3, 10, 21, 0))
    await bot.say("/remind")
    calls = await bot.press("Building supply")
    assert "every 3 hours at night (11:00 PM–6:00 AM)" in texts(calls)
    # 21:00 + 2 h 30 falls due at 23:30, at night: the night interval, 3 h, applies.
    assert job_time(bot) == oslo(2026, 3, 11, 0, 0)
    sent = await fire(bot)
    assert len(sent) == 1 and "night pumping" in sent[0].text
    assert job_time(bot) == oslo(2026, 3, 11, 3, 0)  # night: every 3 h, not silence
    with bot.services.db.session() as session:
        assert plan_kind_of(session, PARENT_CHAT) == "building"


async def test_once_a_day_at_a_chosen_time(bot: BotHarness) -> None:
    await bot.say("/remind")
    await bot.press("Once a day")
    calls = await bot.press("7:00")
    assert "Every day at 7:00 AM" in texts(calls)
    assert job_time(bot) == oslo(2026, 3, 11, 7, 0)
    with bot.services.db.session() as session:
        assert plan_kind_of(session, PARENT_CHAT) == "occasional"


async def test_typed_plans_in_both_languages(bot: BotHarness) -> None:
    reply = await bot.say("/paminn hver 2,5 time", chat_id=GROUP_CHAT, language_code="nb")
    assert "Påminnelse hver 2,5 time, regnet fra forrige økt" in plain(reply.text)
    assert "Neste påminnelse: 12:30" in plain(reply.text)
    reply = await bot.say("/remind kl 7 og kl 19")
    assert "Every day at 7:00 AM and 7:00 PM" in plain(reply.text)
    reply = await bot.say("/remind every 3h night 5h")
    assert plan(bot).night_interval_min == 300
    reply = await bot.say("/remind whenever")
    assert "nothing was changed" in reply.text
    assert plan(bot).interval_min == 180  # unchanged


async def test_remind_off_removes_the_job(bot: BotHarness) -> None:
    await established(bot)
    assert job_time(bot) is not None
    reply = await bot.say("/remind off")
    assert "Reminders are off" in reply.text
    assert job_time(bot) is None
    with bot.services.db.session() as session:
        assert plan_kind_of(session, PARENT_CHAT) is None


async def test_reminders_shows_the_plan_and_next_time_in_local_time(bot: BotHarness) -> None:
    reply = await bot.say("/reminders")
    assert "no reminders yet" in reply.text
    await established(bot)
    reply = await bot.say("/reminders")
    assert "Established supply" in reply.text
    assert "Next reminder: 1:00 PM" in plain(reply.text)  # 09:00 UTC + 3 h = 13:00 in Oslo


# -- must show: interval from the last log ---------------------------------------------------


async def test_an_interval_plan_counts_from_the_last_logged_session(bot: BotHarness) -> None:
    await established(bot)
    await log_session(bot, oslo(2026, 3, 10, 10, 0))
    assert job_time(bot) == oslo(2026, 3, 10, 13, 0)
    bot.clock.set(oslo(2026, 3, 10, 11, 0))
    await log_session(bot, oslo(2026, 3, 10, 11, 0))  # logging resets the clock
    assert job_time(bot) == oslo(2026, 3, 10, 14, 0)  # one job, moved
    sent = await fire(bot)
    assert len(sent) == 1
    text = plain(sent[0].text)
    assert "Time to pump" in text
    assert "Last session: 3 h ago, at 11:00 AM" in text
    assert "Today so far: 2 sessions, 240 ml" in text
    labels = [plain(b["text"]) for b in sent[0].buttons]
    assert labels == ["✅ Log 120 ml", "💤 15 min", "💤 30 min", "Skip"]
    assert job_time(bot) == oslo(2026, 3, 10, 17, 0)  # unanswered: again an interval later


async def run_held_up(job: Job[Any], late: timedelta) -> list[int]:
    """Run a job the way APScheduler's executor does when it gets to it `late` after its time
    (a busy event loop, a suspended machine); the event codes it reports. APScheduler measures
    lateness on the real clock and, by default, skips a run more than a second late."""
    held_up = datetime.now(UTC) - late
    events = await run_coroutine_job(job.job, "default", [held_up], "apscheduler.executors")
    return [event.code for event in events]


async def test_a_reminder_held_up_for_hours_is_sent_late_not_dropped(bot: BotHarness) -> None:
    await established(bot)
    await log_session(bot, oslo(2026, 3, 10, 10, 0))
    (job,) = bot.app.job_queue.get_jobs_by_name(job_name(PARENT_CHAT))
    bot.clock.set(oslo(2026, 3, 10, 15, 0))  # due at 1 PM; the process got to it at 3
    before = len(bot.telegram.calls)
    assert await run_held_up(job, timedelta(hours=2)) == [EVENT_JOB_EXECUTED]
    (sent,) = reminders_in(bot.telegram.calls[before:])
    assert "This reminder was due at 1:00 PM; sorry it comes late." in plain(sent.text)


async def test_a_sweep_held_up_still_sends_what_is_overdue(bot: BotHarness) -> None:
    """The sweep is what sends a reminder whose job went missing; held up, it still runs."""
    await established(bot)
    await log_session(bot, oslo(2026, 3, 10, 10, 0))
    bot.app.job_queue.get_jobs_by_name(job_name(PARENT_CHAT))[0].schedule_removal()
    (sweep,) = bot.app.job_queue.get_jobs_by_name("reminders:sweep")
    bot.clock.set(oslo(2026, 3, 10, 13, 30))
    before = len(bot.telegram.calls)
    assert await run_held_up(sweep, timedelta(minutes=20)) == [EVENT_JOB_EXECUTED]
    assert len(reminders_in(bot.telegram.calls[before:])) == 1


async def test_a_reminder_held_up_is_sent_late_and_the_lateness_logged(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await established(bot)
    bot.clock.set(oslo(2026, 3, 10, 13, 25))  # the loop was busy for 25 minutes
    with caplog.at_level(logging.INFO, logger="scheduler.delivery"):
        sent = await fire(bot)
    assert len(sent) == 1
    assert "sorry it comes late" in sent[0].text
    assert any("1500.0 s after it was due" in r.getMessage() for r in caplog.records)


# -- must show: fixed times -----------------------------------------------------------------


async def test_fixed_times_ring_at_those_local_times(bot: BotHarness) -> None:
    reply = await bot.say("/remind 06:00 09:00 12:00 15:00 18:00 21:00")
    assert "Next reminder: 12:00 PM" in plain(reply.text)  # it is 10:00 in Oslo
    sent = await fire(bot)
    assert len(sent) == 1 and "It's 12:00 PM: time to pump" in plain(sent[0].text)
    await fire(bot)
    await fire(bot)
    await fire(bot)
    assert bot.clock.now() == oslo(2026, 3, 10, 21, 0)
    assert job_time(bot) == oslo(2026, 3, 11, 6, 0)  # the next morning, nothing in between
    assert len(all_reminders(bot)) == 4


async def test_a_fixed_06_00_stays_06_00_across_the_spring_change(bot: BotHarness) -> None:
    bot.clock.set(oslo(2026, 3, 28, 6, 30))
    await bot.say("/remind kl 6")
    assert job_time(bot) == oslo(2026, 3, 29, 6, 0)
    assert job_time(bot) == datetime(2026, 3, 29, 4, 0, tzinfo=UTC)  # summer time: UTC+2


# -- must show: quiet hours -----------------------------------------------------------------


async def test_quiet_hours_hold_reminders_and_several_become_one(bot: BotHarness) -> None:
    await bot.say("/remind every 2h")
    await log_session(bot, oslo(2026, 3, 10, 21, 30))
    assert job_time(bot) == oslo(2026, 3, 11, 6, 0)  # 23:30 is in the quiet hours
    # Wake every 15 minutes through the night, as the sweep would: nothing is owed.
    moment = oslo(2026, 3, 10, 21, 45)
    while moment < oslo(2026, 3, 11, 6, 0):
        bot.clock.set(moment)
        assert await send_due_reminders(bot.app) == {}
        assert await deliver_due(bot.app, PARENT_CHAT) is Outcome.NOT_DUE
        moment += timedelta(minutes=15)
    assert all_reminders(bot) == []
    sent = await fire(bot)
    assert bot.clock.now() == oslo(2026, 3, 11, 6, 0)
    assert len(sent) == 1  # 23:30, 01:30, 03:30 and 05:30 became one at 06:00
    assert job_time(bot) == oslo(2026, 3, 11, 8, 0)


async def test_quiet_hours_can_be_changed_or_switched_off(bot: BotHarness) -> None:
    await established(bot)
    reply = await bot.say("/remind quiet 22-07")
    assert "Quiet hours 10:00 PM–7:00 AM" in plain(reply.text)
    await log_session(bot, oslo(2026, 3, 10, 20, 0))
    assert job_time(bot) == oslo(2026, 3, 11, 7, 0)
    reply = await bot.say("/remind quiet off")
    assert "day and night" in reply.text
    assert job_time(bot) == oslo(2026, 3, 10, 23, 0)


# -- must show: Europe/Oslo spring forward and fall back -----------------------------------


async def test_spring_forward_three_hours_are_real_hours(bot: BotHarness) -> None:
    await bot.say("/remind every 3h quiet off")
    bot.clock.set(oslo(2026, 3, 29, 0, 30))
    await log_session(bot, oslo(2026, 3, 29, 0, 30))
    assert job_time(bot) == datetime(2026, 3, 29, 2, 30, tzinfo=UTC)
    reply = await bot.say("/reminders")
    assert "Next reminder: 4:30 AM" in plain(reply.text)  # the clock skipped 02:00-03:00
    sent = await fire(bot)
    assert len(sent) == 1 and "3 h ago, at 12:30 AM" in plain(sent[0].text)


async def test_fall_back_three_hours_are_real_hours(bot: BotHarness) -> None:
    await bot.say("/remind every 3h quiet off")
    bot.clock.set(oslo(2026, 10, 25, 0, 30))
    await log_session(bot, oslo(2026, 10, 25, 0, 30))
    assert job_time(bot) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    reply = await bot.say("/reminders")
    assert "Next reminder: 2:30 AM" in plain(reply.text)  # 02:00-03:00 happened twice
    sent = await fire(bot)
    assert len(sent) == 1 and "3 h ago" in plain(sent[0].text)
    assert job_time(bot) == datetime(2026, 10, 25, 4, 30, tzinfo=UTC)  # 05:30 CET


# -- must show: snooze and skip -------------------------------------------------------------


async def test_snooze_brings_the_reminder_back(bot: BotHarness) -> None:
    await established(bot)
    await log_session(bot, oslo(2026, 3, 10, 10, 0))
    await fire(bot)
    calls = await bot.press("15 min")
    assert "Snoozed. Next reminder: 1:15 PM" in texts(calls)
    assert job_time(bot) == oslo(2026, 3, 10, 13, 15)
    sent = await fire(bot)
    assert len(sent) == 1 and "Snooze is over" in sent[0].text
    assert job_time(bot) == oslo(2026, 3, 10, 16, 15)


async def test_logging_during_a_snooze_cancels_it(bot: BotHarness) -> None:
    await established(bot)
    await log_session(bot, oslo(2026, 3, 10, 10, 0))
    await fire(bot)
    await bot.press("30 min")
    bot.clock.set(oslo(2026, 3, 10, 13, 10))
    await log_session(bot, oslo(2026, 3, 10, 13, 5))
    assert job_time(bot) == oslo(2026, 3, 10, 16, 5)


async def test_skip_waits_for_the_regular_time(bot: BotHarness) -> None:
    await established(bot)
    await log_session(bot, oslo(2026, 3, 10, 10, 0))
    await fire(bot)
    await bot.press("15 min")
    sent = await fire(bot)  # the snoozed one
    calls = await bot.tap(sent[0].buttons[-1]["callback_data"], sent[0].message_id)
    assert "Skipped. Next reminder: 4:15 PM" in texts(calls)
    assert job_time(bot) == oslo(2026, 3, 10, 16, 15)


async def test_log_now_copies_the_last_amounts_once(bot: BotHarness) -> None:
    await established(bot)
    await log_session(bot, oslo(2026, 3, 10, 10, 0), total=130)
    sent = await fire(bot)
    calls = await bot.press("Log 130\u00a0ml")
    assert "Logged 130 ml, the same as last time" in texts(calls)
    assert "Next reminder: 4:00 PM" in texts(calls)
    with bot.services.db.session() as session:
        latest = SessionRepo(session, PARENT_CHAT).latest()
        assert latest is not None
        assert (latest.started_at, latest.left_ml, latest.total_ml) == (
            oslo(2026, 3, 10, 13, 0),
            65,
            130,
        )
        assert latest.logged_by_id is not None
    assert job_time(bot) == oslo(2026, 3, 10, 16, 0)  # the log reset the interval
    calls = await bot.tap(sent[0].buttons[0]["callback_data"], sent[0].message_id)  # again
    assert any("already logged" in c.params.get("text", "") for c in calls)
    with bot.services.db.session() as session:
        count = len(SessionRepo(session, PARENT_CHAT).between(oslo(2026, 3, 10), oslo(2026, 3, 11)))
    assert count == 2


async def test_log_now_is_confirmed_like_any_log_and_undo_takes_it_back(bot: BotHarness) -> None:
    await established(bot)
    await log_session(bot, oslo(2026, 3, 10, 10, 0), total=130)
    (reminder,) = await fire(bot)
    announced: list[int] = []

    async def hear(_app: object, chat_id: int) -> None:
        announced.append(chat_id)

    bot.services.follow_sessions(hear)
    user = bot.telegram.user(PARENT_ID) | {"last_name": "Tester"}
    log_now = reminder.buttons[0]["callback_data"]
    calls = await bot.feed(
        bot.telegram.callback_update(PARENT_CHAT, reminder.message_id, log_now, user)
    )
    assert "Logged 130 ml, the same as last time" in texts(calls)
    (confirmation,) = [c for c in calls if c.method == "sendMessage"]
    assert "Logged 130 ml today at 1:00 PM." in plain(confirmation.text)
    assert "Today: 260 ml in 2 sessions." in plain(confirmation.text)
    assert [b["text"] for b in confirmation.buttons] == [
        "↩️ Undo",
        "🕘 Fix time",
        "🧊 Freezer",
        "🥛 Fridge",
    ]
    with bot.services.db.session() as session:
        latest = SessionRepo(session, PARENT_CHAT).latest()
    assert latest is not None and latest.confirmation_message_id == confirmation.message_id
    assert latest.logged_by_name == "Parent Tester"  # the full name, as typed logs store it
    assert job_time(bot) == oslo(2026, 3, 10, 16, 0)

    calls = await bot.press("Undo")
    assert any(c.params.get("text") == "Removed." for c in calls)
    assert "Removed 130 ml today at 1:00 PM." in texts(calls)
    with bot.services.db.session() as session:
        remaining = SessionRepo(session, PARENT_CHAT).all()
    assert [s.started_at for s in remaining] == [oslo(2026, 3, 10, 10, 0)]
    assert announced == [PARENT_CHAT, PARENT_CHAT]  # logged, then undone: features hear both
    assert job_time(bot) == oslo(2026, 3, 10, 16, 0)  # the 1 PM reminder was had: next at 4


async def test_a_forged_plan_id_changes_nothing(bot: BotHarness) -> None:
    await established(bot)
    await bot.say("/remind every 2h", chat_id=GROUP_CHAT)
    theirs = plan(bot, GROUP_CHAT)
    before = (theirs.next_due_at, theirs.snoozed_until, theirs.paused_until)
    reply = await bot.say("/reminders")
    for data in (
        f"rem:snooze:{theirs.id}:15:0",
        f"rem:skip:{theirs.id}:0",
        f"rem:pause:{theirs.id}:4",
        f"rem:log:{theirs.id}:0",
        "rem:snooze:abc:15:0",
        f"pwr:cancel:{theirs.id}:0",
    ):
        calls = await bot.tap(data, reply.message_id)
        assert any("out of date" in c.params.get("text", "") for c in calls), data
    after = plan(bot, GROUP_CHAT)
    assert (after.next_due_at, after.snoozed_until, after.paused_until) == before
    with bot.services.db.session() as session:
        assert SessionRepo(session, GROUP_CHAT).latest() is None


# -- must show: pause and resume ------------------------------------------------------------


async def test_pause_holds_reminders_and_resume_brings_them_back(bot: BotHarness) -> None:
    await established(bot)
    await log_session(bot, oslo(2026, 3, 10, 10, 0))
    reply = await bot.say("/pause 4")
    assert "paused until 2:00 PM" in plain(reply.text)
    assert job_time(bot) == oslo(2026, 3, 10, 14, 0)
    bot.clock.set(oslo(2026, 3, 10, 13, 0))  # the regular time passes: nothing
    assert await deliver_due(bot.app, PARENT_CHAT) is Outcome.NOT_DUE
    assert all_reminders(bot) == []
    reply = await bot.say("/resume")
    assert "back on" in reply.text
    sent = await fire(bot)  # overdue since 13:00, so right away
    assert len(sent) == 1 and bot.clock.now() == oslo(2026, 3, 10, 13, 0)


async def test_pause_until_tomorrow_morning(bot: BotHarness) -> None:
    await established(bot)
    reply = await bot.say("/pause")
    assert "how long" in reply.text
    await bot.press("Until tomorrow morning")
    assert job_time(bot) == oslo(2026, 3, 11, 6, 0)
    sent = await fire(bot)
    assert len(sent) == 1  # one reminder when the pause ends, not the missed ones
    assert job_time(bot) == oslo(2026, 3, 11, 9, 0)


async def test_pause_without_a_plan_says_so(bot: BotHarness) -> None:
    reply = await bot.say("/pause 2")
    assert "no reminders to pause" in reply.text


# -- must show: restart rebuild -------------------------------------------------------------


async def test_a_reminder_due_during_a_restart_fires_exactly_once(tmp_path: Path) -> None:
    first = await BotHarness(tmp_path).start()
    await established(first)
    await log_session(first, oslo(2026, 3, 10, 10, 0))
    assert job_time(first) == oslo(2026, 3, 10, 13, 0)
    await first.stop()

    clock = first.clock
    clock.set(oslo(2026, 3, 10, 13, 20))  # down over the due time
    second = await BotHarness(tmp_path, clock).start()  # a new Application, same database
    try:
        assert job_time(second) == oslo(2026, 3, 10, 13, 0)  # rebuilt from the database
        sent = await fire(second)
        assert len(sent) == 1
        assert await send_due_reminders(second.app) == {}  # the sweep finds nothing owed
        assert job_time(second) == oslo(2026, 3, 10, 16, 0)  # it stood for 13:00
    finally:
        await second.stop()

    third = await BotHarness(tmp_path, clock).start()
    try:
        assert job_time(third) == oslo(2026, 3, 10, 16, 0)
        assert await deliver_due(third.app, PARENT_CHAT) is Outcome.NOT_DUE
        assert all_reminders(third) == []
    finally:
        await third.stop()


async def test_a_long_outage_gives_one_reminder_not_a_burst(tmp_path: Path) -> None:
    first = await BotHarness(tmp_path).start()
    await established(first)
    await log_session(first, oslo(2026, 3, 10, 10, 0))
    await first.stop()
    first.clock.set(oslo(2026, 3, 10, 20, 30))  # 13:00, 16:00 and 19:00 missed
    second = await BotHarness(tmp_path, first.clock).start()
    try:
        sent = await fire(second)
        assert len(sent) == 1 and "10 h 30 min ago" in plain(sent[0].text)
        assert len(all_reminders(second)) == 1
    finally:
        await second.stop()


async def test_a_fixed_time_long_missed_gives_way_to_the_next(tmp_path: Path) -> None:
    first = await BotHarness(tmp_path).start()
    await first.say("/remind 12:00 15:00")
    await first.stop()
    first.clock.set(oslo(2026, 3, 10, 13, 40))  # more than halfway from 12:00 to 15:00
    second = await BotHarness(tmp_path, first.clock).start()
    try:
        assert await deliver_due(second.app, PARENT_CHAT) is Outcome.DROPPED
        assert all_reminders(second) == []
        assert job_time(second) == oslo(2026, 3, 10, 15, 0)
        sent = await fire(second)
        assert len(sent) == 1 and "3:00 PM" in plain(sent[0].text)
    finally:
        await second.stop()


async def test_a_reminder_that_may_have_arrived_is_never_sent_twice(bot: BotHarness) -> None:
    await established(bot)
    bot.clock.set(oslo(2026, 3, 10, 13, 0))
    bot.telegram.faults.append(Fault(method="sendMessage", chat_id=PARENT_CHAT, timeout=True))
    assert await deliver_due(bot.app, PARENT_CHAT) is Outcome.FAILED
    assert await deliver_due(bot.app, PARENT_CHAT) is Outcome.NOT_DUE
    attempts = [c for c in bot.telegram.calls if c.method == "sendMessage"]
    assert len(attempts) == 2  # the /remind reply and the one attempt, never a second
    assert job_time(bot) == oslo(2026, 3, 10, 16, 0)


# -- must show: Forbidden and RetryAfter ----------------------------------------------------


async def test_a_blocked_bot_switches_the_plan_off_and_stops_trying(bot: BotHarness) -> None:
    await established(bot)
    bot.telegram.blocked_chats.add(PARENT_CHAT)
    bot.clock.set(oslo(2026, 3, 10, 13, 0))
    assert await deliver_due(bot.app, PARENT_CHAT) is Outcome.BLOCKED
    assert job_time(bot) is None
    assert plan(bot).enabled is False
    calls_before = len(bot.telegram.calls)
    bot.clock.advance(hours=5)
    assert await send_due_reminders(bot.app) == {}
    assert len(bot.telegram.calls) == calls_before  # not retried
    bot.telegram.blocked_chats.clear()
    reply = await bot.say("/reminders")
    assert "couldn't reach this chat" in reply.text


async def test_retry_after_sends_later_exactly_once(bot: BotHarness) -> None:
    await established(bot)
    bot.clock.set(oslo(2026, 3, 10, 13, 0))
    bot.telegram.faults.append(Fault(method="sendMessage", chat_id=PARENT_CHAT, retry_after=30))
    assert await deliver_due(bot.app, PARENT_CHAT) is Outcome.RETRY
    assert all_reminders(bot) == []
    assert job_time(bot) == oslo(2026, 3, 10, 13, 0, 30)  # as Telegram asked
    bot.clock.set(oslo(2026, 3, 10, 13, 0, 10))
    assert await deliver_due(bot.app, PARENT_CHAT) is Outcome.NOT_DUE  # not before
    sent = await fire(bot)
    assert len(sent) == 1
    assert await deliver_due(bot.app, PARENT_CHAT) is Outcome.NOT_DUE
    assert len(all_reminders(bot)) == 1
    assert job_time(bot) == oslo(2026, 3, 10, 16, 0, 30)


async def test_a_server_error_is_retried_with_backoff(bot: BotHarness) -> None:
    await established(bot)
    bot.clock.set(oslo(2026, 3, 10, 13, 0))
    bot.telegram.faults.append(Fault(method="sendMessage", chat_id=PARENT_CHAT, status=500))
    assert await deliver_due(bot.app, PARENT_CHAT) is Outcome.RETRY
    assert job_time(bot) == oslo(2026, 3, 10, 13, 0, 30)
    sent = await fire(bot)
    assert len(sent) == 1


# -- hooks ----------------------------------------------------------------------------------


async def test_forgetting_a_chat_drops_its_jobs(bot: BotHarness) -> None:
    await established(bot)
    await bot.services.chat_forgotten(bot.app, PARENT_CHAT)
    assert job_time(bot) is None


async def test_each_chat_has_its_own_job(bot: BotHarness) -> None:
    await established(bot)
    await bot.say("/remind every 2h", chat_id=GROUP_CHAT)
    assert job_time(bot) == oslo(2026, 3, 10, 13, 0)
    assert job_time(bot, GROUP_CHAT) == oslo(2026, 3, 10, 12, 0)
    sent = await fire(bot, GROUP_CHAT)
    assert len(sent) == 1 and all_reminders(bot) == []


async def test_the_hooks_are_registered_under_their_names(bot: BotHarness) -> None:
    assert any(f.prepare is due_after_change for f in bot.services.session_followers)
    assert forget_chat in bot.services.chat_forgotten_hooks


async def test_a_changed_time_zone_moves_fixed_times_on_the_next_sweep(bot: BotHarness) -> None:
    await bot.say("/remind kl 6")
    assert job_time(bot) == oslo(2026, 3, 11, 6, 0)
    await bot.say("/timezone America/New_York")
    await send_due_reminders(bot.app)
    assert job_time(bot) == datetime(2026, 3, 10, 6, 0, tzinfo=ZoneInfo("America/New_York"))
    assert all_reminders(bot) == []


async def test_an_unexpected_error_is_retried_later_not_in_a_tight_loop(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await established(bot)
    bot.clock.set(oslo(2026, 3, 10, 13, 0))

    def broken(*args: object) -> str:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("scheduler.delivery.reminder_text", broken)
    assert await deliver_due(bot.app, PARENT_CHAT) is Outcome.FAILED
    assert job_time(bot) == oslo(2026, 3, 10, 13, 5)
    monkeypatch.undo()
    sent = await fire(bot)
    assert len(sent) == 1


async def test_a_reminder_in_bokmaal(bot: BotHarness) -> None:
    await bot.say("/paminn hver 3. time", language_code="nb")
    await log_session(bot, oslo(2026, 3, 10, 10, 0), total=150)
    sent = await fire(bot)
    text = plain(sent[0].text)
    assert "Nå er det på tide å pumpe" in text
    assert "Forrige økt: for 3 t siden, kl. 10:00" in text
    assert "I dag så langt: 1 økt, 150 ml" in text
    assert [plain(b["text"]) for b in sent[0].buttons][:2] == ["✅ Logg 150 ml", "💤 15 min"]
