"""The one write path for sessions: every change is stored at once and announced once, after
the caller has shown it, also when showing it failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.domain.chats import ChatSettings
from bot.domain.parsing import ParsedLog
from bot.domain.units import Unit
from bot.logbook import LogBook
from bot.storage.repo import SessionRepo
from tests.support.kit import PARENT_CHAT, BotHarness

SETTINGS = ChatSettings(PARENT_CHAT, "en", "Europe/Oslo", Unit.ML)


@pytest.fixture
async def announced(bot: BotHarness) -> list[int]:
    """The chat ids `services.sessions_changed` announced, once the chat exists."""
    await bot.say("/start")
    heard: list[int] = []

    async def hear(_app: object, chat_id: int) -> None:
        heard.append(chat_id)

    bot.services.follow_sessions(hear)
    return heard


def stored(bot: BotHarness) -> list[float]:
    with bot.services.db.session() as session:
        return [s.total_ml for s in SessionRepo(session, PARENT_CHAT).all()]


def sessions(bot: BotHarness, *amounts: float) -> list[ParsedLog]:
    now = bot.clock.now()
    return [
        ParsedLog(started_at=now - timedelta(hours=i + 1), total_ml=ml)
        for i, ml in enumerate(amounts)
    ]


async def test_a_change_is_stored_at_once_and_announced_when_the_block_ends(
    bot: BotHarness, announced: list[int]
) -> None:
    async with LogBook(bot.app, SETTINGS) as book:
        logged = book.add(sessions(bot, 120)[0])
        assert stored(bot) == [120]  # written before anything is shown
        assert "Logged 120" in logged.text
        assert announced == []  # the confirmation goes out first
    assert announced == [PARENT_CHAT]


async def test_a_failure_while_showing_still_announces_the_stored_change(
    bot: BotHarness, announced: list[int]
) -> None:
    with pytest.raises(RuntimeError, match="the send failed"):
        async with LogBook(bot.app, SETTINGS) as book:
            book.add(sessions(bot, 90)[0])
            raise RuntimeError("the send failed")
    assert stored(bot) == [90]
    assert announced == [PARENT_CHAT]


async def test_nothing_changed_is_nothing_announced(bot: BotHarness, announced: list[int]) -> None:
    async with LogBook(bot.app, SETTINGS) as book:
        assert book.remove(12345) is None
        assert book.remove_last_logged() is None
        assert book.add_many([]) == []
    assert announced == []


async def test_many_sessions_are_stored_together_and_announced_once(
    bot: BotHarness, announced: list[int]
) -> None:
    async with LogBook(bot.app, SETTINGS) as book:
        entries = book.add_many(sessions(bot, 100, 110, 120))
    assert all(entry.id is not None for entry in entries)
    assert sorted(stored(bot)) == [100, 110, 120]
    assert announced == [PARENT_CHAT]


async def test_a_bad_row_in_many_stores_none_of_them(bot: BotHarness, announced: list[int]) -> None:
    rows = sessions(bot, 100, 110)
    rows.insert(1, ParsedLog(started_at=None, total_ml=50))  # type: ignore[arg-type]
    with pytest.raises(sa.exc.IntegrityError):  # started_at is NOT NULL
        async with LogBook(bot.app, SETTINGS) as book:
            book.add_many(rows)
    assert stored(bot) == []
    assert announced == []


async def test_changes_outside_the_block_are_refused(bot: BotHarness, announced: list[int]) -> None:
    """A change that would never be announced is not made."""
    book = LogBook(bot.app, SETTINGS)
    with pytest.raises(RuntimeError, match="async with"):
        book.add(sessions(bot, 120)[0])
    assert stored(bot) == []
