"""Questions: how well the bot understands parents' messages it was never trained on.

Four measures:
- **Grouped cross-validation** of each language's model (`bot.domain.understanding`) on its
  phrasings (`locales/phrasings/<language>.csv`): 5 folds by paraphrase group (sklearn
  GroupKFold), so rewordings of one question are never split between training and testing.
  Per language: right overall (a menu counts as not right), the share answered rather than
  sent to the menu, wrong answers among those answered, right in the two likeliest, and right
  per label.
- **One writer's file left out**: each `locales/phrasings/<language>*.csv` file was written by
  one writer in its own voices; a model trained on every other file reads it. Grouped folds
  train on every writer, so this is the harder test of voices never read.
- **Fresh messages** (`tests/labelled/fresh-<language>.csv`): 40 a language, written after the
  model was trained and never trained on, read by the model trained on all phrasings with every
  trained label offered (new topics too): right, and wrong among answered.
- **The labelled set** (`tests/labelled/questions.csv`, see `tests/support/labelled.py`), never
  trained on, through the real Application and the fake Bot API in process, one private chat per
  language: each question or worry should be answered with one of its acceptable topics and
  never stored; each log should be stored. Counted too: questions or worries answered with the
  log-format error ("I couldn't read that as a pumping session") and questions or worries stored
  as logs.
"""

from __future__ import annotations

import csv
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sklearn.model_selection import GroupKFold

from bot.domain.understanding import (
    THRESHOLD,
    Understanding,
    fold_groups,
    model,
    phrasings,
    phrasings_by_part,
    read_with,
    trained,
)
from tests.support.kit import BotHarness
from tests.support.labelled import Figures, evaluate, outside_set

FOLDS = 5
FRESH = Path(__file__).resolve().parent.parent / "tests" / "labelled"


@dataclass
class CrossValidation:
    """Every phrasing's label and what a model trained without its group said."""

    language: str
    answers: list[tuple[str, Understanding]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.answers)

    def right(self, threshold: float = THRESHOLD) -> int:
        return sum(u.confidence >= threshold and u.label == label for label, u in self.answers)

    def answered(self, threshold: float = THRESHOLD) -> int:
        return sum(u.confidence >= threshold for _, u in self.answers)

    def in_top_two(self) -> int:
        """Right label first, or a topic among the two likeliest (the menu's two buttons)."""
        return sum(u.label == label or label in u.likely for label, u in self.answers)

    def per_label(self, threshold: float = THRESHOLD) -> dict[str, tuple[int, int]]:
        """Label: (right, messages)."""
        right, total = Counter[str](), Counter[str]()
        for label, u in self.answers:
            total[label] += 1
            right[label] += u.confidence >= threshold and u.label == label
        return {label: (right[label], total[label]) for label in sorted(total)}


def cross_validate(language: str, folds: int = FOLDS) -> CrossValidation:
    """Grouped K-fold: each fold's model never saw the held-out groups. Every trained label is
    offered (new topics too), and the threshold is applied afterwards, so one run serves every
    threshold."""
    items = phrasings(language)
    labels = {p.label for p in items}
    result = CrossValidation(language)
    splits = GroupKFold(n_splits=folds).split(items, groups=fold_groups(items))
    for train, test in splits:
        fitted = trained([items[i] for i in train])
        for i in test:
            answer = read_with(fitted, items[i].message, language, labels, threshold=0.0)
            result.answers.append((items[i].label, answer))
    return result


def held_out_parts(language: str) -> dict[str, tuple[int, int]]:
    """Each phrasings file (one writer's voices) read by a model trained on all the others:
    file name: (right, messages), with every trained label offered and the threshold applied.
    Harder than grouped folds, which train on every writer: this tests voices never read."""
    parts = phrasings_by_part(language)
    labels = {p.label for part in parts.values() for p in part}
    scores = {}
    for name, held_out in parts.items():
        fitted = trained([p for other, part in parts.items() if other != name for p in part])
        answers = [read_with(fitted, p.message, language, labels) for p in held_out]
        scores[name] = (
            sum(a.label == p.label for a, p in zip(answers, held_out, strict=True)),
            len(held_out),
        )
    return scores


def fresh(language: str) -> CrossValidation:
    """The fresh messages of `language` (none if the file is missing), read by the full model."""
    path = FRESH / f"fresh-{language}.csv"
    result = CrossValidation(language)
    if not path.exists():
        return result
    labels = {p.label for p in phrasings(language)}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            answer = read_with(model(language), row["message"], language, labels)
            result.answers.append((row["label"], answer))
    return result


@dataclass
class OutsideSet:
    """A dated set of messages written after training (`tests/labelled/*.tsv`: the message, a
    tab, the acceptable labels joined by `|`), read by the model trained on all phrasings."""

    name: str
    right: int
    answered: int
    total: int


def outside_sets(language: str) -> list[OutsideSet]:
    """Each `*-<language>.tsv` set; its logs (`LOG`) are left out: the exact parser reads them
    before the model does."""
    sets = []
    for path in sorted(FRESH.glob(f"*-{language}.tsv")):
        right = answered = total = 0
        for message, accepted in outside_set(path):
            if accepted == ("LOG",):
                continue
            answer = read_with(model(language), message, language)
            total += 1
            answered += answer.label is not None
            right += answer.label in accepted
        sets.append(OutsideSet(path.stem, right, answered, total))
    return sets


async def run() -> Figures:
    with tempfile.TemporaryDirectory() as tmp:
        bot = await BotHarness(Path(tmp), clock=None).start()
        try:
            return await evaluate(bot)
        finally:
            await bot.stop()
