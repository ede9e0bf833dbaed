"""The hand-over of a reminder to Telegram, and what a restart does with one a crash left behind.

The real Application, the fake Bot API and a FakeClock. A crash is played by writing the row a
dead process would have left (`reminder_handovers`, claimed by another instance id) after its
plan moved on, then starting a new bot on the same database.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.clock import FakeClock
from bot.storage.models import ReminderHandover
from bot.storage.repo import ChatRepo, HandoverRepo, PlanRepo
from bot.terminal.fakeapi import ApiCall, Fault
from scheduler.delivery import Outcome, deliver_due, hand_over
from scheduler.handover import recover_handovers
from tests.support.kit import PARENT_CHAT, BotHarness

DEAD = "old-host:4242:abcdef"  # the instance id of a process that died


def handovers(bot: BotHarness) -> list[ReminderHandover]:
    with bot.services.db.session() as session:
        return list(session.exec(select(ReminderHandover)).all())


def reminders(calls: list[ApiCall], chat_id: int = PARENT_CHAT) -> list[ApiCall]:
    return [
        c
        for c in calls
        if c.method == "sendMessage"
        and c.chat_id == chat_id
        and c.result is not None
        and any(b.get("callback_data", "").startswith("rem:snooze") for b in c.buttons)
    ]


async def with_plan_due_now(bot: BotHarness) -> datetime:
    """Established supply chosen three hours ago: a reminder is due now."""
    now = bot.clock.now()
    bot.clock.set(now - timedelta(hours=3))
    await bot.say("/remind")
    await bot.press("Established supply")
    bot.clock.set(now)
    with bot.services.db.session() as session:
        row = PlanRepo(session).get(PARENT_CHAT)
        assert row is not None and row.next_due_at is not None
        assert row.next_due_at <= now
        return row.next_due_at


def crash_after_claim(bot: BotHarness, due: datetime, handed_over: bool) -> None:
    """What a process that died after claiming the reminder due at `due` leaves: the plan moved
    on to the next one, and the hand-over row (with its moment, if the request had left)."""
    now = bot.clock.now()
    with bot.services.db.session() as session:
        row = PlanRepo(session).get(PARENT_CHAT)
        assert row is not None
        PlanRepo(session).save(
            row, counted_from=due, next_due_at=due + timedelta(hours=3), last_sent_at=now
        )
        HandoverRepo(session).claimed(PARENT_CHAT, due, now, DEAD)
        if handed_over:
            HandoverRepo(session).handed_over(PARENT_CHAT, DEAD, now)


async def restarted(bot: BotHarness, tmp_path: Path) -> BotHarness:
    """Stop `bot` and start another process's bot on the same database and Telegram."""
    await bot.stop()
    return await BotHarness(tmp_path, FakeClock(bot.clock.now()), bot.telegram).start()


async def test_the_hand_over_is_recorded_while_the_request_is_out_and_cleared_after(
    bot: BotHarness,
) -> None:
    await with_plan_due_now(bot)
    seen: list[list[ReminderHandover]] = []
    bot.telegram.listeners.append(lambda call: seen.append(handovers(bot)))
    assert await deliver_due(bot.app, PARENT_CHAT) == Outcome.SENT
    (during,) = seen
    assert len(during) == 1
    assert during[0].handed_over_at is not None
    assert during[0].claimed_by == bot.services.instance_id
    assert handovers(bot) == []


async def test_a_429_clears_the_hand_over_and_the_reminder_comes_later_once(
    bot: BotHarness,
) -> None:
    await with_plan_due_now(bot)
    bot.telegram.faults.append(Fault(method="sendMessage", retry_after=5))
    assert await deliver_due(bot.app, PARENT_CHAT) == Outcome.RETRY
    assert handovers(bot) == []
    bot.clock.advance(seconds=6)
    assert await deliver_due(bot.app, PARENT_CHAT) == Outcome.SENT
    assert len(reminders(bot.telegram.calls)) == 1


async def test_a_reminder_claimed_but_never_handed_over_is_sent_after_a_restart(
    bot: BotHarness, tmp_path: Path
) -> None:
    due = await with_plan_due_now(bot)
    crash_after_claim(bot, due, handed_over=False)
    before = len(bot.telegram.calls)
    bot = await restarted(bot, tmp_path)
    try:
        sent = reminders(bot.telegram.calls[before:])
        assert len(sent) == 1
        assert "Time to pump" in sent[0].text
        assert handovers(bot) == []
        # The plan had moved on: nothing else is owed until the next reminder.
        assert await deliver_due(bot.app, PARENT_CHAT) == Outcome.NOT_DUE
        assert len(reminders(bot.telegram.calls[before:])) == 1
    finally:
        await bot.stop()


async def test_a_reminder_on_the_wire_at_the_crash_is_counted_and_not_sent_again(
    bot: BotHarness, tmp_path: Path
) -> None:
    due = await with_plan_due_now(bot)
    crash_after_claim(bot, due, handed_over=True)
    before = len(bot.telegram.calls)
    bot = await restarted(bot, tmp_path)
    try:
        assert reminders(bot.telegram.calls[before:]) == []
        assert handovers(bot) == []
        assert await deliver_due(bot.app, PARENT_CHAT) == Outcome.NOT_DUE
    finally:
        await bot.stop()


async def test_recovery_counts_what_it_found(bot: BotHarness) -> None:
    due = await with_plan_due_now(bot)
    crash_after_claim(bot, due, handed_over=True)
    counts = await recover_handovers(bot.app)
    assert (counts.sent, counts.on_the_wire, counts.superseded) == (0, 1, 0)
    assert reminders(bot.telegram.calls) == []


async def test_a_claimed_reminder_is_superseded_when_a_newer_one_is_owed(
    bot: BotHarness, tmp_path: Path
) -> None:
    """Down for longer than an interval: the old claim and the newer reminder become one."""
    due = await with_plan_due_now(bot)
    crash_after_claim(bot, due, handed_over=False)
    bot.clock.advance(hours=4)
    counts = await recover_handovers(bot.app)
    assert (counts.sent, counts.superseded) == (0, 1)
    assert await deliver_due(bot.app, PARENT_CHAT) == Outcome.SENT
    assert len(reminders(bot.telegram.calls)) == 1


async def test_a_claim_taken_over_by_another_instance_is_not_sent_by_its_first_sender(
    bot: BotHarness,
) -> None:
    """A leader cut off from the database, still running, must not send what a new leader
    took over."""
    due = await with_plan_due_now(bot)
    now = bot.clock.now()
    me = bot.services.instance_id
    with bot.services.db.session() as session:
        HandoverRepo(session).claimed(PARENT_CHAT, due, now, me)
        (row,) = HandoverRepo(session).left_by_others("the new leader")
        assert HandoverRepo(session).take_over(row, "the new leader", now)
    outcome = await hand_over(bot.app, PARENT_CHAT, "Time to pump", None, due, now, None, 0)  # type: ignore[arg-type]
    assert outcome == Outcome.NOT_DUE
    assert reminders(bot.telegram.calls) == []
    assert [h.claimed_by for h in handovers(bot)] == ["the new leader"]


async def test_forgetting_a_chat_removes_its_hand_over_row(bot: BotHarness) -> None:
    due = await with_plan_due_now(bot)
    crash_after_claim(bot, due, handed_over=False)
    with bot.services.db.session() as session:
        deleted = ChatRepo(session).forget(PARENT_CHAT)
    assert deleted["reminder_handovers"] == 1
    assert handovers(bot) == []


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
