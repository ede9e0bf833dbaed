"""The labelled phrasings the free-text model learns from (`locales/phrasings/<language>.csv`)
are well formed, and the outside check sets in `tests/labelled/fresh-*.csv` stay outside them.

A broken row or a paraphrase group split over two labels would quietly teach the model the
wrong thing, and a check message that also sits in the training file would measure memory.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from tests.support.labelled import outside_set

ROOT = Path(__file__).resolve().parent.parent.parent
PHRASINGS = sorted((ROOT / "locales" / "phrasings").glob("*.csv"))
FRESH = sorted((ROOT / "tests" / "labelled").glob("fresh-*.csv"))
# Messages written after training, never trained on: typed into `pumpbot chat`
# (chat-trial-*) or read by the model (fresh-<date>-*): the message, a tab, the acceptable answers.
CHAT_TRIALS = sorted((ROOT / "tests" / "labelled").glob("*.tsv"))
COLUMNS = ["group", "label", "message"]

# The topic ids fixed for this round (issue 22), plus the model's two labels that are no topic.
LABELS = frozenset(
    [
        "how_to_pump",
        "let_down",
        "pump_choice",
        "flange_fit",
        "how_much",
        "time_away",
        "storing",
        "power_pumping",
        "raising_supply",
        "pumped_volume",
        "hand_expression",
        "premature",
        "overproduction",
        "to_nursing",
        "blood_in_milk",
        "run_out",
        "why_pump",
        "seek_help",
        "hard_work",
        "donating",
        "mastitis",
        "low_mood",
        "cleaning",
        "pumping_at_work",
        "medicines",
        "stopping",
        "night_pumping",
        "warming_combining",
        "twins",
        "chatter",
        "log_attempt",
    ]
)


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS, f"{path.name}: columns {reader.fieldnames}"
        return list(reader)


def same_text(message: str) -> str:
    return " ".join(message.lower().split())


@pytest.mark.parametrize("path", PHRASINGS + FRESH, ids=lambda path: path.name)
def test_every_row_has_a_known_label_and_a_message_said_once(path: Path) -> None:
    rows = rows_of(path)
    assert rows
    assert {row["label"] for row in rows} <= LABELS
    assert all(row["group"].strip() and row["message"].strip() for row in rows)
    texts = [same_text(row["message"]) for row in rows]
    assert len(texts) == len(set(texts)), f"{path.name} repeats a message"


@pytest.mark.parametrize("path", PHRASINGS, ids=lambda path: path.name)
def test_a_paraphrase_group_is_a_few_rewordings_of_one_question(path: Path) -> None:
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for row in rows_of(path):
        groups[row["group"]].append(row["label"])
    for group, labels in groups.items():
        assert 1 <= len(labels) <= 4, f"{group} has {len(labels)} rows"
        assert len(set(labels)) == 1, f"{group} mixes labels {sorted(set(labels))}"


@pytest.mark.parametrize("path", FRESH, ids=lambda path: path.name)
def test_the_outside_check_set_shares_no_message_with_the_training_phrasings(path: Path) -> None:
    trained = {same_text(row["message"]) for source in PHRASINGS for row in rows_of(source)}
    shared = [row["message"] for row in rows_of(path) if same_text(row["message"]) in trained]
    assert not shared


@pytest.mark.parametrize("path", CHAT_TRIALS, ids=lambda path: path.name)
def test_the_sets_written_after_training_share_no_message_with_the_phrasings(
    path: Path,
) -> None:
    trained = {same_text(row["message"]) for source in PHRASINGS for row in rows_of(source)}
    messages = [message for message, _ in outside_set(path)]
    assert len(messages) >= 30
    assert not [m for m in messages if same_text(m) in trained]
