"""Keeps the gettext catalogues in step with the code, and checks them.

    python -m locales.catalogues update   # extract, merge into en and nb, copy English msgids
    python -m locales.catalogues check    # fail on a missing, untranslated or fuzzy entry

`update` does what `pybabel extract` and `pybabel update` do (docs/developing.md shows both), and
then fills the English catalogue, whose translations are its message ids.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.text.i18n import DOMAIN, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
SOURCE_DIRS = ("bot", "handlers", "scheduler")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# A `# TRANSLATORS: ...` comment right above a message goes into the catalogues as a `#.` line.
# Health messages carry one per source passage: `# TRANSLATORS: source: <file>: "<first words>"`
# (tests/text/test_sources.py checks them against ../shared/sources).
COMMENT_TAGS = ("TRANSLATORS:",)
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
HEADER = "# pumpbot messages. Every sentence is pumpbot's own.\n#"
# Fixed header dates keep `update` from touching every catalogue on every run.
HEADER_DATE = datetime(2026, 11, 23, tzinfo=UTC)
HEADER_FIELDS = {
    "project": "pumpbot",
    "version": "1",
    "header_comment": HEADER,
    "fuzzy": False,
    "creation_date": HEADER_DATE,
    "revision_date": HEADER_DATE,
    "msgid_bugs_address": "",
    "last_translator": "pumpbot developers",
    "language_team": "pumpbot developers",
}


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """Every message the code marks for translation."""
    template = Catalog(domain=DOMAIN, **HEADER_FIELDS)
    for directory in SOURCE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / directory,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS,
        ):
            path = f"{directory}/{filename}"
            template.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return template


def read_catalogue(language: str) -> Catalog:
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def write_catalogue(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(
            handle,
            catalog,
            width=100,
            omit_header=False,
            ignore_obsolete=True,
            # No line numbers: an edit elsewhere in a file then leaves the catalogues alone,
            # and branches that add messages merge without conflicts.
            include_lineno=False,
        )


def new_catalogue(language: str) -> Catalog:
    return Catalog(locale=language, domain=DOMAIN, **HEADER_FIELDS)


def update() -> None:
    write_catalogue(extract(), LOCALES / f"{DOMAIN}.pot")
    for language in LANGUAGES:
        path = po_path(language)
        catalog = read_catalogue(language) if path.exists() else new_catalogue(language)
        # A fresh template each time: Catalog.update shares its Message objects.
        catalog.update(extract(), no_fuzzy_matching=True, update_header_comment=False)
        catalog.fuzzy = False
        catalog.revision_date = HEADER_DATE
        if language == "en":
            for message in catalog:
                if message.id:
                    message.string = message.id
                    message.flags.discard("fuzzy")
        write_catalogue(catalog, path)


def placeholders(text: str | tuple[str, ...]) -> set[str]:
    texts = text if isinstance(text, tuple) else (text,)
    return {name for t in texts for name in PLACEHOLDER.findall(t)}


def problems() -> list[str]:
    """Everything that would show a user an untranslated or broken message."""
    found: list[str] = []
    template = extract()
    for language in LANGUAGES:
        catalog = read_catalogue(language)
        for message in template:
            if not message.id:
                continue
            entry = catalog.get(message.id)
            where = f"{language}: {message.id!r}"
            if entry is None or (language == "en" and entry.string != message.id):
                found.append(f"{where} is missing from the catalogue")
                continue
            strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            if entry.fuzzy:
                found.append(f"{where} is fuzzy")
            if not all(strings):
                found.append(f"{where} is untranslated")
            elif placeholders(entry.string) != placeholders(message.id):
                found.append(f"{where} has placeholders that differ from the message id")
    return found


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
        return 0
    if argv[:1] == ["check"]:
        found = problems()
        for problem in found:
            print(problem)
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
