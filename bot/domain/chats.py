"""A chat's settings as the rest of the bot sees them: language, time zone, unit, pumping."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.storage.models import Chat, Unit
from bot.text.i18n import Translator, translator


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


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def find_timezone(text: str) -> str | None:
    """The IANA zone a user meant (`europe/oslo`, `Europe/Oslo ` or `UTC`), or None."""
    cleaned = text.strip().replace(" ", "_").lower()
    return _zones_by_lower_name().get(cleaned)
