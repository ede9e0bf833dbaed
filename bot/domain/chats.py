"""A chat's settings as the rest of the bot sees them: language, time zone, unit, pumping."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.domain.units import Unit
from bot.storage.models import Chat
from bot.text.i18n import Translator, translator


@dataclass(frozen=True)
class ChatSettings:
    id: int
    language: str
    timezone: str
    unit: Unit
    exclusive_pumping: bool = False
    babies: int = 1  # how many babies the milk is for
    babies_asked: bool = False  # the chat answered (or was asked) how many babies

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def tr(self) -> Translator:
        return translator(self.language)

    @classmethod
    def of(cls, chat: Chat) -> ChatSettings:
        return cls(
            id=chat.id,
            language=chat.language,
            timezone=chat.timezone,
            unit=Unit(chat.unit),
            exclusive_pumping=bool(chat.exclusive_pumping),
            babies=chat.babies or 1,
            babies_asked=chat.babies is not None,
        )


# The IANA areas of geographic zones (`Europe/Oslo`, `America/Argentina/Salta`). Left out on
# purpose: `localtime`, `Factory` and `posixrules` (files, not places), fixed offsets
# (`Etc/GMT+5`, whose sign is the reverse of what people expect), old aliases (`US/Eastern`,
# `CET`, `Japan`) and the `posix/` and `right/` copies some systems list.
GEOGRAPHIC_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)


def is_offered_zone(name: str) -> bool:
    """A zone a chat may choose: a geographic Area/Location zone, or UTC."""
    return name == "UTC" or ("/" in name and name.split("/", 1)[0] in GEOGRAPHIC_AREAS)


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones() if is_offered_zone(name)}


def find_timezone(text: str) -> str | None:
    """The zone a user meant (`europe/oslo`, `Europe/Oslo ` or `utc`), if it is one a chat may
    choose (see `is_offered_zone`); else None."""
    cleaned = text.strip().replace(" ", "_").lower()
    return _zones_by_lower_name().get(cleaned)
