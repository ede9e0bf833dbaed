"""/history: a paged log where an entry can be deleted or fixed, and only in its own chat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.kit import GROUP_CHAT, PARENT_CHAT, BotHarness
from tests.support.seed import add_session, stored_sessions

START = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)


def twenty_entries(bot: BotHarness, chat_id: int = PARENT_CHAT) -> None:
    for i in range(20):
        add_session(bot, START + timedelta(hours=2 * i), 100 + i, chat_id=chat_id)


def labels(call: Any) -> list[str]:
    return [b["text"] for b in call.buttons]


async def test_history_pages_newest_first(bot: BotHarness) -> None:
    twenty_entries(bot)
    reply = await bot.say("/history")
    assert "page 1 of 3" in reply.text
    assert labels(reply)[0] == "Mon, Mar 9, 8:00\u202fPM · 119\u00a0ml"
    assert labels(reply)[-1] == "Older ›"
    calls = await bot.press("Older")
    page2 = next(c for c in calls if c.method == "editMessageText")
    assert "page 2 of 3" in page2.text
    assert labels(page2)[0].endswith("111\u00a0ml")
    assert labels(page2)[-2:] == ["‹ Newer", "Older ›"]
    await bot.press("Older")
    calls = await bot.press("‹ Newer")
    assert "page 2 of 3" in next(c for c in calls if c.method == "editMessageText").text


async def test_tapping_an_entry_shows_it_and_delete_removes_it(bot: BotHarness) -> None:
    twenty_entries(bot)
    changed: list[int] = []

    async def on_change(_app: Any, chat_id: int) -> None:
        changed.append(chat_id)

    bot.services.follow_sessions(on_change)
    await bot.say("/history")
    calls = await bot.press("119\u00a0ml")
    detail = next(c for c in calls if c.method == "editMessageText")
    assert "Total: 119\u00a0ml" in detail.text
    assert labels(detail) == ["🗑 Delete", "✏️ Fix", "‹ Back to the list"]

    calls = await bot.press("Delete")
    after = next(c for c in calls if c.method == "editMessageText")
    assert "Deleted: Mon, Mar 9, 8:00\u202fPM · 119\u00a0ml." in after.text
    assert labels(after)[0].endswith("118\u00a0ml")
    assert [s.total_ml for s in stored_sessions(bot, PARENT_CHAT)][-1] == 118
    assert len(stored_sessions(bot, PARENT_CHAT)) == 19
    assert changed == [PARENT_CHAT]


async def test_fix_offers_the_time_fixing_buttons_for_that_entry(bot: BotHarness) -> None:
    entry = add_session(bot, START, 120, chat_id=PARENT_CHAT)
    reply = await bot.say("/history")
    calls = await bot.tap(f"stats:fix:{entry.id}:0", reply.message_id)
    prompt = next(c for c in calls if c.method == "sendMessage")
    assert "120\u00a0ml" in prompt.text
    shift = next(b for b in prompt.buttons if b["callback_data"].startswith("log:shift:"))
    await bot.tap(shift["callback_data"], prompt.message_id)
    moved = stored_sessions(bot, PARENT_CHAT)
    assert len(moved) == 1 and moved[0].started_at != START


async def test_forged_buttons_for_another_chats_entry_change_nothing(bot: BotHarness) -> None:
    theirs = add_session(bot, START, 150, chat_id=GROUP_CHAT, note="the group's own note")
    add_session(bot, START, 90, chat_id=PARENT_CHAT)
    reply = await bot.say("/history")
    seen_before = len(bot.telegram.calls)
    for data in (
        f"stats:del:{theirs.id}:0",
        f"stats:entry:{theirs.id}:0",
        f"stats:fix:{theirs.id}:0",
        "stats:del:999999:0",
        "stats:del:x:0",
        "stats:del",
        "stats:nonsense",
    ):
        calls = await bot.tap(data, reply.message_id)
        assert [c.method for c in calls] == ["answerCallbackQuery"], data
    answers = [c.params.get("text", "") for c in bot.telegram.calls[seen_before:]]
    assert all("isn't in this chat's log" in a or "out of date" in a for a in answers)
    assert not any("group's own note" in str(c.params) for c in bot.telegram.calls)
    assert [s.total_ml for s in stored_sessions(bot, GROUP_CHAT)] == [150]
    assert [s.total_ml for s in stored_sessions(bot, PARENT_CHAT)] == [90]


async def test_history_with_nothing_logged(bot: BotHarness) -> None:
    reply = await bot.say("/historikk", language_code="nb")
    assert reply.text == "Ingenting er logget ennå."
    assert reply.buttons == []
