"""Routing free text: is a message a log, a question or worry (and which topic answers it), or
neither? Plain functions; the tips and logging handlers only act on the answer.

A message whose every word the log parser knows is a log (stored, or refused with the reason),
unless it asks something ("120 ml?"). Anything else is read by the trained model in
`bot.domain.understanding`: a topic it is confident about is answered; a failed log
(`pumpd 90mls rite side`) that asks nothing gets the log-format error with examples; anything
else (chatter, a question the model is unsure about) gets the topic menu and a line on how to
log, never "I couldn't read that as a pumping session".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.parsing import attempts_a_log, reads_as_log
from bot.domain.tips import TOPICS_BY_ID, Topic
from bot.domain.understanding import LOG_ATTEMPT, normalise, understand
from bot.text.i18n import LANGUAGES, N_, translator

# In a family group, a topic answered without a question must be this sure (chatter between
# grown-ups is not for the bot).
GROUP_CONFIDENCE = 0.6

QUESTION_WORDS = N_(
    "question words: how, what, whats, why, when, where, which, who, is, are, am, can, could, "
    "should, shall, does, do, will, would, any, tips, help, advice, tip"
)


def question_words(language: str) -> frozenset[str]:
    listing = translator(language)._(QUESTION_WORDS).partition(":")[2]
    return frozenset(normalise(word) for word in listing.split(",") if word.strip())


def find_topic(text: str, language: str) -> Topic | None:
    """The topic the model is confident `text` asks about (either language), else None."""
    label = understand(text, language).label
    return TOPICS_BY_ID.get(label) if label else None


# -- routing ---------------------------------------------------------------------------------

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


class Route(StrEnum):
    LOG = "log"  # the log parser reads it: stored, or refused with the reason
    TOPIC = "topic"  # a question or worry a tip answers
    NO_TOPIC = "no_topic"  # no tip fits, and it is no attempt at a log: the menu
    UNREADABLE = "unreadable"  # an attempt at a log the parser cannot read: the log examples


@dataclass(frozen=True)
class Reading:
    route: Route
    topic: Topic | None = None
    asked: bool = False  # a question mark or a question word
    strong: bool = False  # the model is at least GROUP_CONFIDENCE sure of the topic
    number: bool = False  # the text (before any `#` note) holds a number
    likely: tuple[str, ...] = ()  # the two likeliest topic ids, for a menu that offers them first


def read_message(text: str, language: str) -> Reading:
    """What a free-text message is, for the chat's `language`. A note after `#` belongs to a
    log (`120 #is this low?` is a log with a note), so only the part before it is read."""
    body = text.split("#", 1)[0]
    asked, number = asks(body), has_number(body)
    # Either language's way of writing numbers: the decision must not hang on the chat's
    # language, so that the tips filter (which has no chat settings) agrees with the handler.
    if not asked and any(reads_as_log(text, lang) for lang in LANGUAGES):
        return Reading(Route.LOG, number=number)
    understood = understand(body, language)
    found = TOPICS_BY_ID.get(understood.label or "")
    if found is not None:
        strong = understood.confidence >= GROUP_CONFIDENCE
        return Reading(Route.TOPIC, found, asked, strong, number, understood.likely)
    # A failed log asks nothing and has a number; an unsure reading of a text made mostly of
    # log words is one too. Anything else, worries with numbers among them, gets the menu.
    failed_log = understood.label == LOG_ATTEMPT or (
        understood.label is None and attempts_a_log(body)
    )
    if asked or not number or not failed_log:
        return Reading(Route.NO_TOPIC, asked=asked, number=number, likely=understood.likely)
    return Reading(Route.UNREADABLE, asked=asked, number=number, likely=understood.likely)


def answers_in_group(reading: Reading) -> bool:
    """In a family group the bot answers only what clearly asks it something: a question
    with a topic, or a topic the model is sure of, with no number ("blod i melken")."""
    return reading.route == Route.TOPIC and (
        reading.asked or (reading.strong and not reading.number)
    )
