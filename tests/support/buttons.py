"""Button data for tests: a well-formed example of every button the bot declares."""

from __future__ import annotations

from bot import buttons


def sample(field: buttons.Field) -> str:
    """A value of this type that the parser accepts."""
    if isinstance(field, buttons.Number):
        return str(max(field.low, min(field.high, 1)))
    if isinstance(field, buttons.ClockTime):
        return "0700"
    candidates = ("off", "x", "Europe/Oslo", "fridge", "stop", "ok")
    return next(text for text in candidates if field.parse(text) is not None)


def example_parts(button: buttons.Button) -> list[str]:
    """The parts of well-formed data for the button: prefix, action, a value per field."""
    return [button.prefix, button.action, *(sample(field) for field in button.fields)]
