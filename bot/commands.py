"""Command menus: one list of commands, shown in each language with its own names."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telegram import Bot, BotCommand

from bot.text.i18n import NORWEGIAN_CODES, Translator, translator


@dataclass(frozen=True)
class MenuCommand:
    """A command in the menu. `description` is a catalogue message; `nb_name` is the name
    Norwegian menus show (both names always work)."""

    name: str
    description: str
    nb_name: str | None = None

    @property
    def names(self) -> list[str]:
        return [self.name] + ([self.nb_name] if self.nb_name else [])

    def name_for(self, language: str) -> str:
        return self.nb_name if language == "nb" and self.nb_name else self.name


def help_lines(commands: Iterable[MenuCommand], tr: Translator) -> str:
    return "\n".join(
        f"/{command.name_for(tr.language)} – {tr._(command.description)}" for command in commands
    )


def bot_commands(commands: Iterable[MenuCommand], tr: Translator) -> list[BotCommand]:
    return [BotCommand(c.name_for(tr.language), tr._(c.description)) for c in commands]


async def publish_menus(bot: Bot, commands: Sequence[MenuCommand], default_language: str) -> None:
    """Set the menu for English users, Norwegian users, and everyone else."""
    await bot.set_my_commands(bot_commands(commands, translator(default_language)))
    await bot.set_my_commands(bot_commands(commands, translator("en")), language_code="en")
    norwegian = bot_commands(commands, translator("nb"))
    for code in NORWEGIAN_CODES:
        await bot.set_my_commands(norwegian, language_code=code)
