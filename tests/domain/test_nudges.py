"""Gentle nudges: each fires on its condition, at most once a week, and never when switched off."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from alembic import command

from bot.domain.nudges import (
    NudgeKind,
    conditions,
    due_nudge,
    few_sessions_while_building,
    high_totals_running,
    read_more_topic,
    sudden_drop,
)
from bot.storage.db import Database, alembic_config
from bot.storage.models import Chat, NudgeState, PumpSession
from bot.storage.repo import ChatRepo, NudgeRepo, SessionRepo
from tests.support.kit import PARENT_CHAT, BotHarness

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # the kit's clock: 10:00 in Oslo


def sessions(times: Iterable[datetime], ml: float) -> list[PumpSession]:
    return [PumpSession(chat_id=PARENT_CHAT, started_at=t, total_ml=ml) for t in times]


def every(hours: float, start: datetime, end: datetime) -> list[datetime]:
    """Moments from `start` up to and including `end`, `hours` apart."""
    moments, moment = [], start
    while moment <= end:
        moments.append(moment)
        moment += timedelta(hours=hours)
    return moments


def high_days(now: datetime, days: int, ml_a_day: float) -> list[PumpSession]:
    """Four sessions on each of the last `days` local days, the latest before `now`."""
    moments = [now - timedelta(days=d, hours=h) for d in range(days) for h in (1, 3, 5, 7)]
    return sessions(moments, ml_a_day / 4)


def dropping(now: datetime, earlier_ml: float = 120, recent_ml: float = 50) -> list[PumpSession]:
    """Eight sessions a day: three days at `earlier_ml`, then the last 24 hours at `recent_ml`."""
    split = now - timedelta(hours=24)
    earlier = every(3, now - timedelta(days=4), split - timedelta(minutes=1))
    recent = every(3, split + timedelta(hours=1), now)
    return sessions(earlier, earlier_ml) + sessions(recent, recent_ml)


def spaced(now: datetime, hours: float) -> list[PumpSession]:
    """Three days of sessions `hours` apart, the latest at `now`."""
    return sessions(every(hours, now - timedelta(days=3), now), 100)


# -- the conditions ------------------------------------------------------------------------------


def test_over_1000_ml_three_days_running() -> None:
    assert high_totals_running(high_days(NOW, 3, 1100), NOW, OSLO)
    assert not high_totals_running(high_days(NOW, 2, 1100), NOW, OSLO)
    assert not high_totals_running(high_days(NOW, 3, 1000), NOW, OSLO)  # "over" 1000
    assert not high_totals_running(high_days(NOW, 3, 900), NOW, OSLO)


def test_three_high_days_ending_yesterday_count_too() -> None:
    yesterday = NOW - timedelta(days=1)
    assert high_totals_running(high_days(yesterday, 3, 1200), NOW, OSLO)
    assert not high_totals_running(high_days(NOW - timedelta(days=2), 3, 1200), NOW, OSLO)


def test_days_are_local_days() -> None:
    # Three Oslo days (7th-9th) with 550 ml at 00:30 and at 12:00; in UTC the 00:30 sessions
    # fall on the evening before, so no UTC day but the 7th and 8th passes 1000 ml.
    moments = [
        datetime(2026, 3, day, hour, minute, tzinfo=OSLO).astimezone(UTC)
        for day in (7, 8, 9)
        for hour, minute in ((0, 30), (12, 0))
    ]
    items = sessions(moments, 550)
    assert high_totals_running(items, NOW, OSLO)
    assert not high_totals_running(items, NOW, ZoneInfo("UTC"))


def test_fewer_than_six_sessions_on_the_building_plan() -> None:
    five_a_day = spaced(NOW, 24 / 5)
    assert few_sessions_while_building(five_a_day, NOW, OSLO, on_building_plan=True)
    six_a_day = spaced(NOW, 4)
    assert not few_sessions_while_building(six_a_day, NOW, OSLO, on_building_plan=True)
    assert not few_sessions_while_building(five_a_day, NOW, OSLO, on_building_plan=False)


def test_a_new_log_is_not_a_short_day() -> None:
    first_hours = sessions([NOW - timedelta(hours=2), NOW], 80)
    assert not few_sessions_while_building(first_hours, NOW, OSLO, on_building_plan=True)


def test_a_sudden_drop_in_pumped_volume() -> None:
    assert sudden_drop(dropping(NOW), NOW, OSLO)
    assert not sudden_drop(dropping(NOW, recent_ml=100), NOW, OSLO)  # a small dip is normal
    only_recent = [s for s in dropping(NOW) if s.started_at > NOW - timedelta(hours=24)]
    assert not sudden_drop(only_recent, NOW, OSLO)  # nothing to compare with


def test_at_most_one_nudge_and_never_when_off_or_sent_this_week() -> None:
    both = high_days(NOW, 3, 1100) + spaced(NOW - timedelta(days=3), 24 / 5)
    assert conditions(both, NOW, OSLO, on_building_plan=True) == [
        NudgeKind.OVERPRODUCTION,
        NudgeKind.FEW_SESSIONS,
    ]
    assert due_nudge(both, NOW, OSLO, None, on_building_plan=True) == NudgeKind.OVERPRODUCTION
    sent = NudgeState(chat_id=PARENT_CHAT, overproduction_sent_at=NOW - timedelta(days=6))
    assert due_nudge(both, NOW, OSLO, sent, on_building_plan=False) is None
    sent.overproduction_sent_at = NOW - timedelta(days=7)
    assert due_nudge(both, NOW, OSLO, sent, on_building_plan=False) == NudgeKind.OVERPRODUCTION
    off = NudgeState(chat_id=PARENT_CHAT, enabled=False)
    assert due_nudge(both, NOW, OSLO, off, on_building_plan=True) is None


# -- in the chat ---------------------------------------------------------------------------------


def log(bot: BotHarness, items: list[PumpSession], chat_id: int = PARENT_CHAT) -> None:
    with bot.services.db.session() as session:
        ChatRepo(session).get_or_create(chat_id, language="en", timezone="Europe/Oslo")
        repo = SessionRepo(session, chat_id)
        for item in items:
            repo.add(
                PumpSession(chat_id=chat_id, started_at=item.started_at, total_ml=item.total_ml)
            )


async def logged(bot: BotHarness, items: list[PumpSession]) -> list[str]:
    """Store sessions as the logging feature does, fire its hook, return the nudges sent."""
    log(bot, items)
    before = len(bot.sent_to())
    await bot.services.sessions_changed(bot.app, PARENT_CHAT)
    return [call.text for call in bot.sent_to()[before:]]


async def test_the_overproduction_nudge_fires_once_a_week(bot: BotHarness) -> None:
    await bot.say("/start")
    sent = await logged(bot, high_days(bot.clock.now(), 3, 1100))
    assert len(sent) == 1
    assert "more than 1,000\u00a0ml a day three days running" in sent[0]
    assert "mastitis" in sent[0] and "/nudges off" in sent[0]
    buttons = bot.sent_to()[-1].buttons
    assert [b["callback_data"] for b in buttons] == [
        "tip:t:overproduction",
        "tip:nudge:off:overproduction",
    ]

    bot.clock.advance(days=6)  # still a lot, but it was said this week
    assert await logged(bot, high_days(bot.clock.now(), 3, 1100)) == []
    bot.clock.advance(days=1)
    assert len(await logged(bot, high_days(bot.clock.now(), 3, 1100))) == 1


async def test_the_few_sessions_nudge_on_the_building_plan(bot: BotHarness) -> None:
    await bot.say("/start")
    assert await logged(bot, spaced(bot.clock.now(), 6)) == []  # not on the plan: no nudge
    await bot.say("/remind")
    await bot.press("Building supply")  # the building-supply / premature preset
    sent = await logged(bot, [])
    assert len(sent) == 1
    # About the log, never "you pump too little": she may have pumped more than she logged.
    assert "your log has 4 sessions in the last 24 hours" in sent[0]
    assert "If you pumped more than you logged, never mind this note" in sent[0]
    assert "If that was all and your baby cannot nurse yet" in sent[0]
    # Read more: the premature / building topic that fits the plan, not "raising supply".
    buttons = [b["callback_data"] for b in bot.sent_to()[-1].buttons]
    assert buttons == ["tip:t:premature", "tip:nudge:off:few_sessions"]
    calls = await bot.press("Read more")
    edited = next(c for c in calls if c.method == "editMessageText")
    assert "Premature or sick baby" in edited.text
    assert await logged(bot, []) == []  # once a week


async def test_the_few_sessions_nudge_in_norwegian_is_about_the_log(bot: BotHarness) -> None:
    await bot.say("/start", language_code="nb")
    await bot.say("/paminn", language_code="nb")
    await bot.press("Bygge opp melken", language_code="nb")
    sent = await logged(bot, spaced(bot.clock.now(), 6))
    assert len(sent) == 1
    lowered = sent[0].lower()
    assert "loggen din" in lowered
    assert "for lite" not in lowered and "for sjelden" not in lowered


def test_read_more_fits_the_plan() -> None:
    assert read_more_topic(NudgeKind.FEW_SESSIONS, "building") == "premature"
    assert read_more_topic(NudgeKind.FEW_SESSIONS, None) == "how_to_pump"
    assert read_more_topic(NudgeKind.OVERPRODUCTION, "building") == "overproduction"
    assert read_more_topic(NudgeKind.VOLUME_DROP, None) == "pumped_volume"
    # For a parent who pumps exclusively, a drop is a reason to get help, not reassurance.
    assert read_more_topic(NudgeKind.VOLUME_DROP, None, exclusive=True) == "seek_help"
    assert read_more_topic(NudgeKind.OVERPRODUCTION, None, exclusive=True) == "overproduction"


async def test_the_volume_drop_nudge_in_norwegian(bot: BotHarness) -> None:
    await bot.say("/start", language_code="nb")
    sent = await logged(bot, dropping(bot.clock.now()))
    assert len(sent) == 1
    assert "De siste øktene dine ga mindre enn dagene før" in sent[0]
    assert "/hint av" in sent[0]
    assert bot.sent_to()[-1].buttons[0]["callback_data"] == "tip:t:pumped_volume"
    assert await logged(bot, []) == []


async def test_nothing_to_say_sends_nothing(bot: BotHarness) -> None:
    await bot.say("/start")
    assert await logged(bot, spaced(bot.clock.now(), 3)) == []


async def test_nudges_off_by_command_and_back_on(bot: BotHarness) -> None:
    reply = await bot.say("/nudges off")
    assert "Gentle nudges are off" in reply.text
    assert await logged(bot, high_days(bot.clock.now(), 3, 1100)) == []
    reply = await bot.say("/hint på", language_code="nb")
    assert "are on" in reply.text  # the chat kept its English
    assert len(await logged(bot, [])) == 1


async def test_nudges_switch_button(bot: BotHarness) -> None:
    reply = await bot.say("/nudges")
    assert "Gentle nudges are on" in reply.text and "at most once a week" in reply.text
    calls = await bot.press("Turn nudges off")
    assert "Gentle nudges are off" in next(c for c in calls if c.method == "editMessageText").text
    assert await logged(bot, high_days(bot.clock.now(), 3, 1100)) == []
    await bot.press("Turn nudges on")
    assert len(await logged(bot, [])) == 1


async def test_turning_nudges_off_from_a_nudge_keeps_the_note(bot: BotHarness) -> None:
    await bot.say("/start")
    await logged(bot, high_days(bot.clock.now(), 3, 1100))
    calls = await bot.press("Turn nudges off")
    toast = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "/nudges on" in toast.params["text"]
    markup = next(c for c in calls if c.method == "editMessageReplyMarkup")
    assert [b["callback_data"] for b in markup.buttons] == ["tip:t:overproduction"]
    with bot.services.db.session() as session:
        state = NudgeRepo(session, PARENT_CHAT).get()
        assert state is not None and not state.enabled
    bot.clock.advance(days=8)
    assert await logged(bot, high_days(bot.clock.now(), 3, 1100)) == []


async def test_read_more_opens_the_topic(bot: BotHarness) -> None:
    await bot.say("/start")
    await logged(bot, dropping(bot.clock.now()))
    calls = await bot.press("Read more")
    edited = next(c for c in calls if c.method == "editMessageText")
    assert "Small pumped amounts" in edited.text


async def test_a_failed_send_is_not_retried_on_every_log(bot: BotHarness) -> None:
    await bot.say("/start")
    bot.telegram.blocked_chats.add(PARENT_CHAT)
    assert len(await logged(bot, high_days(bot.clock.now(), 3, 1100))) == 1  # refused (403)
    assert bot.sent_to()[-1].result is None
    bot.telegram.blocked_chats.discard(PARENT_CHAT)
    assert await logged(bot, []) == []
    with bot.services.db.session() as session:
        state = NudgeRepo(session, PARENT_CHAT).get()
        assert state is not None and state.overproduction_sent_at == bot.clock.now()


async def test_forgetting_a_chat_forgets_its_nudges(bot: BotHarness) -> None:
    await bot.say("/nudges off")
    await bot.services.chat_forgotten(bot.app, PARENT_CHAT)
    with bot.services.db.session() as session:
        assert NudgeRepo(session, PARENT_CHAT).get() is None


def test_nudge_state_table_cascades_with_its_chat(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    db.upgrade()
    assert "nudge_state" in sa.inspect(db.engine).get_table_names()
    with db.session() as session:
        ChatRepo(session).get_or_create(1, language="en", timezone="Europe/Oslo")
        NudgeRepo(session, 1).mark_sent(NudgeKind.VOLUME_DROP, NOW)
    with db.session() as session:
        state = NudgeRepo(session, 1).get()
        assert state is not None and state.enabled and state.volume_drop_sent_at == NOW
        with pytest.raises(ValueError):
            NudgeRepo(session, 1).mark_sent("made_up", NOW)
    with db.session() as session:
        session.delete(session.get(Chat, 1))
    with db.session() as session:
        assert NudgeRepo(session, 1).get() is None
    command.downgrade(alembic_config(db.engine), "0002")  # and it goes down cleanly
    assert "nudge_state" not in sa.inspect(db.engine).get_table_names()
