"""A command the bot does not have gets a short answer, with the command the parent probably
meant, in their language; nothing is stored, and in a group only commands addressed to this bot
are answered."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bot.domain.commandnames import closest_command, typed_command
from bot.storage.models import Chat, PumpSession
from tests.support.kit import GROUP_CHAT, BotHarness


def rows(bot: BotHarness, table: object) -> int:
    with bot.services.db.engine.connect() as connection:
        query = sa.select(sa.func.count()).select_from(table.__table__)  # type: ignore[attr-defined]
        return int(connection.execute(query).scalar_one())


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("påminn", "paminn"),  # Telegram's command names are ASCII
        ("Påminn", "paminn"),
        ("remnd", "remind"),
        ("stahs", "stash"),
        ("tidssone", "tidssone"),
        ("hello", None),
        ("", None),
    ],
)
def test_the_command_meant_is_found_by_spelling(typed: str, meant: str | None) -> None:
    known = ["remind", "paminn", "stash", "lager", "tidssone", "timezone", "help", "hjelp"]
    assert closest_command(typed, known) == meant


def test_the_command_word_is_read_without_slash_bot_name_or_arguments() -> None:
    assert typed_command("/Påminn@pumpbot_test_bot 2t") == "påminn"
    assert typed_command("/foo") == "foo"


async def test_a_misspelt_command_is_answered_with_the_one_meant(bot: BotHarness) -> None:
    reply = await bot.say("/remnd 3h")
    assert (
        reply.text == "I don't have a command /remnd. Did you mean /remind? /help lists them all."
    )


async def test_a_norwegian_command_with_å_points_to_its_telegram_spelling(bot: BotHarness) -> None:
    reply = await bot.say("/påminn 2t", language_code="nb")
    assert reply.text == (
        "Jeg har ingen kommando /påminn. Mente du /paminn? /hjelp viser alle kommandoene."
    )
    assert (await bot.say("/paminn 2t", language_code="nb")).text.startswith("Påminnelsene er på")


async def test_an_unknown_command_changes_nothing(bot: BotHarness) -> None:
    reply = await bot.say("/foo 120 ml")
    assert reply.text == "I don't have a command /foo. /help lists them all."
    assert rows(bot, PumpSession) == 0
    assert rows(bot, Chat) == 0  # not even the chat is stored


async def test_the_command_is_shown_escaped(bot: BotHarness) -> None:
    reply = await bot.say("/<b>hi</b>")
    assert "&lt;b&gt;hi&lt;/b&gt;" in reply.text


async def test_in_a_group_only_commands_for_this_bot_are_answered(bot: BotHarness) -> None:
    calls = await bot.feed(
        bot.telegram.message_update(GROUP_CHAT, "/weather", bot.telegram.user(5, "en"))
    )
    assert not [c for c in calls if c.method == "sendMessage"]  # another bot's, perhaps
    reply = await bot.say("/stahs@pumpbot_test_bot", chat_id=GROUP_CHAT)
    assert reply.text == (
        "I don't have a command /stahs. Did you mean /stash? /help lists them all."
    )
