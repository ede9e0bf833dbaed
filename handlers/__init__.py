"""Telegram handlers, one module per feature. `FEATURES` is the registration order.

Each feature module has `register(application)` and `MENU_COMMANDS`, and may have
`async on_startup(application)`. Order matters only for commands and buttons; typed text goes
through `handlers.text` and the router, whatever the order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

from bot.commands import MenuCommand
from handlers import (
    data,
    errors,
    family,
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
    stepdown,
    text,
    timer,
    tips,
    trend,
    unknown,
)

# Typed text has one handler (`text`): the router in bot/domain/routing.py decides what it is
# and the feature registered for that kind acts on it, so this order does not decide that.
FEATURES: list[ModuleType] = [
    groups,
    start,
    settings,
    reminders,
    power,
    stats,
    trend,
    timer,
    stepdown,
    history,
    data,
    stash,
    feeds,
    family,
    report,
    imports,
    tips,
    logging,
    text,
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
