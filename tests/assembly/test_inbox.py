"""The durable inbox (bot/inbox.py): stored before acknowledged, handled once, left-overs
handled first after a restart, handled rows pruned; updates concurrent across chats and in order
within one."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from telegram import Update

from bot import inbox
from bot.buttons import LOG_SHIFT
from bot.clock import FakeClock
from bot.inbox import (
    KEEP_HANDLED,
    MAX_ATTEMPTS,
    TAKE_OVER_AFTER,
    ChatOrderedProcessor,
    DurableUpdateQueue,
    prune,
)
from bot.storage.inbox import (
    INBOX,
    inbox_rows,
    mark_handled,
    store_update,
    store_update_in,
    store_updates,
    take_unhandled,
)
from bot.storage.models import PumpSession
from bot.terminal.fakeapi import ApiCall, FakeTelegram
from tests.support.backends import bot_tests_use_postgres
from tests.support.kit import PARENT_CHAT, BotHarness
from tests.support.seed import stored_logs

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
OTHER_CHAT = 777


async def running(tmp_path: Path, telegram: FakeTelegram, clock: FakeClock) -> BotHarness:
    """A bot working its update queue (as under run_polling), on the test's database."""
    bot = BotHarness(tmp_path, clock, telegram)
    await bot.start()
    await bot.app.start()
    return bot


async def stopped(bot: BotHarness) -> None:
    await bot.app.stop()
    await bot.stop()


async def deliver(bot: BotHarness, update: dict[str, Any]) -> None:
    """Hand an update over as the Updater does, and wait until it has been worked off."""
    await bot.app.update_queue.put(Update.de_json(update, bot.app.bot))
    await bot.app.update_queue.join()


def sessions(bot: BotHarness) -> list[tuple[int, int | None, float, int | None]]:
    return stored_logs(bot.services.db.engine)


def confirmations(telegram: FakeTelegram, chat_id: int = PARENT_CHAT) -> list[int]:
    """Message ids of the log confirmations Telegram accepted in the chat."""
    return [
        int(c.result["message_id"])
        for c in telegram.calls
        if c.method == "sendMessage" and c.chat_id == chat_id and c.text.startswith("✅ Logged")
    ]


class Refusing:
    """A database write that refuses its first `times` calls ("database is locked")."""

    def __init__(self, write: Callable[..., Any], times: int) -> None:
        self.write, self.left = write, times

    def __call__(self, *args: Any) -> Any:
        if self.left:
            self.left -= 1
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return self.write(*args)


def as_if_killed_before_marking(bot: BotHarness, update: dict[str, Any]) -> None:
    """Put the update back as the inbox holds it when the process died while handling it."""
    with bot.services.db.engine.begin() as connection:
        connection.execute(
            sa.update(INBOX)
            .where(INBOX.c.update_id == update["update_id"])
            .values(handled_at=None, payload=json.dumps(update))
        )


def replies(telegram: FakeTelegram, chat_id: int = PARENT_CHAT) -> list[str]:
    return [c.text for c in telegram.calls if c.method == "sendMessage" and c.chat_id == chat_id]


async def test_an_update_is_stored_before_it_is_queued_and_cleared_once_handled(
    tmp_path: Path,
) -> None:
    telegram = FakeTelegram()
    bot = await running(tmp_path, telegram, FakeClock(START))
    try:
        update = telegram.message_update(PARENT_CHAT, "/week", telegram.user(PARENT_CHAT))
        await bot.app.update_queue.put(Update.de_json(update, bot.app.bot))
        # `put` has returned (this is when the Updater moves the offset on): the update is in
        # the database, text and all, not yet handled.
        [row] = inbox_rows(bot.services.db)
        assert row["update_id"] == update["update_id"]
        assert row["chat_id"] == PARENT_CHAT
        assert "/week" in str(row["payload"])
        assert row["handled_at"] is None
        await bot.app.update_queue.join()
        [row] = inbox_rows(bot.services.db)
        assert row["handled_at"] == START
        assert row["payload"] is None  # the parent's words are not kept once handled
        assert replies(telegram)  # the week was shown
    finally:
        await stopped(bot)


async def test_a_typed_log_is_stored_by_its_unit_of_work_before_the_next_poll(
    tmp_path: Path,
) -> None:
    """Polling: a typed message is queued at once and stored in its handler's one unit of
    work; the next getUpdates, which acknowledges it, waits until then."""
    telegram = FakeTelegram()
    bot = await running(tmp_path, telegram, FakeClock(START))
    queue = bot.app.update_queue
    assert isinstance(queue, DurableUpdateQueue)
    queue.polled = True  # as `PayloadsRequest` makes it
    try:
        update = telegram.message_update(PARENT_CHAT, "120 ml", telegram.user(PARENT_CHAT))
        await queue.put(Update.de_json(update, bot.app.bot))
        assert inbox_rows(bot.services.db) == []  # queued, not stored on its own
        await queue.until_durable()  # what the next getUpdates waits for
        [row] = inbox_rows(bot.services.db)
        assert row["update_id"] == update["update_id"]
        await queue.join()
        [row] = inbox_rows(bot.services.db)
        assert (row["handled_at"], row["payload"]) == (START, None)
        assert len(sessions(bot)) == 1
        assert len(confirmations(telegram)) == 1
    finally:
        await stopped(bot)


async def test_a_typed_message_not_taken_up_in_time_is_stored_as_telegram_sent_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typed message whose handler has not begun within `DURABLE_WAIT` (its chat busy) is
    stored by the inbox itself, as getUpdates sent it, so polling goes on; handled later, it
    is logged and confirmed once."""
    monkeypatch.setattr(inbox, "DURABLE_WAIT", 0.01)
    telegram = FakeTelegram()
    bot = BotHarness(tmp_path, FakeClock(START), telegram)
    await bot.start()  # the queue is not worked off: nothing takes the message up
    queue = bot.app.update_queue
    assert isinstance(queue, DurableUpdateQueue)
    queue.polled = True
    try:
        update = telegram.message_update(PARENT_CHAT, "120 ml", telegram.user(PARENT_CHAT))
        update["message"]["unknown_to_the_library"] = 1  # stored as sent, not as parsed
        queue.keep_payloads([update])
        await queue.put(Update.de_json(update, bot.app.bot))
        await queue.until_durable()
        [row] = inbox_rows(bot.services.db)
        assert json.loads(str(row["payload"])) == update
        assert row["handled_at"] is None
        assert queue.payloads == {}  # kept until stored, no longer
        queued = queue.get_nowait()
        await bot.app.update_processor.process_update(queued, bot.app.process_update(queued))
        [row] = inbox_rows(bot.services.db)
        assert row["handled_at"] == START
        assert len(sessions(bot)) == 1
        assert len(confirmations(telegram)) == 1
    finally:
        await bot.stop()


async def test_a_polled_update_is_stored_as_telegram_sent_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Polling keeps each getUpdates answer's updates as sent (`PayloadsRequest`), and the
    inbox stores that JSON, not the parsed update serialised again; a replay reads it. A typed
    message's unit of work stores the same."""
    stored: list[str] = []

    def recorded(session: Any, update_id: int, chat_id: int | None, payload: str, now: Any):
        stored.append(payload)
        return store_update_in(session, update_id, chat_id, payload, now)

    monkeypatch.setattr(inbox, "store_update_in", recorded)
    # The typed message waits for /week in its chat: on a slow machine that took longer than
    # DURABLE_WAIT, and the inbox stored the message itself (store_updates, not recorded here).
    monkeypatch.setattr(inbox, "DURABLE_WAIT", 30.0)
    telegram = FakeTelegram()
    bot = await running(tmp_path, telegram, FakeClock(START))
    queue = bot.app.update_queue
    assert isinstance(queue, DurableUpdateQueue)
    try:
        command = telegram.message_update(PARENT_CHAT, "/week", telegram.user(PARENT_CHAT))
        typed = telegram.message_update(PARENT_CHAT, "120 ml", telegram.user(PARENT_CHAT))
        for update in (command, typed):
            update["message"]["unknown_to_the_library"] = 1  # stored as sent, not as parsed
        queue.keep_payloads([command, typed])
        await queue.put(Update.de_json(command, bot.app.bot))
        [row] = inbox_rows(bot.services.db)
        assert json.loads(str(row["payload"])) == command
        await queue.put(Update.de_json(typed, bot.app.bot))
        await queue.join()
        assert [json.loads(payload) for payload in stored] == [typed]
        assert queue.payloads == {}  # kept until stored, no longer
        assert len(confirmations(telegram)) == 1
    finally:
        await stopped(bot)


async def test_an_update_is_not_acknowledged_until_the_database_took_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    telegram = FakeTelegram()
    bot = await running(tmp_path, telegram, FakeClock(START))
    store_when_back = Refusing(store_update, 2)
    monkeypatch.setattr(inbox, "store_update", store_when_back)
    monkeypatch.setattr(inbox, "STORE_RETRY_FIRST", 0)
    try:
        update = telegram.message_update(PARENT_CHAT, "/week", telegram.user(PARENT_CHAT))
        await deliver(bot, update)  # `put` returns (and polling moves on) only once stored
        assert store_when_back.left == 0
        assert [row["update_id"] for row in inbox_rows(bot.services.db)] == [update["update_id"]]
        assert replies(telegram)
    finally:
        await stopped(bot)


async def test_a_typed_message_whose_unit_of_work_failed_is_still_stored_before_acknowledged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database refuses the log's unit of work (twice: it is tried once more alone), then
    the inbox's own write once: the parent is asked to try again, and the message is in the
    inbox, handled, before `put` returns."""
    telegram = FakeTelegram()
    bot = await running(tmp_path, telegram, FakeClock(START))
    unit, store = Refusing(store_update_in, 2), Refusing(store_updates, 1)
    monkeypatch.setattr(inbox, "store_update_in", unit)
    monkeypatch.setattr(inbox, "store_updates", store)
    monkeypatch.setattr(inbox, "STORE_RETRY_FIRST", 0)
    try:
        update = telegram.message_update(PARENT_CHAT, "120 ml", telegram.user(PARENT_CHAT))
        await bot.app.update_queue.put(Update.de_json(update, bot.app.bot))
        assert (unit.left, store.left) == (0, 0)
        assert [row["update_id"] for row in inbox_rows(bot.services.db)] == [update["update_id"]]
        await bot.app.update_queue.join()
        assert sessions(bot) == []
        assert [text.startswith("Sorry") for text in replies(telegram)] == [True]
    finally:
        await stopped(bot)


async def test_an_update_delivered_twice_is_handled_once(tmp_path: Path) -> None:
    telegram = FakeTelegram()
    bot = await running(tmp_path, telegram, FakeClock(START))
    try:
        update = telegram.message_update(PARENT_CHAT, "120 ml", telegram.user(PARENT_CHAT))
        await deliver(bot, update)
        await deliver(bot, update)  # a webhook retried, or a batch fetched again
        assert len(sessions(bot)) == 1
        assert len(confirmations(telegram)) == 1
    finally:
        await stopped(bot)


async def test_after_a_crash_a_stored_log_without_its_confirmation_is_confirmed_once(
    tmp_path: Path,
) -> None:
    telegram = FakeTelegram()
    clock = FakeClock(START)
    bot = await running(tmp_path, telegram, clock)
    update = telegram.message_update(PARENT_CHAT, "120 ml", telegram.user(PARENT_CHAT))
    try:
        await deliver(bot, update)
    finally:
        await stopped(bot)
    # Killed after the entry was stored, before its confirmation went out.
    with bot.services.db.engine.begin() as connection:
        table = PumpSession.__table__  # type: ignore[attr-defined]
        connection.execute(sa.update(table).values(confirmation_message_id=None))
    as_if_killed_before_marking(bot, update)
    sent_before = len(confirmations(telegram))

    clock.advance(minutes=2)
    restarted = await running(tmp_path, telegram, clock)
    try:
        await restarted.app.update_queue.join()
        [(chat, source, total, confirmation)] = sessions(restarted)
        new = confirmations(telegram)[sent_before:]
        assert (chat, source, total) == (PARENT_CHAT, update["message"]["message_id"], 120)
        assert len(new) == 1
        assert confirmation == new[0]  # its buttons and replies act on the entry
        assert inbox_rows(restarted.services.db)[0]["handled_at"] is not None
    finally:
        await stopped(restarted)


async def test_after_a_crash_an_update_handled_but_not_marked_has_no_second_effect(
    tmp_path: Path,
) -> None:
    telegram = FakeTelegram()
    clock = FakeClock(START)
    bot = await running(tmp_path, telegram, clock)
    log = telegram.message_update(PARENT_CHAT, "120 ml", telegram.user(PARENT_CHAT))
    try:
        await deliver(bot, log)
    finally:
        await stopped(bot)
    as_if_killed_before_marking(bot, log)  # stored and confirmed; killed before marking it
    calls_before = len(telegram.calls)

    restarted = await running(tmp_path, telegram, clock)
    try:
        await restarted.app.update_queue.join()
        assert len(sessions(restarted)) == 1
        sent = [c for c in telegram.calls[calls_before:] if c.chat_id == PARENT_CHAT]
        assert sent == []  # no second confirmation, no edit: nothing the parent would see
    finally:
        await stopped(restarted)


async def test_undo_and_a_time_shift_are_marked_handled_before_their_replies(
    tmp_path: Path,
) -> None:
    """So a crash while they reply cannot make them remove a second entry, or shift twice."""
    telegram = FakeTelegram()
    bot = await running(tmp_path, telegram, FakeClock(START))
    handled_when_replied: dict[str, object] = {}

    def on_reply(call: ApiCall) -> None:
        rows = {row["update_id"]: row for row in inbox_rows(bot.services.db)}
        name = (
            "undo"
            if "Removed" in call.text
            else "shift"
            if call.method == "answerCallbackQuery"
            else None
        )
        if name and name not in handled_when_replied:
            handled_when_replied[name] = rows[current["update_id"]]["handled_at"]

    telegram.listeners.append(on_reply)
    user = telegram.user(PARENT_CHAT)
    try:
        for ml in (110, 120):
            await deliver(bot, telegram.message_update(PARENT_CHAT, f"{ml} ml", user))
        [*_, (_chat, _source, _total, confirmation)] = sessions(bot)
        with bot.services.db.engine.connect() as connection:
            table = PumpSession.__table__  # type: ignore[attr-defined]
            entry_id = connection.execute(sa.select(sa.func.max(table.c.id))).scalar_one()
        current = telegram.callback_update(
            PARENT_CHAT, confirmation, LOG_SHIFT.data(entry_id, -15), user
        )
        await deliver(bot, current)
        current = telegram.message_update(PARENT_CHAT, "/undo", user)
        await deliver(bot, current)
        assert handled_when_replied == {"shift": START, "undo": START}
        assert [total for _c, _s, total, _conf in sessions(bot)] == [110]
    finally:
        await stopped(bot)


async def test_left_over_updates_are_handled_before_new_ones_in_their_order(
    tmp_path: Path,
) -> None:
    telegram = FakeTelegram()
    clock = FakeClock(START)
    bot = BotHarness(tmp_path, clock, telegram)
    await bot.start()
    user = telegram.user(PARENT_CHAT)
    left = [telegram.message_update(PARENT_CHAT, f"{ml} ml", user) for ml in (110, 120, 130)]
    for update in left:  # stored by a run that died before handling them
        stored = store_update(
            bot.services.db, update["update_id"], PARENT_CHAT, json.dumps(update), START
        )
        assert stored
    await bot.stop()

    restarted = await running(tmp_path, telegram, clock)
    try:
        await deliver(restarted, telegram.message_update(PARENT_CHAT, "140 ml", user))
        texts = [c.text for c in telegram.calls if c.method == "sendMessage"]
        amounts = [int(t.split()[2].split("\xa0")[0]) for t in texts if t.startswith("✅ Logged")]
        assert amounts == [110, 120, 130, 140]
    finally:
        await stopped(restarted)


def stored_at_a_webhook_instance(bot: BotHarness, telegram: FakeTelegram) -> None:
    """Two logs left unhandled: one stored long ago by an instance that died, one just now."""
    user = telegram.user(PARENT_CHAT)
    orphan = telegram.message_update(PARENT_CHAT, "110 ml", user)
    recent = telegram.message_update(PARENT_CHAT, "120 ml", user)
    stale = START - TAKE_OVER_AFTER - timedelta(seconds=1)
    store_update(bot.services.db, orphan["update_id"], PARENT_CHAT, json.dumps(orphan), stale)
    store_update(bot.services.db, recent["update_id"], PARENT_CHAT, json.dumps(recent), START)


async def test_with_a_webhook_on_sqlite_a_start_handles_everything_left(tmp_path: Path) -> None:
    """SQLite is one process (a lock refuses a second): nobody else can be handling the log
    stored just before the restart, so it is not left waiting five minutes."""
    if bot_tests_use_postgres():
        pytest.skip("SQLite only: on PostgreSQL another instance may be handling them")
    telegram = FakeTelegram()
    clock = FakeClock(START)
    bot = BotHarness(tmp_path, clock, telegram, webhook_url="https://pumpbot.example.org/hook")
    bot.services.db.upgrade()
    stored_at_a_webhook_instance(bot, telegram)
    await bot.start()
    await bot.app.start()
    try:
        await bot.app.update_queue.join()
        assert sorted(total for _c, _s, total, _conf in sessions(bot)) == [110, 120]
    finally:
        await stopped(bot)


async def test_with_a_webhook_on_postgresql_a_start_leaves_what_another_instance_may_be_handling(
    tmp_path: Path,
) -> None:
    if not bot_tests_use_postgres():
        pytest.skip("PostgreSQL only: SQLite is one process, which takes everything left")
    telegram = FakeTelegram()
    clock = FakeClock(START)
    bot = BotHarness(tmp_path, clock, telegram, webhook_url="https://pumpbot.example.org/hook")
    bot.services.db.upgrade()
    stored_at_a_webhook_instance(bot, telegram)  # the recent one may be another's, in hand
    await bot.start()
    await bot.app.start()
    try:
        await bot.app.update_queue.join()
        assert [total for _c, _s, total, _conf in sessions(bot)] == [110]
    finally:
        await stopped(bot)


def test_an_update_taken_over_by_one_instance_is_left_to_it_by_the_others(
    tmp_path: Path,
) -> None:
    db = BotHarness(tmp_path).services.db
    db.upgrade()
    store_update(db, 1, PARENT_CHAT, "{}", START)
    later = START + TAKE_OVER_AFTER
    [taken] = take_unhandled(db, later, TAKE_OVER_AFTER)  # instance A takes it over
    assert taken.update_id == 1
    assert take_unhandled(db, later, TAKE_OVER_AFTER) == []  # B, a moment later: A has it
    assert take_unhandled(db, later + TAKE_OVER_AFTER, TAKE_OVER_AFTER, leave={1}) == []  # A
    # Still unhandled long after A took it: A must have died too, so B takes it.
    [again] = take_unhandled(db, later + TAKE_OVER_AFTER, TAKE_OVER_AFTER)
    assert again.attempts == 2


async def test_an_update_that_keeps_killing_the_bot_is_given_up(tmp_path: Path) -> None:
    telegram = FakeTelegram()
    clock = FakeClock(START)
    update = telegram.message_update(PARENT_CHAT, "120 ml", telegram.user(PARENT_CHAT))
    bot = BotHarness(tmp_path, clock, telegram)
    bot.services.db.upgrade()
    store_update(bot.services.db, update["update_id"], None, json.dumps(update), START)
    for _start in range(MAX_ATTEMPTS + 1):
        bot = BotHarness(tmp_path, clock, telegram)
        await bot.start()  # each start queues it again; the process "dies" before handling it
        await bot.stop()
    [row] = inbox_rows(bot.services.db)
    assert row["handled_at"] is not None  # the fourth start gave it up
    assert row["attempts"] == MAX_ATTEMPTS + 1
    assert sessions(bot) == []


def test_handled_rows_are_pruned_after_a_day_and_unhandled_ones_never(tmp_path: Path) -> None:
    clock = FakeClock(START)
    db = BotHarness(tmp_path, clock).services.db
    db.upgrade()
    for update_id in (1, 2, 3):
        store_update(db, update_id, PARENT_CHAT, "{}", START)
    mark_handled(db, 1, START)  # handled a day and a minute before the prune below
    mark_handled(db, 2, START + timedelta(hours=23))  # 61 minutes before it
    clock.set(START + KEEP_HANDLED + timedelta(minutes=1))
    assert prune(db, clock) == 1
    assert [row["update_id"] for row in inbox_rows(db)] == [2, 3]
    clock.advance(days=30)
    assert prune(db, clock) == 1
    assert [row["update_id"] for row in inbox_rows(db)] == [3]  # never handled: kept


async def test_forget_deletes_the_chats_rows_in_the_inbox(tmp_path: Path) -> None:
    telegram = FakeTelegram()
    bot = await running(tmp_path, telegram, FakeClock(START))
    try:
        user = telegram.user(PARENT_CHAT)
        await deliver(bot, telegram.message_update(PARENT_CHAT, "120 ml", user))
        await deliver(bot, telegram.message_update(OTHER_CHAT, "90 ml", telegram.user(OTHER_CHAT)))
        await deliver(bot, telegram.message_update(PARENT_CHAT, "/forget", user))
        await bot.press("Delete")
        await bot.app.update_queue.join()
        assert {row["chat_id"] for row in inbox_rows(bot.services.db)} == {OTHER_CHAT}
    finally:
        await stopped(bot)


# -- concurrency ---------------------------------------------------------------------------


def text_update(update_id: int, chat_id: int) -> Update:
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "chat": {"id": chat_id, "type": "private"},
                "text": "x",
            },
        },
        None,
    )


async def test_a_slow_update_holds_up_its_own_chat_only(tmp_path: Path) -> None:
    db = BotHarness(tmp_path).services.db
    db.upgrade()
    processor = ChatOrderedProcessor(DurableUpdateQueue(db, FakeClock(START)))
    order: list[str] = []
    chart_may_finish = asyncio.Event()

    async def slow_chart() -> None:
        order.append("A: chart starts")
        await chart_may_finish.wait()
        order.append("A: chart done")

    b_done = asyncio.Event()

    async def step(name: str) -> None:
        order.append(name)
        if name == "B: undo":
            b_done.set()

    tasks = [
        asyncio.create_task(processor.process_update(text_update(1, 1), slow_chart())),
        asyncio.create_task(processor.process_update(text_update(2, 1), step("A: log"))),
        asyncio.create_task(processor.process_update(text_update(3, 2), step("B: log"))),
        asyncio.create_task(processor.process_update(text_update(4, 2), step("B: undo"))),
    ]
    await asyncio.wait_for(b_done.wait(), timeout=5)
    # B's two updates ran while A's chart was still drawing; A's log waits its turn.
    assert order == ["A: chart starts", "B: log", "B: undo"]
    chart_may_finish.set()
    await asyncio.gather(*tasks)
    assert order == ["A: chart starts", "B: log", "B: undo", "A: chart done", "A: log"]


async def test_a_log_whose_unit_of_work_failed_once_is_tried_again_and_confirmed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit of work that fails (a moment's "database is locked") is rolled back and tried
    once more on its own (`Database.work_together`): the log is stored once and confirmed,
    with no "please try again"."""
    telegram = FakeTelegram()
    bot = await running(tmp_path, telegram, FakeClock(START))
    refused_once = Refusing(store_update_in, 1)
    monkeypatch.setattr(inbox, "store_update_in", refused_once)
    try:
        await deliver(
            bot, telegram.message_update(PARENT_CHAT, "120 ml", telegram.user(PARENT_CHAT))
        )
        assert refused_once.left == 0
        assert len(sessions(bot)) == 1
        assert len(confirmations(telegram)) == 1
        assert not any(text.startswith("Sorry") for text in replies(telegram))
    finally:
        await stopped(bot)
