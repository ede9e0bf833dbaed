"""A chat's settings as the rest of the bot sees them: language, time zone, unit, pumping."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, available_timezones

from bot.i18n import Translator, translator
from bot.models import Chat, Unit


@dataclass(frozen=True)
class ChatSettings:
    id: int
    language: str
    timezone: str
    unit: Unit
    exclusive_pumping: bool = False

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
        )


_ZONES_BY_LOWER_NAME: dict[str, str] = {}


def find_timezone(text: str) -> str | None:
    """The IANA zone a user meant (`europe/oslo`, `Europe/Oslo ` or `UTC`), or None."""
    if not _ZONES_BY_LOWER_NAME:
        _ZONES_BY_LOWER_NAME.update({name.lower(): name for name in available_timezones()})
    cleaned = text.strip().replace(" ", "_").lower()
    return _ZONES_BY_LOWER_NAME.get(cleaned)
