"""What Telegram shows about the bot: the command menus (one list of commands, shown in each
language with its own names) and the bot's description and short description."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from bot.text.i18n import N_, NORWEGIAN_CODES, Translator, translator

log = logging.getLogger(__name__)


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


# Shown in the empty chat before Start (at most 512 characters).
DESCRIPTION = N_(
    "pumpbot helps parents who pump breast milk: reminders when it is time to pump, a log you "
    "keep with one short message, and quick tips about pumping, milk supply and storing "
    "milk.\n\n"
    "It offers support and advice, not diagnosis. For worries, talk to your health visitor, a "
    "lactation consultant or a doctor."
)
# Shown on the bot's profile and when it is shared (at most 120 characters).
SHORT_DESCRIPTION = N_(
    "Pumping reminders, a simple log and quick tips for parents who pump. Support and advice, "
    "not diagnosis."
)


def audiences(default_language: str) -> list[tuple[str | None, Translator]]:
    """Each Telegram language code the bot speaks to, with its translator; None is everyone
    else, who gets the default language."""
    return [
        (None, translator(default_language)),
        ("en", translator("en")),
        *((code, translator("nb")) for code in NORWEGIAN_CODES),
    ]


async def publish_menus(bot: Bot, commands: Sequence[MenuCommand], default_language: str) -> None:
    """Set the menu for English users, Norwegian users, and everyone else."""
    for code, tr in audiences(default_language):
        await bot.set_my_commands(bot_commands(commands, tr), language_code=code)


async def publish_descriptions(bot: Bot, default_language: str) -> None:
    """Set the description and short description, per language as the menus are. Telegram
    keeps the last ones set, so a failure here is logged and never stops the bot starting."""
    for code, tr in audiences(default_language):
        try:
            await bot.set_my_description(tr._(DESCRIPTION), language_code=code)
            await bot.set_my_short_description(tr._(SHORT_DESCRIPTION), language_code=code)
        except TelegramError as error:
            log.warning(
                "Could not set the bot's description for %s: %s",
                code or "the default",
                error.__class__.__name__,
            )
