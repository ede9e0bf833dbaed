"""Telegram handlers, one module per feature. `FEATURES` is the registration order.

Each feature module has `register(application)` and `MENU_COMMANDS`, and may have
`async on_startup(application)`. Order matters: commands and buttons first; a feature that
reads free text must come after every feature whose text it would otherwise swallow.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

from bot.commands import MenuCommand
from handlers import (
    data,
    errors,
    feeds,
    groups,
    history,
    imports,
    logging,
    power,
    reminders,
    report,
    settings,
    start,
    stash,
    stats,
    tips,
    unknown,
)

# stash reads typed stash messages (`froze 120`), tips free-text questions, and logging any
# other private text as a log, so logging stays last and those two before it: stored milk and
# questions are never logged.
FEATURES: list[ModuleType] = [
    groups,
    start,
    settings,
    reminders,
    power,
    stats,
    history,
    data,
    stash,
    feeds,
    report,
    imports,
    tips,
    logging,
    unknown,  # last: only commands no other feature took
]


def register_all(application: Any) -> None:
    for feature in FEATURES:
        feature.register(application)
    errors.register(application)


def menu_commands() -> list[MenuCommand]:
    return [command for feature in FEATURES for command in feature.MENU_COMMANDS]


def startup_hooks() -> list[Callable[[Any], Awaitable[None]]]:
    return [feature.on_startup for feature in FEATURES if hasattr(feature, "on_startup")]
