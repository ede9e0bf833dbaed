"""Understanding free text: logs stay logs, questions and worries reach their topic (typos,
inflections, numbers inside), and the labelled set of parents' messages meets its floor."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.questions import find_topic
from bot.domain.routing import Kind, route_message
from tests.domain.test_routing import chat
from tests.support.kit import BotHarness
from tests.support.labelled import evaluate, load

# Below this share of right topics, per language, understanding has got worse: the issue's
# target. Measured 2026-12-04 with the calibrated SVM and this round's topics: English 96 %,
# Bokmål 95 %.
FLOOR = 0.90


@pytest.mark.parametrize(
    ("text", "language", "topic_id"),
    [
        ("how can i get mor mlk", "en", "raising_supply"),  # typos in short words
        ("my let down never comes", "en", "let_down"),  # a worry as a statement
        ("pumpen gir bare litt, er det normalt?", "nb", "pumped_volume"),
        ("my 5 week old drinks 100 ml, how much does she need", "en", "how_much"),
        ("babyen min på 5 uker drikker 100 ml, hvor mye trenger hun", "nb", "how_much"),
        ("hvordan øke melkeprodusjonen", "nb", "raising_supply"),  # a typo in a long word
        ("flnage size??", "en", "flange_fit"),  # two letters swapped
        ("powerpumpng how long", "en", "power_pumping"),
        ("brystvortene mine er så såre etter pumpingen", "nb", "flange_fit"),  # inflections
        ("whats power pumping", "en", "power_pumping"),  # not `what pump` with a word between
    ],
)
def test_questions_and_worries_reach_their_topic(text: str, language: str, topic_id: str) -> None:
    decision = route_message(text, chat(language))
    assert decision.kind is Kind.QUESTION
    assert decision.topic is not None and decision.topic.id == topic_id


@pytest.mark.parametrize(
    "text", ["120 ml", "L 60 R 70 20min", "pumpet 90 ml kl 14.30", "v 45 h 50 15 minutter", "130"]
)
def test_logs_are_logs(text: str) -> None:
    assert route_message(text, chat("en")).kind == Kind.LOG
    assert route_message(text, chat("nb")).kind == Kind.LOG


def test_an_attempt_at_a_log_gets_the_log_format_and_other_text_does_not() -> None:
    assert route_message("pumped 120 mls lft", chat("en")).kind == Kind.UNREADABLE
    # A number, but no attempt at a log: the menu and how to log, not the log-format error.
    assert route_message("I have 2 kids", chat("en")).kind == Kind.MENU
    # No number and no question: chatter gets a kind word and the menu, never the examples.
    assert route_message("the baby is asleep", chat("en")).kind in (Kind.MENU, Kind.CHATTER)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs")), max_size=80))
def test_text_without_a_number_never_gets_the_log_format_error(text: str) -> None:
    for language in ("en", "nb"):
        assert route_message(text, chat(language)).kind != Kind.UNREADABLE


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["120 ml", "L 60 R 70", "90 ml kl 14.30", "both 150", "1 dl"]),
    st.sampled_from(["?", " is that ok?", ", how much should i get", " er det normalt?"]),
)
def test_nothing_that_asks_is_read_as_a_log(log: str, question: str) -> None:
    assert route_message(log + question, chat("en")).kind != Kind.LOG


def test_a_note_after_hash_belongs_to_the_log() -> None:
    assert route_message("120 #is this low?", chat("en")).kind == Kind.LOG


def test_a_norwegian_question_in_an_english_chat() -> None:
    found = find_topic("hvordan får jeg mer melk", "en")
    assert found is not None and found.id == "raising_supply"


async def test_the_labelled_set_meets_its_floor(bot: BotHarness) -> None:
    items = load()
    assert len(items) >= 150
    for language in ("en", "nb"):
        assert sum(item.language == language for item in items) >= 60
        assert any(i.kind == "log" and i.language == language for i in items)
        assert any(i.kind == "worry" and i.language == language for i in items)
    figures = await evaluate(bot, items)
    for language in ("en", "nb"):
        right, total = figures.share(language)
        assert right / total >= FLOOR, (language, right, total)
    assert figures.worries_with_log_error == 0
    assert figures.questions_stored == 0
    logged, logs = figures.logs
    assert logged == logs
