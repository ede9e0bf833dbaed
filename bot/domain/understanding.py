"""Understanding free text: which tip topic a parent's message asks about, or whether it is
chatter or a pumping log the exact parser could not read. One trained model per language.

**Data.** `locales/phrasings/<language>.csv` (`group,label,message`): parents' messages written
in many voices, each labelled with a topic id, `chatter` (thanks, hello, emoji, small talk) or
`log_attempt` (a log the parser cannot read: `pumpd 90mls rite side`). Rewordings of one
question share a `group`, so cross-validation never trains on one wording and tests on another.
The labelled regression set `tests/labelled/questions.csv` is never trained on.

**Model.** Text is normalised (`model_text`: lower case, æøå folded, every number the token
`0` so `20ml` and `60 ml` look alike, every emoji the word `emoji`), then read as character
n-grams within words (2-5 letters: typos, inflections and compounds share most of them) and
as words and word pairs, both TF-IDF weighted, by a linear support vector machine whose
scores become probabilities by a sigmoid fitted on held-out scores, the held-out folds split by
paraphrase group (scikit-learn). Each language's model is trained once per process, lazily
(the bot has `bot.training` train them in a process of its own at start, without waiting).

**Answer.** The chat's language's model answers; only when it finds no topic it is confident
about, and the text has more of the other language's words, is the other language's model
asked (a Norwegian question in an English chat), and its confident answer taken. Only
labels the bot can answer are offered: topics in `TOPICS`, `chatter` and `log_attempt`; the
probabilities of labels trained but not yet offered are left out and the rest scaled to sum
to 1. Below `THRESHOLD` the label is None and the reply offers the two likeliest topics
(`likely`) as buttons.

**Measured** (`python -m bench`, 2026-12-05 23:49 UTC, 2-core shared machine; grouped
5-fold cross-validation, so every test message is a question never seen in any wording; English
11,536 phrasings, Bokmål 11,436). Right (a menu is not right) / answered / wrong among answered
at `THRESHOLD` 0.40: **en 90.3 % / 98.3 % / 8.1 %, nb 90.2 % / 98.2 % / 8.1 %**; right among
the two likeliest 96.1 %, 96.4 %; each writer's file left out in turn, 90.3 %, 89.6 %. The
cost (menu 1, wrong answer 2) is flat from 0.30 to 0.50
(docs/understanding.md). `python -m bench.understanding_variants` compares what else was
tried (a logistic regression, a margin rule, class weights, other n-gram ranges, min_df,
dialect spellings mapped, Snowball stems, ComplementNB, SGD, soft voting, one model for both
languages): none scored more than 0.8 point better, some for twice the training time.
Training takes about 12.5 s of CPU a language (six linear SVM fits most of it), in a
low-priority process beside start-up (`bot.training`); reading one message about 3.5 ms.
Sets written after training and never trained on (`tests/labelled/fresh-*.csv` and `*.tsv`),
the model alone: English 427/448 right, Bokmål 375/393; 30 new messages a language typed into
`pumpbot chat` after the last round of phrasings: 27/30 and 29/30.
"""

from __future__ import annotations

import csv
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from bot.domain.tips import TOPICS_BY_ID
from bot.domain.vocabulary import plain_letters
from bot.text.i18n import LANGUAGES

CHATTER = "chatter"
LOG_ATTEMPT = "log_attempt"
NOT_TOPICS = (CHATTER, LOG_ATTEMPT)

THRESHOLD = 0.40  # below this probability of the best label: no answer, the menu
C = 1.0  # inverse regularisation of the linear SVM, chosen by grouped CV (0.5 to 2 score alike)
CALIBRATION_FOLDS = 3  # held-out SVM scores the sigmoid (scores to probabilities) is fitted on


@dataclass(frozen=True)
class Understanding:
    label: str | None  # a topic id, "chatter" or "log_attempt"; None when not confident
    confidence: float  # probability of the best label
    likely: tuple[str, ...]  # the two likeliest TOPIC ids (never chatter/log_attempt), best first
    language: str  # whose model answered


@dataclass(frozen=True)
class Phrasing:
    group: str  # a paraphrase group: rewordings of one question
    label: str
    message: str


# -- normalising -----------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['’`´]")
_NOT_WORD = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_QUESTION = re.compile(r"[?¿]+")
PLACEHOLDERS = frozenset({"0", "?", "emoji"})  # what `model_text` puts for numbers, ?, emoji


def fold(word: str) -> str:
    """`plain_letters`, and å/ø typed as aa/oe read as a/o too (the model's words only: the
    stash's vocabulary has English words such as `shoe`)."""
    return plain_letters(word).replace("aa", "a").replace("oe", "o")


def words_of(text: str) -> list[str]:
    """Lower-cased words, apostrophes dropped (`won't` -> `wont`), punctuation as spaces."""
    text = _APOSTROPHES.sub("", text.lower())
    return _NOT_WORD.sub(" ", text).split()


def normalise(text: str) -> str:
    """Lower case, no accents, æøå as ae/o/a (and aa/oe typed for å/ø), no punctuation."""
    return " ".join(fold(word) for word in words_of(text))


def _is_emoji(char: str) -> bool:
    # A symbol from the arrows block on: emoji and pictographs, not ° or ©.
    return ord(char) >= 0x2190 and unicodedata.category(char) == "So"


def model_text(text: str) -> str:
    """What the model reads: `normalise`d words, every number `0` (`20ml` -> `0 ml`), every
    emoji the word `emoji`, and a question mark kept as `?`."""
    text = "".join(" emoji " if _is_emoji(c) else c for c in text)
    text = _NUMBER.sub(" 0 ", text)
    text = _QUESTION.sub(" qmark ", text)
    return normalise(text).replace("qmark", "?")


# -- the data and the model ------------------------------------------------------------------


def phrasings(language: str) -> list[Phrasing]:
    """The labelled messages for `language`, from the package data: `<language>.csv` and any
    `<language>-<part>.csv` beside it (parts written separately), in name order."""
    return [item for part in phrasings_by_part(language).values() for item in part]


def phrasings_by_part(language: str) -> dict[str, list[Phrasing]]:
    """`phrasings` file by file (file name: its messages): each part was written by one writer
    in its own voices, so leaving one out tests the model on voices it never read."""
    folder = resources.files("locales") / "phrasings"
    sources = sorted(
        (entry for entry in folder.iterdir() if _is_phrasings_of(entry.name, language)),
        key=lambda entry: entry.name,
    )
    parts: dict[str, list[Phrasing]] = {}
    for source in sources:
        with source.open(newline="", encoding="utf-8") as handle:
            parts[source.name] = [
                Phrasing(r["group"], r["label"], r["message"]) for r in csv.DictReader(handle)
            ]
    return parts


def _is_phrasings_of(name: str, language: str) -> bool:
    return name == f"{language}.csv" or (name.startswith(f"{language}-") and name.endswith(".csv"))


NEAR_COPY = 0.8  # cosine of character n-grams above which two messages are one question reworded
_BLOCK = 1000  # rows of the similarity matrix `near_copies` makes at once


def near_copies(
    items: Sequence[Phrasing], cut: float = NEAR_COPY, *, same_label: bool = False
) -> list[tuple[int, int, float]]:
    """Pairs of messages in different groups that are near-copies of each other (index, index,
    cosine of their character n-gram TF-IDF vectors): a question written twice as two groups.
    With `same_label`, only pairs that share a label: all `fold_groups` needs, since a
    near-copy under another label makes a test answer wrong, never right."""
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    matrix = vectors.fit_transform([model_text(p.message) for p in items]).tocsr()
    if same_label:
        by_label: dict[str, list[int]] = {}
        for index, item in enumerate(items):
            by_label.setdefault(item.label, []).append(index)
        # Within labels the products are about n²/30 values, not n²: with 10,000 phrasings a
        # language that took the bot's training from 10 s to 4 s of CPU.
        subsets = [np.array(indices) for indices in by_label.values()]
    else:
        subsets = [np.arange(len(items))]
    pairs: list[tuple[int, int, float]] = []
    for subset in subsets:
        pairs += _similar_pairs(items, matrix[subset], subset, cut)
    return sorted(pairs)


def _similar_pairs(
    items: Sequence[Phrasing], matrix: Any, indices: np.ndarray, cut: float
) -> list[tuple[int, int, float]]:
    # Almost every pair shares some n-gram, so the similarities are about n² values: they are
    # made a block of rows at a time (memory) and filtered with array operations (a Python
    # loop over them took 5 s of the bot's start for 5,000 phrasings).
    pairs: list[tuple[int, int, float]] = []
    for start in range(0, matrix.shape[0], _BLOCK):
        block = (matrix[start : start + _BLOCK] @ matrix.T).tocoo()
        rows = block.row + start
        keep = (rows < block.col) & (block.data > cut)
        pairs += [
            (int(i), int(j), float(value))
            for i, j, value in zip(
                indices[rows[keep]], indices[block.col[keep]], block.data[keep], strict=True
            )
            if items[i].group != items[j].group
        ]
    return pairs


def fold_groups(items: Sequence[Phrasing], cut: float = NEAR_COPY) -> list[str]:
    """Each message's cross-validation unit: its paraphrase group, joined with every group that
    holds a near-copy of one of its messages (and theirs, transitively). Folds split by these
    units test on questions the model never saw in any wording, even one written as two groups."""
    parent = {p.group: p.group for p in items}

    def root(group: str) -> str:
        while parent[group] != group:
            parent[group] = parent[parent[group]]
            group = parent[group]
        return group

    for i, j, _ in near_copies(items, cut, same_label=True):
        parent[root(items[i].group)] = root(items[j].group)
    return [root(p.group) for p in items]


def new_model(groups: Sequence[str] | None = None) -> Pipeline:
    """An untrained model: character n-grams within words plus words and word pairs, read by a
    linear support vector machine whose scores become probabilities by a sigmoid fitted on
    `CALIBRATION_FOLDS`-fold held-out scores. With the training rows' paraphrase `groups`
    those folds never split a group, so the probabilities are fitted on questions the SVM
    had not seen in any wording, not on rewordings of ones it had."""
    folds = (
        CALIBRATION_FOLDS
        if groups is None
        else list(GroupKFold(n_splits=CALIBRATION_FOLDS).split(groups, groups=groups))
    )
    features = FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=(1, 2),
                    token_pattern=r"(?u)\b\w+\b|\?",
                    sublinear_tf=True,
                ),
            ),
        ]
    )
    return Pipeline(
        [
            ("features", features),
            (
                "classify",
                CalibratedClassifierCV(LinearSVC(C=C, random_state=0), cv=folds, ensemble=False),
            ),
        ]
    )


def trained(items: Sequence[Phrasing]) -> Pipeline:
    model = new_model(fold_groups(items))
    model.fit([model_text(p.message) for p in items], [p.label for p in items])
    return model


_models: dict[str, Pipeline] = {}
_training = threading.Lock()


def model(language: str) -> Pipeline:
    """`language`'s model, trained on its phrasings the first time it is asked for. Training
    takes seconds, so a second caller (two questions in a bot's first seconds) waits for the
    first rather than training again."""
    if (fitted := _models.get(language)) is not None:
        return fitted
    with _training:
        if language not in _models:
            _models[language] = trained(phrasings(language))
        return _models[language]


def install(language: str, fitted: Pipeline) -> None:
    """A model trained elsewhere (`bot.training`), unless this process has one already."""
    with _training:
        _models.setdefault(language, fitted)


def trained_models() -> bool:
    """Whether every language's model is here."""
    return all(language in _models for language in LANGUAGES)


# -- answering -------------------------------------------------------------------------------


def offered_labels() -> frozenset[str]:
    """Labels the bot can act on: the topics it has, chatter and a failed log."""
    return frozenset(TOPICS_BY_ID) | frozenset(NOT_TOPICS)


def read_with(
    fitted: Pipeline,
    text: str,
    language: str,
    offered: Iterable[str] | None = None,
    threshold: float = THRESHOLD,
) -> Understanding:
    """One model's answer for `text`, among the `offered` labels (default: `offered_labels()`)."""
    allowed = offered_labels() if offered is None else frozenset(offered)
    probabilities = fitted.predict_proba([model_text(text)])[0]
    kept = [
        (p, label)
        for p, label in zip(probabilities, fitted.classes_, strict=True)
        if label in allowed
    ]
    total = sum(p for p, _ in kept) or 1.0
    ranked = sorted(((p / total, str(label)) for p, label in kept), reverse=True)
    best, label = ranked[0] if ranked else (0.0, None)
    likely = tuple(label for _, label in ranked if label not in NOT_TOPICS)[:2]
    return Understanding(label if best >= threshold else None, float(best), likely, language)


def known_share(fitted: Pipeline, text: str) -> float:
    """The share of the text's words (numbers and emoji aside) the model saw in training: how
    much the text looks like the model's language."""
    words = [w for w in model_text(text).split() if w not in PLACEHOLDERS]
    vocabulary = fitted.named_steps["features"].transformer_list[1][1].vocabulary_
    return sum(w in vocabulary for w in words) / len(words) if words else 0.0


def understand(text: str, language: str) -> Understanding:
    """What `text` asks, read by the chat's `language`'s model first. Unless that one finds a
    topic it is confident about, the other language's model is asked if the text has more of
    that language's words, and its confident answer taken (a failed log aside: numbers belong
    to no language). A model reads the other language's words as unknown, so its "chatter" or
    "failed log" (a number among unknown words) is no reason to stop looking: a Norwegian
    worry with a number in an English chat must reach its topic, not the log format;
    `pumped 120 mls lft` in an English chat stays a failed log."""
    own = read_with(model(language), text, language)
    if own.label is not None and own.label not in NOT_TOPICS:
        return own
    ours = known_share(model(language), text)
    for other in LANGUAGES:
        if other != language and known_share(model(other), text) > ours:
            theirs = read_with(model(other), text, other)
            if theirs.label is not None and theirs.label != LOG_ATTEMPT:
                return theirs
    return own
