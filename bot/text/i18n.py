"""Translations: picks a chat's language and turns catalogue messages into sentences.

Catalogues are read from `locales/*/LC_MESSAGES/pumpbot.po` and compiled in memory at first use,
so a running bot can never serve a stale `.mo` file.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "pumpbot"
LANGUAGES = ("en", "nb")
LANGUAGE_NAMES = {"en": "English", "nb": "Norsk bokmål"}
# Telegram reports Norwegian users as nb, no or nn; the bot writes Bokmål for all of them.
NORWEGIAN_CODES = ("nb", "no", "nn")


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; translate it where it is shown."""
    return message


def language_for(language_code: str | None, default: str) -> str:
    """The bot language for a Telegram `language_code` such as `en-GB`, `nb` or `no`."""
    if language_code:
        primary = language_code.lower().replace("_", "-").split("-")[0]
        if primary == "en":
            return "en"
        if primary in NORWEGIAN_CODES:
            return "nb"
    return default


def catalogue_path(language: str) -> resources.abc.Traversable:
    return resources.files("locales") / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(language: str) -> gettext.GNUTranslations:
    with catalogue_path(language).open("rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """Gettext for one language, with named placeholders filled by keyword."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        self.language = language
        self.locale = Locale.parse(language)
        self._catalogue = _translations(language)

    def _(self, message: str, **values: Any) -> str:
        text = self._catalogue.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        text = self._catalogue.ngettext(singular, plural, n)
        return text.format(n=n, **values)


@cache
def translator(language: str) -> Translator:
    return Translator(language)
