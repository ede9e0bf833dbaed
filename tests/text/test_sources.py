"""Every health or quantity sentence the bot says can be traced to a passage in the sources.

A catalogue entry is a *health message* when
- it is a tip's body or closing line (every `Topic` in `bot.domain.tips.TOPICS`), or
- its English text has at least 8 words and names milk, a baby, the breast, supply, let-down,
  mastitis, nappies, colostrum, a premature baby, storing milk (fridge, freezer, thawing), or a
  figure from the guidance (`{band}`, `{need_...}`, `{per_hour}`, `{margin}`),
unless `NOT_HEALTH` below lists it with the reason. Keyword and question-word messages are for
matching, not for reading, and are left out.

Such an entry carries, as an extracted comment for translators, one line per passage it rests
on: `# TRANSLATORS: source: <file>: "<the passage's first words>"`. The file is either one of
the project's own source notes (`locales/sources/<topic>.md`: publisher, title, address, date
read, the facts in our own words) or a file of the shared sources (`PUMPBOT_SOURCES`, else
`../shared/sources` beside the repository). Each named file must exist and hold those words.
The notes are always at hand; the shared sources may not be on a developer's machine, and then
the check of the passages they hold is skipped, except in CI (`CI` set, `tests.support.ci`),
where it fails.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.catalog import Message

from bot.commands import DESCRIPTION, SHORT_DESCRIPTION
from bot.domain.planning import Preset
from bot.domain.tips import TOPICS
from bot.text.reminders import PRESET_NAMES
from locales.catalogues import ROOT, extract, read_catalogue
from tests.support.ci import in_ci

SOURCES = Path(os.environ.get("PUMPBOT_SOURCES", ROOT.parent / "shared" / "sources"))
NOTES = ROOT / "locales" / "sources"
SOURCE_LINE = re.compile(r'^TRANSLATORS: source: (?P<file>[\w.-]+): "(?P<words>.+)"$')
HEALTH_WORDS = re.compile(
    r"\bmilk|\bbab(?:y|ies)|breast|nipple|supply|let-down|mastitis|nappies|colostrum|"
    r"premature|fridge|freez|thaw|\{band\}|\{need_\w+\}|\{per_hour\}|\{margin\}",
    re.IGNORECASE,
)
MIN_WORDS = 8

# Messages that name a health word but state no health fact, and why.
NOT_HEALTH: dict[str, str] = {
    "I move your reminders at each step and ask how your breasts feel. You can pause, change "
    "or end the plan any time with /stepdown.": "what the step-down plan does",
    "Pumped milk per day, the last {n} day": "a chart title",
    "How much milk to leave when you are away": "a command's menu line",
    PRESET_NAMES[Preset.BUILDING]: "a plan's name; the /remind menu line gives its sources",
    DESCRIPTION: "what the bot does, shown before Start",
    SHORT_DESCRIPTION: "what the bot does, on its profile",
    (
        "⏰ <b>Reminders</b>: I tell you when the next pumping is due, on your schedule, and "
        "keep quiet at night if you want.\n"
        "📝 <b>Logging</b>: send one short message like <code>L 60 R 70 20min</code> or "
        "<code>120 ml</code> and I keep the day's total.\n"
        "💡 <b>Quick tips</b>: short, practical answers about pumping and milk supply."
    ): "what the bot does",
    (
        "💡 <b>Quick tips</b>\n"
        "Pick a topic, or simply ask me in your own words, like "
        "<i>how much milk does my baby need?</i>\n\n"
        "I'm here for support and advice, not diagnosis: for worries, talk to your health "
        "visitor or a lactation consultant."
    ): "the tips menu",
    "It is a pumping export from Baby Buddy.": "names another app (Baby Buddy), not a baby",
    "Change them with /language, /timezone, /units and /nudges, and how many babies your milk "
    "is for with the buttons below.": "how to change the settings",
    (
        "Send me the file as a document (📎, then File). I can read an export from pumpbot "
        "(/export), a pumping export from Baby Buddy (its admin page, Pumping, Export, CSV), or "
        "any table whose first line names a time column and an amount column, like "
        "<code>time;amount</code> or <code>tidspunkt,mengde</code>."
    ): "how to send a file to import; Baby Buddy is another app",
    # The milk stash: what was done, or how to use it; the messages that state a storage time
    # carry their sources.
    "Nothing stored yet. Tap 🧊 Freezer or 🥛 Fridge under a logged session, or send "
    "<code>froze 120</code> or <code>fridge 90</code>.": "how to put milk in the stash",
    "Used {amount} from the freezer. Left there: {left}.": "a record of what was done",
    "Used {amount} from the fridge. Left there: {left}.": "a record of what was done",
    "The {amount} of this session's milk in the freezer is gone from your stash too.": (
        "a record of what an undo did"
    ),
    "The {amount} of this session's milk in the fridge is gone from your stash too.": (
        "a record of what an undo did"
    ),
    "The {amount} of those sessions' milk in the freezer is gone from your stash too.": (
        "a record of what an undo did"
    ),
    "The {amount} of those sessions' milk in the fridge is gone from your stash too.": (
        "a record of what an undo did"
    ),
    "There's no milk in the freezer within its time. /stash shows what you have.": "a refusal",
    "There's no milk in the fridge within its use-by time. /stash shows what you have, and a "
    "frozen portion can be thawed there.": "a refusal",
    "That session's milk is already in the freezer.": "a refusal",
    "That session's milk is already in the fridge.": "a refusal",
    "That portion is in the fridge, not frozen, so there's nothing to thaw.": "a refusal",
    "I've already handled that message, so nothing changed. /stash shows your milk now.": (
        "a repeated message"
    ),
    "I couldn't read that. Try one of these:\n<code>/stash</code> (what you have)\n"
    "<code>/stash add 120 freezer</code>\n<code>/stash add 90 fridge</code>\n"
    "<code>/stash use</code> (the oldest portion in the fridge)\n"
    "<code>/stash use 60</code>": "the stash commands",
    "Your milk stash: {n} portion, stored, used or thrown out, times in your time zone "
    "({zone}), amounts in millilitres.": "the /export file's caption",
    # Bottle feeds: records of what a feed took, and the bot's own arithmetic on logged feeds.
    "Logged a feed of {amount}. There was no milk ready in the fridge, so none of it came from "
    "the stash.": "a record of what a feed took",
    "How much did your baby have? Send it like <code>/feed 90</code>, or write "
    "<code>fed 90 ml</code>. I take it from the milk in the fridge, the oldest first.": (
        "how /feed works"
    ),
    "That is less than a day's milk at the {rate} a day your baby has had from the bottle "
    "lately (a rule of thumb).": "the bot's arithmetic on the family's own logged feeds",
    "That is about {n} day's milk at the {rate} a day your baby has had from the bottle "
    "lately (a rule of thumb).": "the bot's arithmetic on the family's own logged feeds",
    "It is a feeding export from Baby Buddy. I read its bottles of breast milk as bottle "
    "feeds; feeds at the breast, formula and solid food are left out.": (
        "what an import reads; Baby Buddy is another app"
    ),
    "{n} other feed (at the breast, formula or solid food) is left out.": "what an import skips",
    "There's no bottle of breast milk in it I can read, so nothing was imported.": (
        "an import's result"
    ),
    "Tap Import to add {n} bottle feed. Imported feeds count towards the days your stash "
    "covers, but take no milk from it.": "what an import does",
    "Bottles: what the baby was given from the bottle that day, as logged.": (
        "the report's column note"
    ),
    "I don't change stored milk from an edited message. /stash shows your portions, with "
    "buttons to use one or throw it out.": "how the stash is changed",
}


def message_id(message) -> str:  # type: ignore[no-untyped-def]
    return message.id if isinstance(message.id, str) else message.id[0]


def is_health_message(text: str, tips: set[str]) -> bool:
    if text in tips:
        return True
    if text.startswith(("keywords:", "question words:")) or text in NOT_HEALTH:
        return False
    return len(text.split()) >= MIN_WORDS and bool(HEALTH_WORDS.search(text))


def tip_messages() -> set[str]:
    return {t.body for t in TOPICS} | {t.care for t in TOPICS if t.care}


def health_messages() -> dict[str, list[str]]:
    """Each health message's English text and its translator comments, as extracted."""
    tips = tip_messages()
    return {
        message_id(m): list(m.auto_comments)
        for m in extract()
        if m.id and is_health_message(message_id(m), tips)
    }


def source_lines(comments: list[str]) -> list[re.Match[str]]:
    return [found for c in comments if (found := SOURCE_LINE.match(c.strip()))]


def test_every_health_message_names_its_sources() -> None:
    found = health_messages()
    # The recogniser must see the tips and the other health texts, not nothing.
    assert len(found) >= len(tip_messages()) + 10
    missing = [text[:80] for text, comments in found.items() if not source_lines(comments)]
    assert missing == [], 'add `# TRANSLATORS: source: <file>: "<first words>"` above these'


def test_the_catalogues_carry_the_source_comments_for_translators() -> None:
    """`update` writes the comments into both catalogues as `#.` lines."""
    found = health_messages()
    for language in ("en", "nb"):
        catalogue = read_catalogue(language)
        for text in found:
            entry = catalogue.get(text)
            assert entry is not None and source_lines(list(entry.auto_comments)), (
                language,
                text[:60],
            )


def test_not_health_lists_only_messages_that_exist() -> None:
    """A stale exemption would hide nothing, but would mislead the next reader."""
    ids = {message_id(m) for m in extract() if m.id}
    assert set(NOT_HEALTH) <= ids


def flat(text: str) -> str:
    return " ".join(text.split()).casefold()


def source_texts() -> tuple[dict[str, str], bool]:
    """Every source's text by file name, the notes' and (where at hand) the shared ones', and
    whether the shared sources were at hand."""
    texts = {path.name: flat(path.read_text(encoding="utf-8")) for path in NOTES.glob("*.md")}
    shared = SOURCES.is_dir()
    if shared:
        texts |= {path.name: flat(path.read_text(encoding="utf-8")) for path in SOURCES.iterdir()}
    return texts, shared


def wrong_source_lines(
    texts: dict[str, str], shared: bool, messages: Iterable[Message] | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(lines whose file or passage is missing, lines naming a shared source not at hand)."""
    wrong, unchecked = [], []
    for message in extract() if messages is None else messages:
        for line in source_lines(list(message.auto_comments)):
            text = texts.get(line["file"])
            if text is None and not shared and not (NOTES / line["file"]).exists():
                unchecked.append((line["file"], line["words"]))
            elif text is None or flat(line["words"]) not in text:
                wrong.append((line["file"], line["words"]))
    return wrong, unchecked


def test_each_source_line_quotes_a_passage_of_a_real_source() -> None:
    texts, shared = source_texts()
    wrong, unchecked = wrong_source_lines(texts, shared)
    assert wrong == []
    if unchecked:
        message = f"{len(unchecked)} source lines name shared sources not at {SOURCES}"
        if in_ci():
            pytest.fail(message + " (set PUMPBOT_SOURCES in CI)")
        pytest.skip(message)


def test_every_source_note_says_who_published_it_and_when_it_was_read() -> None:
    notes = sorted(NOTES.glob("*.md"))
    assert notes, f"no source notes in {NOTES}"
    for note in notes:
        text = note.read_text(encoding="utf-8")
        assert text.startswith("# "), note.name
        assert "## Publishers" in text and "## Facts" in text, note.name
        assert "https://" in text and "2026-12-04" in text, note.name


def test_a_missing_passage_in_a_note_is_caught() -> None:
    """The check itself: a comment citing words a note does not hold, or a note that does not
    exist, is reported as wrong, never skipped, with or without the shared sources."""
    texts, _ = source_texts()
    cited = [
        ("mastitis.md", "Signs of mastitis: an area of the breast"),
        ("mastitis.md", "Mastitis always clears up overnight"),
        ("no-such-note.md", "Anything at all"),
    ]
    messages = [
        Message(f"message {n}", auto_comments=[f'TRANSLATORS: source: {file}: "{words}"'])
        for n, (file, words) in enumerate(cited)
    ]
    for shared in (True, False):
        wrong, _ = wrong_source_lines(texts, shared, messages)
        assert wrong[0] == cited[1]
        assert cited[2] in wrong or not shared


def test_a_health_message_without_a_source_is_caught() -> None:
    """The recogniser itself: a new sentence about milk with no comment would be found."""
    assert is_health_message("Thawed milk keeps for two days in the fridge, always.", set())
    assert not is_health_message("Your log, newest first.", set())
    assert not is_health_message("keywords: *milk, *baby, *breast, *supply, *fridge", set())
