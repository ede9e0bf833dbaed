"""The durable inbox: every update is in the database before Telegram is told it arrived, and
updates run concurrently across chats, in order within a chat.

Why: python-telegram-bot's `Updater` confirms a whole getUpdates batch (by asking for the next
offset) as soon as it has put the batch in `Application.update_queue`, and a webhook answers 200
as soon as the update is in that queue. A process killed before the queue is worked off loses
what was in it: in one run 71 of 80 logs, never stored, their parents never told.

How, on python-telegram-bot's own extension points:

- **Written before acknowledged.** `DurableUpdateQueue` is the application's `update_queue`
  (`ApplicationBuilder.update_queue`). Both ways in await `update_queue.put(update)` before
  they acknowledge: the polling loop before it moves the offset past the batch, the webhook
  handler before it answers. `put` stores the update in the `inbox` table (keyed by
  `update_id`, on a worker thread), and only then queues it. An id already in the table is a
  redelivery (a batch fetched again after a crash, a webhook retried): it is being handled or
  was, so it is not queued again.
- **Marked handled after its handlers ran.** `ChatOrderedProcessor` is the application's
  `BaseUpdateProcessor` (`ApplicationBuilder.concurrent_updates`). After an update's handlers
  have finished (or failed: an update that raises would raise again), it marks the row
  handled and clears the stored JSON, since message texts are health data.
- **Left over at start, handled first.** `handle_left_over` runs in `post_init`, before polling
  or the webhook starts: what was stored but never marked handled is queued first, oldest
  first. An update is tried at most `MAX_ATTEMPTS` starts, so one that kills the process every
  time cannot keep it from running.
- **Twice has no second effect.** An update killed half-way is handled again from the top, so
  its handlers must be safe to repeat. Logs are: a message already stored (by chat and message
  id, a unique key) is not stored again, and is confirmed only if its confirmation never got a
  message id (handlers/logging.py). The one case that can still repeat something is a
  confirmation on the wire at the kill (Telegram accepted it, the process died before saving
  its id): it is sent again, so the parent may see it twice but never gets two entries.
- **Pruned.** Handled rows keep only their id and times, for `KEEP_HANDLED` (a day: Telegram
  keeps an unacknowledged update no longer, so no redelivery can come later), then an hourly
  job deletes them. /forget deletes a chat's rows like every other table's.

Concurrency: updates of different chats run at the same time, so one chat's chart or export
never holds up another's log; within a chat (or, for updates without a chat, per user) they run
one after another in arrival order, so an edit never overtakes the message it edits. Python-
telegram-bot admits at most `ADMITTED` updates into the processor, waiting on their chat's
turn; at most `RUNNING` of them run at once.

Database work: the inbox's own writes run on worker threads (`asyncio.to_thread`), and so do the
heavy reads (chart, /week, /month, export: a year of sessions). The rest of a log's database
work (settings, the insert, the confirmation's totals, about 3 ms in all on SQLite, measured with
`python -m bench --only logging`) stays on the event loop: an async driver would mean a second
set of repositories, and the measured cost is far inside Telegram's ceiling of 30 messages a
second for one bot.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.clock import Clock
from bot.services import PumpApplication
from bot.storage.db import Database
from bot.storage.inbox import mark_handled, prune_handled, store_update, unhandled_updates

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
KEEP_HANDLED = timedelta(days=1)
PRUNE_EVERY = timedelta(hours=1)
PRUNE_JOB = "inbox:prune"
ADMITTED = 4096  # updates waiting for their chat's turn, or running
RUNNING = 64  # handlers running at once
STORE_RETRY_FIRST = 0.5  # seconds; doubled up to STORE_RETRY_MAX while the database is away
STORE_RETRY_MAX = 30.0


def chat_of(update: Update) -> int | None:
    chat = update.effective_chat
    return chat.id if chat is not None else None


def ordering_key(update: object) -> int | None:
    """Updates with the same key run one after another: the chat's, else the user's
    (inline buttons carry no chat; a user's private chat has the user's id anyway)."""
    if not isinstance(update, Update):
        return None
    chat_id = chat_of(update)
    if chat_id is not None:
        return chat_id
    user = update.effective_user
    return user.id if user is not None else None


class DurableUpdateQueue(asyncio.Queue[object]):
    """The application's update queue: an update is stored in the inbox before `put` returns."""

    def __init__(self, db: Database, clock: Clock) -> None:
        super().__init__()
        self.db = db
        self.clock = clock

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and not await self._store(item):
            log.info("Update %s arrived again; it is in the inbox already", item.update_id)
            return
        await super().put(item)

    async def _store(self, update: Update) -> bool:
        """Store the update, trying until the database takes it: until then it is not
        acknowledged (polling waits; a webhook request waits, and Telegram may send it again).
        An error raised here instead would end python-telegram-bot's polling loop for good."""
        delay = STORE_RETRY_FIRST
        while True:
            try:
                return await asyncio.to_thread(
                    store_update,
                    self.db,
                    update.update_id,
                    chat_of(update),
                    update.to_json(),
                    self.clock.now(),
                )
            except SQLAlchemyError as error:
                log.warning(
                    "Update %s could not be stored (%s); trying again in %.0f s",
                    update.update_id,
                    type(error).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, STORE_RETRY_MAX)

    def put_left_over(self, update: Update) -> None:
        """Queue an update that is in the inbox already (left over from the last run)."""
        super().put_nowait(update)


@dataclass
class _Turns:
    """One key's lock, and how many updates hold or wait for it (the lock goes at zero)."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, in arrival order within a chat; marks each update handled."""

    def __init__(self, db: Database, clock: Clock, running: int = RUNNING) -> None:
        super().__init__(max_concurrent_updates=ADMITTED)
        self.db = db
        self.clock = clock
        self._running = asyncio.Semaphore(running)
        self._turns: dict[int, _Turns] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = ordering_key(update)
        if key is None:
            async with self._running:
                await self._handle(update, coroutine)
            return
        # asyncio.Lock wakes its waiters in the order they came, which is the order the
        # updates left the queue.
        turns = self._turns.setdefault(key, _Turns())
        turns.users += 1
        try:
            async with turns.lock, self._running:
                await self._handle(update, coroutine)
        finally:
            turns.users -= 1
            if turns.users == 0:
                del self._turns[key]

    async def _handle(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await coroutine
        except Exception:  # Application.process_update reports handler errors itself
            log.exception("Update handling failed")
        if isinstance(update, Update):
            await asyncio.to_thread(mark_handled, self.db, update.update_id, self.clock.now())

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


async def handle_left_over(application: PumpApplication, db: Database, clock: Clock) -> int:
    """Queue what the last run stored but never finished, oldest first; the number queued."""
    queue = application.update_queue
    if not isinstance(queue, DurableUpdateQueue):
        return 0
    queued = 0
    for row in await asyncio.to_thread(unhandled_updates, db):
        if row.attempts > MAX_ATTEMPTS:
            log.error("Update %s given up after %d starts", row.update_id, row.attempts - 1)
            await asyncio.to_thread(mark_handled, db, row.update_id, clock.now())
            continue
        update = Update.de_json(json.loads(row.payload), application.bot)
        queue.put_left_over(update)
        queued += 1
    if queued:
        log.info("%d updates left from the last run are handled first", queued)
    return queued


def prune(db: Database, clock: Clock) -> int:
    """Delete what was handled more than `KEEP_HANDLED` ago; the number of rows deleted."""
    return prune_handled(db, clock.now() - KEEP_HANDLED)


def schedule_pruning(application: PumpApplication, db: Database, clock: Clock) -> None:
    async def prune_job(_context: object) -> None:
        pruned = await asyncio.to_thread(prune, db, clock)
        log.debug("Inbox: %d handled updates pruned", pruned)

    job_queue = application.job_queue
    if job_queue is not None:
        for job in job_queue.get_jobs_by_name(PRUNE_JOB):
            job.schedule_removal()
        job_queue.run_repeating(prune_job, interval=PRUNE_EVERY, first=0, name=PRUNE_JOB)
