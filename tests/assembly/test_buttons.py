"""Button data: what the bot builds it parses back; what it would never build is refused."""

from __future__ import annotations

from datetime import time

import pytest
from telegram.ext import CallbackQueryHandler

from bot import buttons
from bot.buttons import (
    LOG_SHIFT,
    LOG_UNDO,
    REM_ONCE_A_DAY,
    REM_SNOOZE,
    SET_ZONE,
    STATS_KEEP,
    TIP_NUDGES,
    TIP_NUDGES_OFF_UNDER,
    Button,
    Pressed,
    parse,
)
from tests.support.buttons import example_parts
from tests.support.kit import BotHarness


@pytest.mark.parametrize(
    ("button", "values", "data"),
    [
        (LOG_UNDO, (42,), "log:undo:42"),
        (LOG_SHIFT, (42, -15), "log:shift:42:-15"),
        (REM_SNOOZE, (7, 30, 1773133200), "rem:snooze:7:30:1773133200"),
        (REM_ONCE_A_DAY, (time(7),), "rem:occ:0700"),
        (SET_ZONE, ("America/Argentina/Buenos_Aires",), "set:tz:America/Argentina/Buenos_Aires"),
        (STATS_KEEP, (), "stats:keep"),
        (TIP_NUDGES, ("off",), "tip:nudge:off"),
        (TIP_NUDGES_OFF_UNDER, ("off", "volume_drop"), "tip:nudge:off:volume_drop"),
    ],
)
def test_data_is_built_as_before_and_parsed_back(
    button: Button, values: tuple[object, ...], data: str
) -> None:
    """The formats are those of buttons already sitting in parents' chats."""
    assert button.data(*values) == data
    assert parse(data) == Pressed(button, values)


@pytest.mark.parametrize(
    "data",
    [
        "log:undo:²",
        "log:undo:١",
        "log:undo:１",
        "log:undo:" + "9" * 40,
        f"log:undo:{2**31}",  # more than pump_sessions.id holds on PostgreSQL
        "log:undo:0",
        "log:undo:007",
        "log:undo:+7",
        "log:undo:7_0",
        "log:undo: 7",
        "log:undo:7\n",
        "log:undo:-7",
        "log:undo",
        "log:undo:",
        "log:undo:7:",
        "log:undo:7:1",
        "log:shift:7",
        "log:shift:7:-9999",
        "log:",
        "log",
        "",
        None,
        "rem:off:",
        "rem:occ:2500",
        "rem:occ:7",
        "rem:snooze:7:15:253402300800",  # after the last second a datetime holds
        "stats:forget:9223372036854775808",  # past BIGINT
        "set:tz:Europe/Oslo/../../x",
        "set:tz:Ёвропа",
        "tip:t:" + "a" * 60,  # past Telegram's 64 bytes
        "zzz:1",
    ],
)
def test_anything_else_is_refused(data: str | None) -> None:
    assert parse(data) is None


def test_the_largest_values_the_columns_hold_are_accepted() -> None:
    assert parse(f"log:undo:{2**31 - 1}") == Pressed(LOG_UNDO, (2**31 - 1,))
    assert parse(f"stats:forget:{2**63 - 1}") is not None
    assert parse("rem:snooze:1:15:253402300799") is not None


def test_the_bot_never_builds_what_it_would_refuse() -> None:
    with pytest.raises(ValueError):
        LOG_UNDO.data(0)
    with pytest.raises(ValueError):
        LOG_UNDO.data(True)
    with pytest.raises(ValueError):
        LOG_UNDO.data(1, 2)
    with pytest.raises(ValueError):
        SET_ZONE.data("Ёвропа")
    with pytest.raises(ValueError):
        buttons.TIP_TOPIC.data("a" * 60)


def test_a_button_is_declared_once() -> None:
    with pytest.raises(ValueError, match="two buttons"):
        Button("log", "undo", buttons.ROW_ID)
    assert buttons.parse("log:undo:1") == Pressed(LOG_UNDO, (1,))


def test_every_button_goes_to_a_feature(bot: BotHarness) -> None:
    """Each button is taken by a feature's handler, not only by the catch-all that answers
    unknown buttons."""
    patterns = [
        handler.pattern
        for group in bot.app.handlers.values()
        for handler in group
        if isinstance(handler, CallbackQueryHandler) and handler.pattern is not None
    ]
    for button in buttons.KINDS.values():
        data = ":".join(example_parts(button))
        assert any(p.match(data) for p in patterns), data
