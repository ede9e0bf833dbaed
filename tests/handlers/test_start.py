"""First contact: /start and /help in the user's language, and the localized command menus."""

from __future__ import annotations

from pathlib import Path

from telegram.ext import CommandHandler

import handlers
from bot.terminal.fakeapi import Fault
from tests.support.kit import BotHarness


async def test_start_in_english_explains_the_three_jobs(bot: BotHarness) -> None:
    reply = await bot.say("/start", language_code="en-GB")
    assert "I'm pumpbot" in reply.text
    for job in ("Reminders", "Logging", "Quick tips"):
        assert job in reply.text
    assert "/timezone" in reply.text and "/help" in reply.text


async def test_start_in_bokmaal_for_nb_users(bot: BotHarness) -> None:
    reply = await bot.say("/start", language_code="nb")
    assert "Jeg er pumpbot" in reply.text
    assert "Påminnelser" in reply.text
    assert "/tidssone" in reply.text


async def test_a_no_user_gets_bokmaal(bot: BotHarness) -> None:
    reply = await bot.say("/start", language_code="no")
    assert "Jeg er pumpbot" in reply.text


async def test_a_nynorsk_user_gets_bokmaal(bot: BotHarness) -> None:
    reply = await bot.say("/start", language_code="nn")
    assert "Jeg er pumpbot" in reply.text


async def test_other_languages_fall_back_to_the_default(bot: BotHarness) -> None:
    reply = await bot.say("/start", language_code="de")
    assert "I'm pumpbot" in reply.text


async def test_default_language_setting_is_the_fallback(tmp_path: Path) -> None:
    harness = await BotHarness(tmp_path, default_language="nb").start()
    try:
        reply = await harness.say("/start", language_code="fr")
        assert "Jeg er pumpbot" in reply.text
    finally:
        await harness.stop()


async def test_help_lists_the_commands_in_the_chat_language(bot: BotHarness) -> None:
    english = await bot.say("/help")
    assert "/language – Change language" in english.text
    norwegian = await bot.say("/hjelp", chat_id=777, user_id=777, language_code="nb")
    assert "/sprak – Bytt språk" in norwegian.text


async def test_menus_are_published_per_language(bot: BotHarness) -> None:
    menus = bot.telegram.commands
    english = {c["command"]: c["description"] for c in menus["en"]}
    norwegian = {c["command"]: c["description"] for c in menus["nb"]}
    assert english["timezone"] == "Set your time zone"
    assert norwegian["tidssone"] == "Velg tidssone"
    assert menus["no"] == menus["nb"] == menus["nn"]
    assert menus[None] == menus["en"]


async def test_every_menu_command_answers_in_both_languages(bot: BotHarness) -> None:
    """The menus and the handlers list command names separately; they must not drift apart."""
    handled = {
        name
        for group in bot.app.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    }
    shown = {name for command in handlers.menu_commands() for name in command.names}
    assert shown - handled == set()


async def test_start_up_sets_the_description_and_short_description_per_language(
    bot: BotHarness,
) -> None:
    """What a parent reads before tapping Start, and on the profile: what the bot does, and
    that it is support, not diagnosis; in English, in Bokmål for nb/no/nn, and a default."""
    long, short = bot.telegram.descriptions, bot.telegram.short_descriptions
    assert set(long) == set(short) == {None, "en", "nb", "no", "nn"}
    assert "reminders" in long["en"] and "not diagnosis" in long["en"]
    assert "health visitor" in long["en"]
    assert "påminnelser" in long["nb"] and "stiller ingen diagnoser" in long["nb"]
    assert "helsestasjonen" in long["nb"]
    assert "not diagnosis" in short["en"] and "ingen diagnoser" in short["nb"]
    assert long["no"] == long["nn"] == long["nb"] and short["no"] == short["nb"]
    assert long[None] == long["en"] and short[None] == short["en"]  # DEFAULT_LANGUAGE is en
    # Telegram's limits: 512 characters for the description, 120 for the short one.
    assert all(len(text) <= 512 for text in long.values())
    assert all(len(text) <= 120 for text in short.values())


async def test_a_norwegian_default_language_describes_the_bot_in_bokmaal(tmp_path: Path) -> None:
    harness = await BotHarness(tmp_path, default_language="nb").start()
    try:
        assert "stiller ingen diagnoser" in harness.telegram.descriptions[None]
        assert harness.telegram.descriptions["en"].startswith("pumpbot helps parents")
    finally:
        await harness.stop()


async def test_a_description_telegram_refuses_does_not_stop_the_bot(tmp_path: Path) -> None:
    """The description is cosmetic: a failure is logged, the rest is still set, and the bot
    answers."""
    harness = BotHarness(tmp_path)
    harness.telegram.faults.append(Fault(method="setMyDescription", status=500))
    await harness.start()
    try:
        assert "en" in harness.telegram.descriptions and "nb" in harness.telegram.descriptions
        reply = await harness.say("/start")
        assert "I'm pumpbot" in reply.text
    finally:
        await harness.stop()
