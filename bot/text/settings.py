"""Lines about the chat's own settings, as /settings and the export's caption show them."""

from __future__ import annotations

from datetime import time

from babel.dates import format_time

from bot.domain.chats import ChatSettings
from bot.domain.daybook import MIDNIGHT
from bot.text.i18n import Translator


def day_start_name(day_start: time, tr: Translator) -> str:
    """`midnight`, or the clock time (`04:00`, `4:00 AM`) as the chat's locale writes it."""
    if day_start == MIDNIGHT:
        return tr._("midnight")
    return format_time(day_start, format="short", locale=tr.locale)


def day_start_line(settings: ChatSettings) -> str:
    return settings.tr._(
        "Your day starts at: {start}", start=day_start_name(settings.day_start, settings.tr)
    )


def babies_line(settings: ChatSettings) -> str:
    return settings.tr.ngettext("Milk for: {n} baby", "Milk for: {n} babies", settings.babies)


def settings_caption(settings: ChatSettings, more: list[str]) -> str:
    """The settings file's caption: where times are, the day's start, the babies, then `more`
    (the timer's and the step-down plan's lines, when there are such)."""
    tr = settings.tr
    lines = [
        tr._("Your settings and plans, times in your time zone ({zone}):", zone=settings.timezone),
        day_start_line(settings),
        babies_line(settings),
        *more,
    ]
    return "\n".join(lines)
