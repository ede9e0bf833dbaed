"""Commands that delete or change something refuse words they do not take (`/undo 1 2 3`):
a kind hint, in the chat's language, naming the command as typed, and nothing changed in the
database. A command that deletes should not guess."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.kit import BotHarness

# Every table but the inbox, which records each update whatever it asks for.
SKIPPED = {"inbox", "alembic_version"}


def database(bot: BotHarness) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table: to prove a refusal changed nothing."""
    engine = bot.services.db.engine
    tables = [name for name in sa.inspect(engine).get_table_names() if name not in SKIPPED]
    with engine.connect() as connection:
        return {
            name: sorted(
                (tuple(row) for row in connection.execute(sa.text(f"SELECT * FROM {name}"))),
                key=repr,
            )
            for name in tables
        }


async def a_chat_with_a_bit_of_everything(bot: BotHarness, language: str = "en") -> None:
    """A log, milk in the freezer, a reminder plan, paused (the chat in `language`)."""
    for text in ("120 ml", "/stash add 120 freezer", "/remind every 3h", "/pause 2"):
        await bot.say(text, language_code=language)


@pytest.mark.parametrize(
    ("typed", "language", "hint"),
    [
        ("/undo 1 2 3", "en", "I only understand /undo on its own, so nothing was removed."),
        ("/angre 2", "nb", "Jeg forstår bare /angre alene, så ingenting ble fjernet."),
        ("/forget everything", "en", "I only understand /forget on its own"),
        ("/slett alt", "nb", "Jeg forstår bare /slett alene, så ingenting ble slettet."),
        ("/resume now please", "en", "I only understand /resume on its own"),
        ("/fortsett nå", "nb", "Jeg forstår bare /fortsett alene"),
        ("/power 30", "en", "I only understand /power on its own, so nothing started."),
        ("/stash use 1 2 3", "en", "I couldn't read that. Try one of these:"),
    ],
)
async def test_a_destructive_command_with_words_it_does_not_take_changes_nothing(
    bot: BotHarness, typed: str, language: str, hint: str
) -> None:
    await a_chat_with_a_bit_of_everything(bot, language)
    before = database(bot)
    reply = await bot.say(typed, language_code=language)
    assert hint in reply.text
    assert reply.buttons == []  # no "Delete everything" to tap, nothing to confirm
    assert database(bot) == before


async def test_the_same_commands_alone_still_do_their_work(bot: BotHarness) -> None:
    await a_chat_with_a_bit_of_everything(bot)
    assert "Removed 120" in (await bot.say("/undo")).text
    assert "Reminders are back on" in (await bot.say("/resume")).text
    assert (await bot.say("/forget")).buttons  # asks, with buttons to confirm
