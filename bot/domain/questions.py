"""Understanding free text: is a message a log, a question or worry (and which topic answers
it), or neither? Plain functions; the tips and logging handlers only act on the answer.

**Routing** (`read_message`). A message whose every word the log parser knows is a log
(stored, or refused with the reason), unless it asks something ("120 ml?"). Anything else is
tried against the tips topics; if none fits, only an attempt at a log (a number, and mostly
log words: `pumped 120 mls lft`) gets the log-format error with examples. Anything else (a
worry the keywords missed, chatter) gets the topic menu and a line on how to log, never
"I couldn't read that as a pumping session".

**Matching** (`score_topics`). Keywords live in the catalogues, one message per topic
(`keywords: how much milk, *baby need, ...`; in Bokmål `stikkord: ...`), so a translator can
tune them; `*` marks a strong sign of the topic. Both sides are lower-cased and reduced to their
Snowball stems (`snowballstemmer`, English or Norwegian), so inflections meet: `pumper`,
`pumpet` and `pumpe` are `pump`, `melka` and `melken` are `melk`, `nipples` is `nipple`.
Then æ/ø/å are folded (`aa`/`oe` typed for å/ø too) and accents dropped. A keyword word
matches a word of the text:
- with the same stem;
- inside it, for stems of 5 letters or more (`melkeproduksjon` in `morsmelkproduksjonen`);
- nearly, by `rapidfuzz`'s similarity ratio, for keywords of 4 letters or more, with the same
  first letter (numbers never): up to 6 letters, 80 or more and at most a letter longer or
  shorter (one slip: `mor mlk` for `more milk`, `flnage`, but `weather` is not `water`); for
  longer ones 85 and two letters (`melkeprodusjonen`), so compounds with another first part
  stay apart (`overproduksjon` is not `melkeproduksjon`).
Short keywords (3 letters or fewer) must be the same. A phrase of several words matches their
stems in order, with at most one other word between two of them (`milk just wont come`, at
a quarter of a word's weight less), or
written as one word (`power pumping` as `powerpumping`).

Scoring: each word of a phrase weighs by how specific it is, 1 when only one topic's keywords
have it and less the more topics share it (`how`, `pump`); a strong phrase adds twice its most
specific word's weight; a near miss counts for 0.8 of a match. Each word of the text counts for
one phrase of a topic only (`overproduksjon` is `*overproduksjon`, not also `produksjon`). The
topic with the most points wins if it has at least `MIN_SCORE`; ties go to the stronger evidence
(a strong phrase, then the longest phrase, then the closest match), never to menu order. A
question in the chat's other language is tried in that language too.

rapidfuzz and the stemmer are kept libraries; the rules around them are ours, and the labelled
set in `tests/labelled/questions.csv` (`python -m bench --only questions`) measures them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import NamedTuple

import snowballstemmer
from rapidfuzz import fuzz

from bot.domain.parsing import attempts_a_log, reads_as_log
from bot.domain.tips import TOPICS, Topic
from bot.text.i18n import LANGUAGES, N_, translator

MIN_SCORE = 1.5
STRONG_BONUS = 2.0
INSIDE_MIN = 5  # a stem this long also matches inside a compound word
FUZZY_MIN = 4  # a keyword shorter than this must match exactly
FUZZY_SHORT = 80.0  # similarity needed for words of up to 6 letters
FUZZY_LONG = 85.0  # ... and for longer ones (`melkeproduksjon` is not `overproduksjon`)
SHORT_WORD = 6  # up to this long, a near miss is one letter longer or shorter at most ...
MAX_LENGTH_SLIP = 2  # ... and longer words two
NEAR_WEIGHT = 0.8
MIN_SPECIFICITY = 0.25  # a near miss counts for a little less than the word itself
MAX_GAP = 1  # other words allowed between two words of a phrase ...
GAP_COST = 0.25  # ... each costing a quarter of a word

QUESTION_WORDS = N_(
    "question words: how, what, whats, why, when, where, which, who, is, are, am, can, could, "
    "should, shall, does, do, will, would, any, tips, help, advice, tip"
)

STEMMERS = {"en": "english", "nb": "norwegian"}

# -- normalising -----------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['’`´]")
_NOT_WORD = re.compile(r"[\W_]+")
_CLAUSE = re.compile(r"[,.;:!?\n]+")


def _fold(word: str) -> str:
    """æøå as ae/o/a (also when typed aa/oe), no accents."""
    word = word.replace("æ", "ae").replace("ø", "o").replace("å", "a")
    word = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return word.replace("aa", "a").replace("oe", "o")


def words_of(text: str) -> list[str]:
    """Lower-cased words, apostrophes dropped (`won't` -> `wont`), punctuation as spaces."""
    text = _APOSTROPHES.sub("", text.lower())
    return _NOT_WORD.sub(" ", text).split()


def normalise(text: str) -> str:
    """Lower case, no accents, æøå as ae/o/a (and aa/oe typed for å/ø), no punctuation."""
    return " ".join(_fold(word) for word in words_of(text))


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(STEMMERS[language])


@cache
def stem(word: str, language: str) -> str:
    """The word's Snowball stem in `language`, then folded: `pumpingen` -> `pump`."""
    return _fold(_stemmer(language).stemWord(word))


class Word(NamedTuple):
    stem: str  # folded Snowball stem: what is compared first
    surface: str  # the folded word as written: a typo often survives stemming better here


def stems(text: str, language: str) -> list[Word]:
    return [Word(stem(word, language), _fold(word)) for word in words_of(text)]


# -- keywords --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phrase:
    words: tuple[Word, ...]
    strong: bool
    weight: float = 0.0  # set by `topic_phrases` from how specific its words are


def parse_phrases(message: str, language: str) -> tuple[Phrase, ...]:
    """`keywords: a, *b c` -> the phrases, stemmed. The label before the colon is ignored."""
    _label, _colon, listing = message.partition(":")
    phrases = []
    for item in (listing or message).split(","):
        item = item.strip()
        words = tuple(stems(item.lstrip("*"), language))
        if words:
            phrases.append(Phrase(words, item.startswith("*")))
    return tuple(phrases)


def specificity(topics_with_word: int, topics: int) -> float:
    """A word's weight, 1 when one topic's keywords have it, less the more topics share it
    (inverse document frequency, scaled to 0..1, at least `MIN_SPECIFICITY`)."""
    weight = math.log((topics + 1) / topics_with_word) / math.log(topics + 1)
    return max(MIN_SPECIFICITY, weight)


@cache
def topic_phrases(language: str) -> dict[str, tuple[Phrase, ...]]:
    """Each topic's phrases with their weights: a point per word, scaled by how specific the
    word is, and for a strong phrase a bonus scaled by its most specific word (`*how often`
    is a weaker sign than `*premature`)."""
    tr = translator(language)
    parsed = {t.id: parse_phrases(tr._(t.keywords), language) for t in TOPICS}
    shared = Counter(w for ps in parsed.values() for w in {w.stem for p in ps for w in p.words})
    weighted = {}
    for topic_id, phrases in parsed.items():
        items = []
        for phrase in phrases:
            each = [specificity(shared[word.stem], len(parsed)) for word in phrase.words]
            bonus = STRONG_BONUS * max(each) if phrase.strong else 0.0
            items.append(Phrase(phrase.words, phrase.strong, sum(each) + bonus))
        weighted[topic_id] = tuple(items)
    return weighted


@cache
def question_words(language: str) -> frozenset[str]:
    listing = translator(language)._(QUESTION_WORDS).partition(":")[2]
    return frozenset(normalise(word) for word in listing.split(",") if word.strip())


# -- matching --------------------------------------------------------------------------------


def word_match(keyword: Word, word: Word) -> float:
    """How well a keyword word matches a word of the text: 1, a little less, or 0."""
    if keyword.stem == word.stem:
        return 1.0
    if len(keyword.stem) >= INSIDE_MIN and keyword.stem in word.stem:
        return 1.0
    return max(near(keyword.stem, word.stem), near(keyword.surface, word.surface))


@cache
def near(keyword: str, word: str) -> float:
    """A near miss (a typo), as a share of a match; 0 if the words are simply different."""
    # A keyword of 4 letters or more may lose a letter (`mor mlk` for `more milk`). A word that
    # is part of the keyword is another word, not a typo (`melk` is not `råmelk`).
    # Typos rarely hit the first letter, and a number is a number (`100` is not `1000`).
    if len(keyword) < FUZZY_MIN or len(word) < FUZZY_MIN - 1 or keyword[0] != word[0]:
        return 0.0
    if keyword.isdigit() or word.isdigit():
        return 0.0
    if word in keyword and len(keyword) - len(word) > 1:
        return 0.0
    if word.startswith(keyword):  # `flange` in `flangesize`
        return NEAR_WEIGHT
    short = len(keyword) <= SHORT_WORD
    if abs(len(keyword) - len(word)) > (1 if short else MAX_LENGTH_SLIP):
        return 0.0
    needed = FUZZY_SHORT if short else FUZZY_LONG
    similarity = fuzz.ratio(keyword, word)
    return NEAR_WEIGHT * similarity / 100 if similarity >= needed else 0.0


@dataclass(frozen=True)
class Found:
    """Where and how well a phrase matched: its quality, 0 to 1, and the words it used."""

    quality: float
    positions: frozenset[int]


NOT_FOUND = Found(0.0, frozenset())


def find_phrase(phrase: Phrase, words: list[Word]) -> Found:
    """The best match of the phrase among the text's stems."""
    keys = phrase.words
    best = NOT_FOUND
    for start, word in enumerate(words):
        quality = word_match(keys[0], word)
        if not quality:
            continue
        total, positions = quality, [start]
        for key in keys[1:]:
            after = positions[-1] + 1
            window = range(after, min(after + 1 + MAX_GAP, len(words)))
            found = max(((word_match(key, words[i]), i) for i in window), default=(0.0, 0))
            if not found[0]:
                break
            total += found[0] - GAP_COST * (found[1] - after)
            positions.append(found[1])
        else:
            if total / len(keys) > best.quality:
                best = Found(total / len(keys), frozenset(positions))
    if len(keys) > 1 and best is NOT_FOUND:
        # `power pumping` written `powerpumping`: the same letters, no near misses.
        joined = "".join(key.surface for key in keys)
        for i, word in enumerate(words):
            if word.surface.startswith(joined):
                return Found(1.0, frozenset([i]))
    return best


@dataclass(frozen=True)
class Match:
    topic: Topic
    score: float
    strong: bool  # a strong phrase matched
    longest: int  # words in the longest matched phrase
    closeness: float  # the best quality among the matched phrases

    @property
    def evidence(self) -> tuple[float, bool, int, float]:
        return (round(self.score, 6), self.strong, self.longest, self.closeness)


def topic_match(item: Topic, words: list[Word], language: str) -> Match | None:
    """How well the text's stems match one topic. Each word of the text counts for one phrase
    only, the best: `overproduksjon` is the strong `*overproduksjon`, not also `produksjon`."""
    found = sorted(
        (
            (phrase, hit)
            for phrase in topic_phrases(language)[item.id]
            if (hit := find_phrase(phrase, words)).quality > 0
        ),
        key=lambda pair: pair[0].weight * pair[1].quality,
        reverse=True,
    )
    used: set[int] = set()
    kept = []
    for phrase, hit in found:
        if not used & hit.positions:
            used |= hit.positions
            kept.append((phrase, hit))
    if not kept:
        return None
    return Match(
        item,
        score=sum(phrase.weight * hit.quality for phrase, hit in kept),
        strong=any(phrase.strong for phrase, _ in kept),
        longest=max(len(phrase.words) for phrase, _ in kept),
        closeness=max(hit.quality for _, hit in kept),
    )


def score_topics(text: str, language: str) -> list[Match]:
    """Every topic with at least one matching phrase, the strongest evidence first."""
    words = stems(text, language)
    return stronger_first(
        [m for item in TOPICS if (m := topic_match(item, words, language)) is not None]
    )


def stronger_first(matches: list[Match]) -> list[Match]:
    """Most points first; on a tie, a strong phrase, then the longest phrase, then the closest
    match. Menu order never decides (the sort is stable, so only a full tie keeps it)."""
    return sorted(matches, key=lambda m: m.evidence, reverse=True)


def match_question(text: str, language: str) -> Topic | None:
    """The topic that best answers `text` with `language`'s keywords; None if none fits well."""
    found = score_topics(text, language)
    if found and found[0].score >= MIN_SCORE:
        return found[0].topic
    return None


def best_match(text: str, language: str) -> Match | None:
    """The best topic in the chat's language, else in another (a Norwegian question in an
    English chat still finds its answer)."""
    for other in (language, *(lang for lang in LANGUAGES if lang != language)):
        found = score_topics(text, other)
        if found and found[0].score >= MIN_SCORE:
            return found[0]
    return None


def find_topic(text: str, language: str) -> Topic | None:
    match = best_match(text, language)
    return match.topic if match else None


# -- routing ---------------------------------------------------------------------------------

_DIGIT = re.compile(r"\d")


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
    strong: bool = False  # the topic matched on a strong phrase
    number: bool = False  # the text (before any `#` note) holds a number


def read_message(text: str, language: str) -> Reading:
    """What a free-text message is, for the chat's `language`. A note after `#` belongs to a
    log (`120 #is this low?` is a log with a note), so only the part before it is read."""
    body = text.split("#", 1)[0]
    asked, number = asks(body), has_number(body)
    # Either language's way of writing numbers: the decision must not hang on the chat's
    # language, so that the tips filter (which has no chat settings) agrees with the handler.
    if not asked and any(reads_as_log(text, lang) for lang in LANGUAGES):
        return Reading(Route.LOG, number=number)
    match = best_match(body, language)
    if match is not None:
        return Reading(Route.TOPIC, match.topic, asked, match.strong, number)
    if asked or not attempts_a_log(body):
        return Reading(Route.NO_TOPIC, asked=asked, number=number)
    return Reading(Route.UNREADABLE, asked=asked, number=number)


def answers_in_group(reading: Reading) -> bool:
    """In a family group the bot answers only what clearly asks it something: a question
    with a topic, or a strong topic phrase with no number ("blod i melken")."""
    return reading.route == Route.TOPIC and (
        reading.asked or (reading.strong and not reading.number)
    )
