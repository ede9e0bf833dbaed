"""The Bokmål catalogue follows locales/GLOSSARY.md: none of its banned forms appears."""

from __future__ import annotations

import re

from locales.catalogues import LOCALES, read_catalogue

GLOSSARY = LOCALES / "GLOSSARY.md"
# Keyword and question-word lists match what parents type, so they keep every spelling.
MATCHING_LISTS = ("stikkord:", "spørreord:")


def banned_forms() -> list[str]:
    section = GLOSSARY.read_text(encoding="utf-8").split("## Banned forms", 1)[1]
    return re.findall(r"^- `([^`]+)`", section, flags=re.MULTILINE)


def banned_pattern(form: str) -> re.Pattern[str]:
    """Whole words (`melka` is not in «melkanalyse»); `helsesykepleier*` takes any ending."""
    stem = form.removesuffix("*")
    ending = r"\w*" if form.endswith("*") else ""
    return re.compile(rf"(?<!\w){re.escape(stem)}{ending}(?!\w)", re.IGNORECASE)


def readable_nb_messages() -> dict[str, str]:
    texts = {}
    for message in read_catalogue("nb"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        text = "\n".join(strings)
        if not text.startswith(MATCHING_LISTS):
            key = message.id if isinstance(message.id, str) else message.id[0]
            texts[key] = text
    return texts


def test_the_glossary_lists_banned_forms() -> None:
    forms = banned_forms()
    assert len(forms) >= 10
    assert {"helsesykepleier*", "ammehjelper*", "melka", "pumpa"} <= set(forms)


def test_no_bokmal_message_uses_a_banned_form() -> None:
    patterns = {form: banned_pattern(form) for form in banned_forms()}
    found = [
        (form, msgid[:50])
        for msgid, text in readable_nb_messages().items()
        for form, pattern in patterns.items()
        if pattern.search(text)
    ]
    assert found == []


def test_the_check_would_catch_a_banned_form() -> None:
    assert banned_pattern("melka").search("Melka er på vei.")
    assert not banned_pattern("melka").search("melkanalyse og morsmelk")
    assert banned_pattern("helsesykepleier*").search("Snakk med helsesykepleieren.")


def test_intervals_are_written_as_norwegian_ordinals() -> None:
    """«hver 3. time», never «hver 3 t», wherever a schedule is described."""
    texts = readable_nb_messages()
    assert texts["every {hours} hours"] == "hver {hours} time"
    assert "hver {n}. time" in texts["every hour"]
    assert not [t for t in texts.values() if re.search(r"\b[Hh]ver \{\w+\} t\b", t)]
