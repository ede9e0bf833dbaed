"""Typed amounts, clock times and spans through the bot: what is stored is what was meant, and
anything unclear is asked about or refused kindly with nothing stored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.storage.models import PumpSession
from bot.storage.repo import PlanRepo, SessionRepo
from tests.support.kit import GROUP_CHAT, PARENT_CHAT, BotHarness

OSLO = ZoneInfo("Europe/Oslo")


def entries(bot: BotHarness, chat_id: int = PARENT_CHAT) -> Sequence[PumpSession]:
    with bot.services.db.session() as session:
        return SessionRepo(session, chat_id).between(
            datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
        )


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


# -- amounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "language"),
    [("1,000 ml", "en"), ("1 000 ml", "en"), ("1.000 ml", "nb"), ("1 000 ml", "nb")],
)
async def test_a_thousand_written_with_a_separator_is_a_thousand(
    bot: BotHarness, typed: str, language: str
) -> None:
    reply = await bot.say(typed, language_code=language)
    [entry] = entries(bot)
    assert entry.total_ml == 1000
    assert "1,000 ml" in plain(reply.text) or "1 000 ml" in plain(reply.text)


@pytest.mark.parametrize(
    ("typed", "language", "question"),
    [
        ("1.000 ml", "en", "Did you mean 1000 or 1?"),
        ("L 60 R 1.500", "en", "Did you mean 1500 or 1.5?"),
        ("1,000 ml", "nb", "Mente du 1000 eller 1?"),
        ("v 1,250 h 60", "nb", "Mente du 1250 eller 1,25?"),
    ],
)
async def test_a_number_that_reads_two_ways_is_asked_about_and_not_stored(
    bot: BotHarness, typed: str, language: str, question: str
) -> None:
    reply = await bot.say(typed, language_code=language)
    assert question in reply.text
    assert entries(bot) == []
    assert "Nothing was saved" in reply.text or "Ingenting ble lagret" in reply.text


async def test_a_decimal_comma_is_still_a_decimal(bot: BotHarness) -> None:
    await bot.say("60,5 ml", language_code="nb")
    await bot.say("4,5oz", language_code="en")
    assert sorted(e.total_ml for e in entries(bot)) == [60.5, 133.1]


@pytest.mark.parametrize(
    ("typed", "language", "reply_part"),
    [
        ("0 ml", "en", "That's 0, so there's nothing to log."),
        ("L 0 R 0", "en", "That's 0, so there's nothing to log."),
        ("v 0 h 0", "nb", "Mengden er 0, så det er ingenting å logge."),
        ("0,0 dl", "nb", "Mengden er 0, så det er ingenting å logge."),
    ],
)
async def test_a_zero_amount_is_refused_kindly_and_nothing_is_stored(
    bot: BotHarness, typed: str, language: str, reply_part: str
) -> None:
    reply = await bot.say(typed, language_code=language)
    assert reply_part in reply.text
    assert entries(bot) == []
    assert reply.buttons == []  # no Undo for something never stored


async def test_zero_through_log_in_a_group_stores_nothing(bot: BotHarness) -> None:
    reply = await bot.say("/log 0 ml", chat_id=GROUP_CHAT)
    assert "nothing to log" in reply.text
    assert entries(bot, GROUP_CHAT) == []


async def test_editing_a_log_to_zero_keeps_the_entry(bot: BotHarness) -> None:
    await bot.say("120 ml")
    message_id = bot.last_user_message_id
    calls = await bot.edit(message_id, "0 ml")
    [entry] = entries(bot)
    assert entry.total_ml == 120
    assert any("I kept the logged session as it was" in c.text for c in calls)


# -- clock times across the clock changes ------------------------------------------------------


async def test_kl_2_30_on_the_spring_night_is_stored_as_03_00_that_day(bot: BotHarness) -> None:
    bot.clock.set(datetime(2027, 3, 28, 1, 9, tzinfo=UTC))  # 03:09 in Oslo, summer time
    reply = await bot.say("pumpet 100 ml kl 2.30", language_code="nb")
    [entry] = entries(bot)
    assert entry.started_at.replace(tzinfo=UTC) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert "i dag kl. 03:00" in plain(reply.text)


async def test_a_fix_time_reply_in_the_autumn_overlap_takes_the_latest_past(
    bot: BotHarness,
) -> None:
    bot.clock.set(datetime(2027, 10, 31, 1, 50, tzinfo=UTC))  # 02:50 winter time
    confirmation = await bot.say("120 ml")
    await bot.say("2:30", reply_to=confirmation.message_id)
    [entry] = entries(bot)
    # The second 02:30 (winter time) has passed 20 minutes ago; the first was an hour before.
    assert entry.started_at.replace(tzinfo=UTC) == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)


async def test_a_fix_time_reply_in_the_spring_gap_moves_to_the_end_of_the_gap(
    bot: BotHarness,
) -> None:
    bot.clock.set(datetime(2027, 3, 28, 1, 20, tzinfo=UTC))  # 03:20 summer time
    confirmation = await bot.say("120 ml")
    reply = await bot.say("kl 2.15", reply_to=confirmation.message_id, language_code="nb")
    [entry] = entries(bot)
    assert entry.started_at.replace(tzinfo=UTC) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert "today at 3:00 AM" in plain(reply.text)


# -- spans: the same words in /pause, /away and /remind -----------------------------------------


@pytest.mark.parametrize("typed", ["3 timar", "3 t", "3 hours", "180 min", "3"])
async def test_pause_reads_every_hour_word(bot: BotHarness, typed: str) -> None:
    await bot.say("/remind")
    await bot.press("Established supply")
    reply = await bot.say(f"/pause {typed}", language_code="nb")
    with bot.services.db.session() as session:
        row = PlanRepo(session).get(PARENT_CHAT)
    assert row is not None and row.paused_until is not None
    paused = row.paused_until.replace(tzinfo=UTC)
    assert paused == bot.clock.now() + timedelta(hours=3)
    assert "paused until 1:00 PM" in plain(reply.text)


async def test_pause_longer_than_two_days_is_refused(bot: BotHarness) -> None:
    await bot.say("/remind")
    await bot.press("Established supply")
    reply = await bot.say("/pause 3 dager")
    assert "how long" in reply.text.lower()
    with bot.services.db.session() as session:
        row = PlanRepo(session).get(PARENT_CHAT)
    assert row is not None and row.paused_until is None


@pytest.mark.parametrize("typed", ["8 timar", "8 std", "480 minutter", "8t"])
async def test_away_reads_the_same_words(bot: BotHarness, typed: str) -> None:
    reply = await bot.say(f"/borte {typed}", language_code="nb")
    assert "<b>300\u00a0ml</b>" in reply.text


async def test_remind_reads_the_same_words(bot: BotHarness) -> None:
    reply = await bot.say("/paminn hver 3. timar", language_code="nb")
    assert "3" in reply.text
    with bot.services.db.session() as session:
        row = PlanRepo(session).get(PARENT_CHAT)
    assert row is not None and row.interval_min == 180
