"""Questions in free text: whether a message asks something (a question mark or a question
word, in either language), whether it holds a number, and which topic `/tips <words>` means.
The router (`bot.domain.routing`) decides what a message is; which topic a question asks
about is the trained model's job (`bot.domain.understanding`).
"""

from __future__ import annotations

import re
from functools import cache

from bot.domain.tips import TOPICS_BY_ID, Topic
from bot.domain.understanding import normalise, understand
from bot.text.i18n import LANGUAGES, N_, translator

QUESTION_WORDS = N_(
    "question words: how, what, whats, why, when, where, which, who, is, are, am, can, could, "
    "should, shall, does, do, will, would, any, tips, help, advice, tip"
)


@cache
def question_words(language: str) -> frozenset[str]:
    listing = translator(language)._(QUESTION_WORDS).partition(":")[2]
    return frozenset(normalise(word) for word in listing.split(",") if word.strip())


def find_topic(text: str, language: str) -> Topic | None:
    """The topic the model is confident `text` asks about (either language), else None."""
    label = understand(text, language).label
    return TOPICS_BY_ID.get(label) if label else None


# -- asking ----------------------------------------------------------------------------------

_DIGIT = re.compile(r"\d")
_CLAUSE = re.compile(r"[,.;:!?\n]+")


def has_number(text: str) -> bool:
    return bool(_DIGIT.search(text))


def asks(text: str) -> bool:
    """A question mark, or a clause that starts with a question word (in either language):
    `my 5 week old drinks 100 ml, how much does she need`."""
    if "?" in text:
        return True
    for clause in _CLAUSE.split(text):
        words = normalise(clause).split()
        if words and any(words[0] in question_words(lang) for lang in LANGUAGES):
            return True
    return False
