"""Both catalogues are complete: every message in the code is translated, none fuzzy."""

from __future__ import annotations

from bot.text.i18n import LANGUAGES, translator
from locales.catalogues import problems


def test_every_message_is_translated_in_both_languages() -> None:
    assert problems() == []


def test_norwegian_really_differs_from_english() -> None:
    message = "Here is what I understand:"
    assert translator("en")._(message) == message
    assert translator("nb")._(message) != message


def test_placeholders_are_filled() -> None:
    for language in LANGUAGES:
        text = translator(language)._("Done! I'll show amounts in {unit}.", unit="ml")
        assert "ml" in text and "{" not in text
