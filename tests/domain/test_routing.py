"""The one router: each typed message gets one decision, in the documented order."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain import parsing, routing
from bot.domain.parsing import Problem
from bot.domain.routing import ChatState, Kind, route_edit, route_message
from bot.domain.stash import Place
from bot.domain.units import Unit
from tests.support.kit import BotHarness

NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)


def chat(language: str = "en", *, private: bool = True, replies: bool = False) -> ChatState:
    return ChatState(
        language=language,
        unit=Unit.ML,
        tz=ZoneInfo("Europe/Oslo"),
        written_at=NOW,
        private=private,
        replies_to_entry=replies,
    )


@pytest.mark.parametrize("text", ["L 60 R 70 20min", "120 ml", "4 oz 10 min ago"])
def test_a_log_is_parsed_once_and_travels_in_the_decision(text: str) -> None:
    decision = route_message(text, chat())
    assert decision.kind is Kind.LOG
    assert decision.log is not None and decision.log.total_ml > 0


def test_a_norwegian_log_with_a_clock_time_keeps_its_time() -> None:
    decision = route_message("pumpet 90 ml kl 14.30", chat("nb"))
    assert decision.kind is Kind.LOG and decision.log is not None
    assert decision.log.total_ml == 90
    assert decision.log.started_at.astimezone(ZoneInfo("Europe/Oslo")).strftime("%H:%M") == "14:30"


def test_a_log_too_large_is_refused_with_its_reason() -> None:
    decision = route_message("1200 ml", chat())
    assert decision.kind is Kind.LOG and decision.log is None
    assert decision.problem is not None and decision.problem.kind is Problem.TOTAL_TOO_LARGE


def test_stash_text_is_milk_for_the_stash_not_a_session() -> None:
    decision = route_message("froze 120", chat())
    assert decision.kind is Kind.STASH
    assert decision.stash is not None and decision.stash.place is Place.FREEZER
    assert decision.log is None


@pytest.mark.parametrize("text", ["fed 90", "gave 90 ml", "ga 90 ml", "flaske 90"])
def test_a_bottle_feed_is_a_feed_in_a_private_chat_and_a_family_group(text: str) -> None:
    for private in (True, False):
        decision = route_message(text, chat(private=private))
        assert decision.kind is Kind.FEED and decision.log is None
        assert decision.feed is not None and decision.feed.amount_ml == 90
    assert route_edit(text, chat()).kind is Kind.FEED


def test_a_question_with_a_number_is_a_question_never_a_log() -> None:
    decision = route_message("120 ml?", chat())
    assert decision.kind in (Kind.QUESTION, Kind.MENU) and decision.asked


def test_a_question_reaches_its_topic() -> None:
    decision = route_message("how long can pumped milk stay in the fridge", chat())
    assert decision.kind is Kind.QUESTION
    assert decision.topic is not None and decision.topic.id == "storing"


def test_an_attempt_at_a_log_gets_the_examples() -> None:
    decision = route_message("pumped 120 mls lft", chat())
    assert decision.kind is Kind.UNREADABLE


def test_a_time_in_reply_to_a_confirmation_moves_the_entry() -> None:
    decision = route_message("14:30", chat(replies=True))
    assert decision.kind is Kind.FIX_TIME and decision.moment is not None
    # The same text not in reply to a confirmation is a log without an amount.
    alone = route_message("14:30", chat())
    assert alone.kind is Kind.LOG and alone.problem is not None
    assert alone.problem.kind is Problem.MISSING_AMOUNT


def test_group_chatter_is_ignored_and_a_group_question_is_answered() -> None:
    assert route_message("120 ml", chat(private=False)).kind is Kind.IGNORE
    assert route_message("the baby is asleep", chat(private=False)).kind is Kind.IGNORE
    asked = route_message("how long can pumped milk stay in the fridge?", chat(private=False))
    assert asked.kind is Kind.QUESTION


def test_an_edit_can_only_change_a_log() -> None:
    assert route_edit("130 ml", chat()).kind is Kind.LOG
    assert route_edit("froze 120", chat()).kind is Kind.STASH
    edited_to_chatter = route_edit("what is power pumping", chat())
    assert edited_to_chatter.kind is Kind.LOG and edited_to_chatter.problem is not None


async def test_a_typed_log_is_parsed_once_on_its_way_through_the_bot(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    readings: list[str] = []
    real_read_log = parsing.read_log

    def counted(text: str, *args: object) -> object:
        readings.append(text)
        return real_read_log(text, *args)

    monkeypatch.setattr(parsing, "read_log", counted)
    monkeypatch.setattr(routing, "read_log", counted)
    reply = await bot.say("L 60 R 70 20min")
    assert "130" in reply.text  # logged and confirmed
    assert readings == ["L 60 R 70 20min"]


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("start pumping", "start"),
        ("Begynner", "start"),
        ("starter pumping", "start"),
        ("stopp", "stop"),
    ],
)
def test_timer_words_start_or_stop_the_timer_in_a_private_chat(text: str, command: str) -> None:
    decision = route_message(text, chat("nb" if text[0] in "Bs" else "en"))
    assert decision.kind is Kind.TIMER and decision.timer == command
    assert route_message(text, chat(private=False)).kind is not Kind.TIMER
