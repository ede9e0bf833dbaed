"""The trained understanding of free text: loose keyword matches are gone, the question beats a
word mentioned in passing, worries with numbers reach a topic, an unsure reading offers two
likely topics, and the phrasing files only hold labels the bot knows."""

from __future__ import annotations

import pytest

from bot.domain.routing import Kind, route_message
from bot.domain.tips import TOPICS_BY_ID
from bot.domain.understanding import (
    CHATTER,
    LOG_ATTEMPT,
    NOT_TOPICS,
    THRESHOLD,
    Phrasing,
    fold_groups,
    model,
    model_text,
    near_copies,
    normalise,
    phrasings,
    understand,
)
from bot.text.i18n import LANGUAGES
from tests.domain.test_routing import chat
from tests.support.kit import BotHarness
from tests.support.labelled import load


def test_the_phrasings_are_many_and_never_the_regression_set() -> None:
    """Labels and groups are checked in tests/text/test_phrasings_format.py."""
    items = phrasings("en") + phrasings("nb")
    assert all(
        len([p for p in items if p.group.startswith(f"{lang}-")]) >= 650 for lang in LANGUAGES
    )
    regression = {normalise(item.message) for item in load()}
    assert [p.message for p in items if normalise(p.message) in regression] == []


@pytest.mark.parametrize(
    ("text", "language", "not_this"),
    [
        ("my pump sounds like a tractor", "en", "premature"),  # once Norwegian `sonde`
        ("hva bør jeg gjøre nå", "nb", "blood_in_milk"),  # `bør` is not `blør`
        ("hvor mange liter melk trenger babyen", "nb", "raising_supply"),  # `liter` not `lite`
    ],
)
def test_loose_matches_are_gone(text: str, language: str, not_this: str) -> None:
    assert understand(text, language).label != not_this


def test_liter_asks_how_much_a_baby_needs() -> None:
    assert understand("hvor mange liter melk trenger babyen", "nb").label == "how_much"


@pytest.mark.parametrize("text", ["thanks!!", "ok thank you 🙂", "hello there", "👍"])
def test_thanks_hello_and_emoji_are_chatter(text: str) -> None:
    assert understand(text, "en").label == CHATTER
    assert route_message(text, chat("en")).kind is Kind.CHATTER


def test_a_word_in_passing_does_not_beat_the_question() -> None:
    # `electric pump` is in passing: she asks how long to pump, not which pump to buy.
    found = understand("first time trying an electric pump, how long do I leave it on", "en")
    assert found.label == "how_to_pump"


@pytest.mark.parametrize(
    ("text", "topic_id"),
    [
        ("only got 20ml in the morning is that bad??", "pumped_volume"),
        ("used to get 120 now only 60 😞", "pumped_volume"),
        ("pumped 40 ml total from both sides, that cant be normal right", "pumped_volume"),
        ("my 3 month old drinks 1100 ml a day, is that too much", "how_much"),
    ],
)
def test_worries_with_numbers_reach_a_topic_never_the_log_format(text: str, topic_id: str) -> None:
    decision = route_message(text, chat("en"))
    assert decision.kind is Kind.QUESTION
    assert decision.topic is not None and decision.topic.id == topic_id


def test_a_log_the_parser_cannot_read_is_a_failed_log() -> None:
    found = understand("pumpd 95 mls lft side", "en")
    assert found.label == LOG_ATTEMPT
    assert route_message("pumpd 95 mls lft side", chat("en")).kind is Kind.UNREADABLE


def test_an_unsure_reading_gives_no_label_and_two_likely_topics() -> None:
    found = understand("what about the milk and the pump and the bottles", "en")
    assert found.label is None and found.confidence < THRESHOLD
    assert len(found.likely) == 2
    assert all(topic_id in TOPICS_BY_ID for topic_id in found.likely)
    decision = route_message("what about the milk and the pump and the bottles", chat("en"))
    assert decision.kind is Kind.MENU and decision.likely == found.likely


async def test_an_unsure_question_offers_its_two_likely_topics_and_all_tips(
    bot: BotHarness,
) -> None:
    text = "what about the milk and the pump and the bottles"
    reply = await bot.say(text)
    offered = [b["callback_data"] for b in reply.buttons]
    assert offered == [*(f"tip:t:{t}" for t in understand(text, "en").likely), "tip:menu"]
    # Chatter has no likely topic: a kind word back and the whole menu, never "not sure".
    thanks = await bot.say("thanks!!")
    assert "I'm here whenever you need me" in thanks.text and "not sure" not in thanks.text
    assert not any(b["callback_data"].startswith("tip:t:") for b in thanks.buttons)


def test_the_likely_topics_are_never_chatter_or_a_failed_log() -> None:
    for text in ("thanks!!", "pumpd 95 mls lft side", "how do i get more milk"):
        assert not set(understand(text, "en").likely) & set(NOT_TOPICS)


def test_the_norwegian_model_answers_a_norwegian_question_in_an_english_chat() -> None:
    found = understand("hvordan kan jeg få mer melk", "en")
    assert found.language == "nb" and found.label == "raising_supply"
    # An English question in an English chat stays with the English model.
    assert understand("how can i get more milk", "en").language == "en"


def test_a_norwegian_worry_with_a_number_in_an_english_chat_is_no_failed_log() -> None:
    decision = route_message("mormor passer babyen i 6 timer, hvor mye melk", chat("en"))
    assert decision.kind is Kind.QUESTION


def test_each_language_is_trained_once_and_reused() -> None:
    """Training time is a benchmark's business (`python -m bench --only questions`); here: a
    process trains each language once, whoever asks."""
    assert model("en") is model("en")
    assert model("nb") is not model("en")


def test_numbers_and_emoji_are_normalised_alike() -> None:
    assert model_text("20ml") == model_text("60 ml") == "0 ml"
    assert model_text("Før fikk jeg 150 😞") == "for fikk jeg 0 emoji"
    assert model_text("is that bad??") == "is that bad ?"


def test_a_question_written_twice_as_two_groups_is_one_unit_for_cross_validation() -> None:
    """Grouped cross-validation must never test on a wording it trained on; a near-copy filed
    under another group would let it, so the two groups are folded together."""
    items = [
        Phrasing("g1", "donating", "how can i donate breast milk"),
        Phrasing("g1", "donating", "where do i give away spare milk"),
        Phrasing("g2", "donating", "can i donate my breast milk"),
        Phrasing("g3", "cleaning", "do i have to sterilise the pump parts every day"),
    ]
    assert [(i, j) for i, j, _ in near_copies(items)] == [(0, 2)]
    units = fold_groups(items)
    assert units[0] == units[1] == units[2]
    assert units[3] not in units[:3]


def test_phrasings_written_in_parts_are_read_with_the_main_file() -> None:
    en = phrasings("en")
    assert {p.group.split("-")[0] for p in en} == {"en"}
    assert len(en) > 1800
