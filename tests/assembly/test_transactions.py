"""How many database transactions a typed log costs as a whole update: stored in the inbox,
handled, marked handled.

Each transaction is a round trip (several, on PostgreSQL). The handlers' part is held to 2 by
tests/assembly/test_unit_of_work.py; this counts the inbox's writes too, against a baseline, so
a change that adds a transaction anywhere on the way fails here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from telegram import Update

from bot.clock import FakeClock
from bot.inbox import DurableUpdateQueue
from bot.storage.inbox import inbox_rows
from tests.support.kit import PARENT_CHAT, PARENT_ID, BotHarness, through_the_inbox

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

# Measured 2026-12-04 on SQLite and PostgreSQL. Before the unit of work: 8 (the inbox write, the
# chat's settings, the redelivery lookup, the insert, the confirmation's message id, the
# reminders' re-arm, the nudge check, the inbox marked handled). With it: 4 (the inbox write, the
# update's one unit of work, the confirmation's message id, the inbox marked handled); the
# handlers' own part, at most 2, is tests/assembly/test_unit_of_work.py. Then 3: the
# confirmation's message id is written with the inbox's handled mark (`bot.inbox.finish`).
# Then 2 (2026-12-06): a typed message's inbox row is written in its unit of work
# (`bot.inbox.Pending`). Lower it whenever the count drops, never raise it.
BASELINE = 2
# Logs from many chats at once (one getUpdates answer): their units of work go together, and
# so do their last writes (`Database.work_together`). Measured 2026-12-06: 22 transactions for
# 20 logs with the last writes together, then 2 with the units of work together too.
BURST_BASELINE = 0.5


@dataclass
class Transactions:
    begun: int = 0
    committed: int = 0
    rolled_back: int = 0


@contextmanager
def counting(engine: sa.Engine) -> Iterator[Transactions]:
    """Count the transactions begun on `engine` (threads included) while the block runs."""
    count = Transactions()

    def begun(_connection: Any) -> None:
        count.begun += 1

    def committed(_connection: Any) -> None:
        count.committed += 1

    def rolled_back(_connection: Any) -> None:
        count.rolled_back += 1

    listeners = (("begin", begun), ("commit", committed), ("rollback", rolled_back))
    for name, listener in listeners:
        sa.event.listen(engine, name, listener)
    try:
        yield count
    finally:
        for name, listener in listeners:
            sa.event.remove(engine, name, listener)


def parent(bot: BotHarness, chat_id: int) -> dict[str, Any]:
    return bot.telegram.user(chat_id, "en")


def confirmations(bot: BotHarness) -> list[str]:
    return [
        call.text
        for call in bot.telegram.calls
        if call.method == "sendMessage" and call.text.startswith("✅ Logged")
    ]


async def test_a_typed_log_costs_no_more_transactions_than_the_baseline(tmp_path: Path) -> None:
    bot = await BotHarness(tmp_path, FakeClock(START)).start()
    telegram = bot.telegram
    parent = telegram.user(PARENT_ID, "en")
    try:
        # The chat has logged before, as most chats that log have.
        await through_the_inbox(bot, telegram.message_update(PARENT_CHAT, "120 ml", parent))
        with counting(bot.services.db.engine) as count:
            update = telegram.message_update(PARENT_CHAT, "L 60 R 70 20min", parent)
            await through_the_inbox(bot, update)
        handled = {row["update_id"]: row["handled_at"] for row in inbox_rows(bot.services.db)}
    finally:
        await bot.stop()
    assert len(confirmations(bot)) == 2  # the parent saw both logs confirmed
    assert handled[update["update_id"]] == START  # in the inbox, and marked handled
    assert count.begun <= BASELINE, count


async def test_logs_that_come_together_share_their_last_writes(tmp_path: Path) -> None:
    """A getUpdates answer with logs from many chats: their units of work share a transaction,
    and so do their confirmations' ids with the handled marks (`Database.work_together`)."""
    bot = await BotHarness(tmp_path, FakeClock(START)).start()
    telegram = bot.telegram
    app = bot.app
    queue = app.update_queue
    assert isinstance(queue, DurableUpdateQueue)
    queue.polled = True
    chats = range(PARENT_CHAT, PARENT_CHAT + 20)
    try:
        for chat_id in chats:  # every chat has logged before
            await through_the_inbox(
                bot, telegram.message_update(chat_id, "120 ml", parent(bot, chat_id))
            )
        with counting(bot.services.db.engine) as count:
            for chat_id in chats:
                update = telegram.message_update(chat_id, "L 60 R 70 20min", parent(bot, chat_id))
                await queue.put(Update.de_json(update, app.bot))
            updates = [queue.get_nowait() for _ in chats]
            await asyncio.gather(
                *(app.update_processor.process_update(u, app.process_update(u)) for u in updates)
            )
            await queue.until_durable()
        unhandled = [row for row in inbox_rows(bot.services.db) if row["handled_at"] is None]
    finally:
        await bot.stop()
    assert len(confirmations(bot)) == 40  # every log confirmed
    assert unhandled == []
    assert count.begun <= len(chats) * BURST_BASELINE, count
