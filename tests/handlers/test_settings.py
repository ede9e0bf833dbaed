"""Chat settings: language, time zone and unit, stored per chat and kept across restarts."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import available_timezones

import pytest

from bot.domain.chats import GEOGRAPHIC_AREAS, find_timezone
from bot.storage.repo import ChatRepo
from handlers.settings import COMMON_ZONES
from tests.support.kit import GROUP_CHAT, PARENT_CHAT, BotHarness


def stored(bot: BotHarness, chat_id: int = PARENT_CHAT):  # type: ignore[no-untyped-def]
    with bot.services.db.session() as session:
        return ChatRepo(session).get(chat_id)


async def test_a_valid_time_zone_is_saved_and_shown_in_local_time(bot: BotHarness) -> None:
    reply = await bot.say("/timezone america/new_york")
    assert "America/New_York" in reply.text
    assert "5:00" in reply.text  # 09:00 UTC on 10 March 2026 is 05:00 in New York
    assert stored(bot).timezone == "America/New_York"


async def test_a_bad_time_zone_gets_examples_and_changes_nothing(bot: BotHarness) -> None:
    await bot.say("/timezone Europe/Oslo")
    reply = await bot.say("/timezone Mars/Olympus_Mons")
    assert "Mars/Olympus_Mons" in reply.text
    assert "nothing was changed" in reply.text
    assert "Europe/London" in reply.text
    assert stored(bot).timezone == "Europe/Oslo"


async def test_a_bad_time_zone_reply_in_bokmaal(bot: BotHarness) -> None:
    reply = await bot.say("/tidssone Oslo/Europe", language_code="nb")
    assert "ingenting er endret" in reply.text


async def test_timezone_alone_offers_buttons(bot: BotHarness) -> None:
    reply = await bot.say("/timezone")
    assert "Europe/Oslo" in reply.text
    await bot.press("Europe/London")
    assert stored(bot).timezone == "Europe/London"


async def test_language_buttons_switch_the_language(bot: BotHarness) -> None:
    await bot.say("/language")
    calls = await bot.press("Norsk bokmål")
    edited = [c for c in calls if c.method == "editMessageText"]
    assert edited and "norsk" in edited[0].text
    assert stored(bot).language == "nb"
    reply = await bot.say("/help")  # the user's app is English, the chat chose Bokmål
    assert "Dette forstår jeg" in reply.text


async def test_units_buttons_switch_to_ounces(bot: BotHarness) -> None:
    await bot.say("/units")
    await bot.press("Ounces")
    assert stored(bot).unit == "oz"
    reply = await bot.say("/settings")
    assert "Unit: Ounces (oz)" in reply.text
    assert "Gentle nudges from your logs: on" in reply.text
    await bot.say("/nudges off")
    reply = await bot.say("/settings")
    assert "Gentle nudges from your logs: off" in reply.text


async def test_a_forged_settings_button_changes_nothing(bot: BotHarness) -> None:
    reply = await bot.say("/units")
    calls = await bot.tap("set:unit:gallons", reply.message_id)
    assert any(
        c.method == "answerCallbackQuery" and "out of date" in c.params.get("text", "")
        for c in calls
    )
    assert stored(bot).unit == "ml"


async def test_a_group_has_its_own_settings(bot: BotHarness) -> None:
    await bot.say("/timezone Europe/London", chat_id=GROUP_CHAT)
    await bot.say("/timezone Asia/Tokyo")
    assert stored(bot, GROUP_CHAT).timezone == "Europe/London"
    assert stored(bot, PARENT_CHAT).timezone == "Asia/Tokyo"


async def test_settings_survive_a_restart(tmp_path: Path) -> None:
    first = await BotHarness(tmp_path).start()
    await first.say("/timezone Asia/Tokyo")
    await first.say("/units")
    await first.press("Ounces")
    await first.stop()

    second = await BotHarness(tmp_path).start()  # a new Application on the same database file
    try:
        reply = await second.say("/settings")
        assert "Asia/Tokyo" in reply.text
        assert "Ounces (oz)" in reply.text
    finally:
        await second.stop()


@pytest.mark.parametrize(
    "typed",
    ["localtime", "Factory", "posixrules", "Etc/GMT+5", "Etc/UTC", "US/Eastern", "CET", "Japan"],
)
async def test_a_zone_that_is_no_place_is_refused_kindly(bot: BotHarness, typed: str) -> None:
    await bot.say("/timezone Europe/Oslo")
    reply = await bot.say(f"/timezone {typed}")
    assert f"I don't know the time zone “{typed}”, so nothing was changed." in reply.text
    assert stored(bot).timezone == "Europe/Oslo"


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("utc", "UTC"),
        ("America/Argentina/Salta", "America/Argentina/Salta"),
        ("antarctica/troll", "Antarctica/Troll"),
        ("Asia/Kolkata", "Asia/Kolkata"),
    ],
)
async def test_geographic_zones_and_utc_are_accepted(
    bot: BotHarness, typed: str, zone: str
) -> None:
    reply = await bot.say(f"/timezone {typed}")
    assert f"Time zone set to {zone}." in reply.text
    assert stored(bot).timezone == zone


async def test_a_forged_zone_button_changes_nothing(bot: BotHarness) -> None:
    reply = await bot.say("/timezone")
    calls = await bot.tap("set:tz:localtime", reply.message_id)
    assert any(
        c.method == "answerCallbackQuery" and "out of date" in c.params.get("text", "")
        for c in calls
    )
    assert stored(bot).timezone == "Europe/Oslo"


def test_every_zone_offered_is_a_place_or_utc() -> None:
    offered = {zone for zone in available_timezones() if find_timezone(zone) == zone}
    assert "UTC" in offered and "Europe/Oslo" in offered
    assert all(zone == "UTC" or zone.split("/")[0] in GEOGRAPHIC_AREAS for zone in offered)
    assert all(find_timezone(zone) for zone in COMMON_ZONES)
    assert len(offered) > 300
