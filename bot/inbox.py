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
  `update_id`, on a worker thread), and only then queues it. In polling it stores the JSON
  the getUpdates answer had (`PayloadsRequest`), not the parsed update serialised again. An
  id already in the table is a redelivery (a batch fetched again after a crash, a webhook
  retried): it is being handled or was, so it is not queued again.
- **A typed message stores itself.** A new text message (`TYPED`: every one goes to the one
  text handler, handlers/text.py) is queued at once as `Pending`, and its handler's unit of
  work writes its inbox row in the same transaction as the log (`store_pending`): a typed log
  costs two transactions in all, the unit of work and its confirmation's id with the handled
  mark (issue 23; it was three, with a transaction of its own for the row). It is still
  durable before it is acknowledged: polling asks for the next batch (which moves the offset
  past this one) only once every pending message of it is stored (`PayloadsRequest`,
  `until_durable`), and a webhook's `put` returns only then. A message whose handler has not
  begun its unit of work within `DURABLE_WAIT` (its chat busy with a chart, say), or whose
  handler failed before it, is stored by the inbox the ordinary way, so a slow chat never
  holds up the polling for long.
- **Marked handled after its handlers ran.** `ChatOrderedProcessor` is the application's
  `BaseUpdateProcessor` (`ApplicationBuilder.concurrent_updates`). After an update's handlers
  have finished (or failed: an update that raises would raise again), it marks the row
  handled and clears the stored JSON, since message texts are health data. A typed log's
  last write (its confirmation's message id) carries that mark in its own transaction
  (`finish`), and /undo and the time shifts mark it early (`settle`); the processor then
  does not mark it again.
- **Left over at start, handled first.** `handle_left_over` runs in `post_init`, before polling
  or the webhook starts: what was stored but never marked handled is queued first, oldest
  first. An update is tried at most `MAX_ATTEMPTS` times, so one that kills the process every
  time cannot keep it from running.
- **Several instances** (webhook mode, one PostgreSQL database): an update stored by one
  instance may be in the middle of its handlers there, so a starting instance takes only what
  has waited `TAKE_OVER_AFTER`, and every instance looks for such updates every minute (an
  instance that died leaves them). Taking one is a compare-and-set on its `attempts` that
  stamps `taken_at`, so two instances never both take it, and the one that did has it for
  `TAKE_OVER_AFTER`. Polling allows one process per bot, and SQLite one process per file
  (bot/leadership.py): such an instance takes everything left at once.
- **Twice has no second effect.** An update killed half-way is handled again from the top, so
  its handlers must be safe to repeat. Logs are: a message already stored (by chat and message
  id, a unique key) is not stored again, and is confirmed only if its confirmation never got a
  message id (handlers/logging.py). The one case that can still repeat something is a
  confirmation on the wire at the kill (Telegram accepted it, the process died before saving
  its id): it is sent again, so the parent may see it twice but never gets two entries.
  Two changes are not safe to repeat, /undo and the time-shift buttons: their handlers
  call `settle` right after the change is saved, so a crash after it costs the reply, never a
  second change.
- **Pruned.** Handled rows keep only their id and times, for `KEEP_HANDLED` (a day: Telegram
  keeps an unacknowledged update no longer, so no redelivery can come later), then an hourly
  job deletes them. /forget deletes a chat's rows like every other table's.

Concurrency: updates of different chats run at the same time, so one chat's chart or export
never holds up another's log; within a chat (or, for updates without a chat, per user) they run
one after another in arrival order, so an edit never overtakes the message it edits. Python-
telegram-bot admits at most `ADMITTED` updates into the processor, waiting on their chat's
turn; at most `RUNNING` of them run at once.

Database work: the inbox's own writes and a typed message's one unit of work run on the units
of work's threads (`Database.run`, `Database.work`), the heavy reads (the chart's data, /week,
/month, /export: a year of sessions) on asyncio's default pool (`asyncio.to_thread`); charts
are drawn in a process of their own (bot/periods.py). Measured before the unit of work (a bot
process logging 300 messages from 50 chats, its CPU time read from /proc, on the shared 2-core
machine): 27 ms of CPU a log in all, 25.5 ms before the inbox (its two writes cost about 2 ms);
a profile puts most of the busy time in SQLAlchemy's own Python code and about 5% in sqlite3.
On a worker thread that is the same CPU under the same GIL: what the thread saves is the loop's
waits on the database (a PostgreSQL round trip each), and what the unit of work saves is the
number of transactions.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from telegram import Update
from telegram.ext import BaseUpdateProcessor, filters

from bot.clock import Clock
from bot.metrics import UPDATE_ARRIVED, Metrics
from bot.reachability import Reachability, WatchedRequest
from bot.services import PumpApplication
from bot.storage.db import Database
from bot.storage.inbox import (
    mark_handled,
    mark_handled_in,
    prune_handled,
    store_update,
    store_update_in,
    store_updates,
    take_unhandled,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_ATTEMPTS = 3
KEEP_HANDLED = timedelta(days=1)
PRUNE_EVERY = timedelta(hours=1)
PRUNE_JOB = "inbox:prune"
# With several instances (webhook), an update unhandled this long is taken to be left by an
# instance that died: far longer than any update takes here (a year's export: under a second).
TAKE_OVER_AFTER = timedelta(minutes=5)
TAKE_OVER_EVERY = timedelta(minutes=1)
TAKE_OVER_JOB = "inbox:take-over"
ADMITTED = 4096  # updates waiting for their chat's turn, or running
RUNNING = 64  # handlers running at once
STORE_RETRY_FIRST = 0.5  # seconds; doubled up to STORE_RETRY_MAX while the database is away
STORE_RETRY_MAX = 30.0
# How long the next poll (or a webhook's answer) waits for a typed message's unit of work to
# begin before the inbox stores the message itself: a unit of work takes a few milliseconds.
DURABLE_WAIT = 0.05
# The updates the one text handler (handlers/text.py) takes, each in one unit of work that
# stores the update too: new typed messages that are not commands.
TYPED = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND


@dataclass
class Pending:
    """A typed message queued before it is stored: its handler's unit of work stores it
    (`store_pending`), or the inbox does when that is late or failed (`stored` says which
    happened: True stored by the inbox, False found there already, a redelivery)."""

    update_id: int
    chat_id: int | None
    payload: str
    durable: asyncio.Future[None]
    claimed: bool = False
    stored: bool | None = None


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
    """The application's update queue: an update is stored in the inbox before `put` returns.

    `in_flight` holds the ids this process has queued and not yet marked handled, so the
    take-over job never takes an update this process is still working on; `arrived` when each
    came in (time.monotonic()), for the confirmation latency; `payloads` the last getUpdates
    answer's updates as Telegram sent them (`keep_payloads`)."""

    def __init__(self, db: Database, clock: Clock, metrics: Metrics | None = None) -> None:
        super().__init__()
        self.db = db
        self.clock = clock
        self.metrics = metrics or Metrics()
        self.in_flight: set[int] = set()
        self.arrived: dict[int, float] = {}
        self.done_early: set[int] = set()
        self.payloads: dict[int, str] = {}
        self.pending: dict[int, Pending] = {}
        # Polling acknowledges a batch with the next getUpdates, which waits until its typed
        # messages are stored (`PayloadsRequest`); a webhook answers when `put` returns.
        self.polled = False

    def keep_payloads(self, updates: list[Any]) -> None:
        """The updates of a getUpdates answer, as Telegram sent them (`PayloadsRequest`): `put`
        stores these rather than serialise the parsed update again on the event loop
        (`Update.to_json`: 59 us a typed message against 3.6 us for `json.dumps` of its JSON,
        issue 23). The Updater puts every update of an answer before it asks for the next."""
        self.payloads = {
            update["update_id"]: json.dumps(update)
            for update in updates
            if isinstance(update, dict) and "update_id" in update
        }

    async def put(self, item: object) -> None:
        if not isinstance(item, Update):
            await super().put(item)
            return
        update_id = item.update_id
        if update_id in self.pending:
            log.info("Update %s arrived again; it is being handled", update_id)
            return
        self.arrived[update_id] = time.monotonic()
        pending = None
        if TYPED.check_update(item):  # its unit of work stores it
            pending = Pending(
                update_id,
                chat_of(item),
                self.payloads.pop(update_id, None) or item.to_json(),
                asyncio.get_running_loop().create_future(),
            )
            self.pending[update_id] = pending
        elif not await self._store(item):
            log.info("Update %s arrived again; it is in the inbox already", update_id)
            self.arrived.pop(update_id, None)
            return
        self.in_flight.add(update_id)
        await super().put(item)
        if pending is not None and not self.polled:
            await self.until_durable([pending])

    async def _store(self, update: Update) -> bool:
        payload = self.payloads.pop(update.update_id, None) or update.to_json()
        return await self._store_row(update.update_id, chat_of(update), payload)

    async def _store_row(self, update_id: int, chat_id: int | None, payload: str) -> bool:
        return await self._until_stored(
            f"Update {update_id}", store_update, update_id, chat_id, payload
        )

    async def _until_stored(self, what: str, write: Callable[..., T], *args: Any) -> T:
        """Store, trying until the database takes it: until then the update is not
        acknowledged (polling waits; a webhook request waits, and Telegram may send it again).
        An error raised here instead would end python-telegram-bot's polling loop for good."""
        delay = STORE_RETRY_FIRST
        while True:
            try:
                return await self.db.run(write, self.db, *args, self.clock.now())
            except SQLAlchemyError as error:
                log.warning(
                    "%s could not be stored (%s); trying again in %.0f s",
                    what,
                    type(error).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, STORE_RETRY_MAX)

    async def until_durable(self, waiting: list[Pending] | None = None) -> None:
        """Return once these pending messages (all, if none given) are stored. Those whose
        unit of work has not begun within `DURABLE_WAIT` are stored here instead."""
        waiting = list(self.pending.values()) if waiting is None else waiting
        if not waiting:
            return
        _done, late = await asyncio.wait([p.durable for p in waiting], timeout=DURABLE_WAIT)
        if not late:
            return
        # Those not taken up yet (their chat busy, or many waiting to run) are stored here, in
        # one transaction; the others are in their unit of work, or its failure being made good.
        await self._store_pendings([p for p in waiting if not p.claimed])
        await asyncio.wait([p.durable for p in waiting])

    async def claim(self, update_id: int) -> Pending | None:
        """The pending message the handler's unit of work is to store, if this is one; the
        inbox no longer stores it itself (or has, and says so in `stored`)."""
        pending = self.pending.get(update_id)
        if pending is None:
            return None
        if pending.claimed:  # the inbox is storing it: it waited too long
            await pending.durable
        pending.claimed = True
        return pending

    def stored(self, pending: Pending) -> None:
        """Its unit of work has committed: the message is in the inbox."""
        if not pending.durable.done():
            pending.durable.set_result(None)

    async def _store_pendings(self, pendings: list[Pending]) -> None:
        """Store these pending messages here, together, trying until the database takes them."""
        if not pendings:
            return
        for pending in pendings:
            pending.claimed = True
        rows = [(p.update_id, p.chat_id, p.payload) for p in pendings]
        new = await self._until_stored(f"{len(rows)} updates", store_updates, rows)
        for pending in pendings:
            pending.stored = pending.update_id in new
            self.stored(pending)

    async def after_handlers(self, update_id: int) -> None:
        """A pending message whose handlers did not store it (they failed first) is stored
        now, so it is durable before it is acknowledged."""
        pending = self.pending.pop(update_id, None)
        if pending is not None and not pending.durable.done():
            await self._store_pendings([pending])

    def finished(self, update_id: int) -> None:
        """Marked handled already (`finish`, `settle`): the processor does not mark it again."""
        self.done_early.add(update_id)

    def put_taken(self, update: Update) -> None:
        """Queue an update that is in the inbox already (left over, or taken over)."""
        self.in_flight.add(update.update_id)
        super().put_nowait(update)

    async def mark_handled(self, update_id: int) -> None:
        await self.db.run(mark_handled, self.db, update_id, self.clock.now())
        self.in_flight.discard(update_id)
        self.arrived.pop(update_id, None)


class PayloadsRequest(WatchedRequest):
    """The getUpdates request (polling): hands each answer's updates, as sent, to the inbox."""

    def __init__(self, reachability: Reachability, queue: DurableUpdateQueue, **kwargs: Any):
        super().__init__(reachability, **kwargs)
        self.queue = queue
        queue.polled = True

    async def post(self, url: str, *args: Any, **kwargs: Any) -> Any:
        polling = url.endswith("/getUpdates")
        if polling:
            # This request acknowledges the last batch: its typed messages are stored first.
            await self.queue.until_durable()
        result = await super().post(url, *args, **kwargs)
        if polling and isinstance(result, list):
            self.queue.keep_payloads(result)
        return result


@dataclass
class _Turns:
    """One key's lock, and how many updates hold or wait for it (the lock goes at zero)."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, in arrival order within a chat; marks each update handled."""

    def __init__(self, queue: DurableUpdateQueue, running: int = RUNNING) -> None:
        super().__init__(max_concurrent_updates=ADMITTED)
        self.queue = queue
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
        update_id = update.update_id if isinstance(update, Update) else None
        # The handlers run in this task, so they see when their update arrived.
        UPDATE_ARRIVED.set(self.queue.arrived.get(update_id) if update_id is not None else None)
        HANDLING.set((self.queue, update_id) if update_id is not None else None)
        try:
            await coroutine
        except Exception:  # Application.process_update reports handler errors itself
            log.exception("Update handling failed")
        self.queue.metrics.updates_handled.inc()
        if update_id is None:
            return
        await self.queue.after_handlers(update_id)
        if update_id in self.queue.done_early:
            self.queue.done_early.discard(update_id)
            self.queue.in_flight.discard(update_id)
            self.queue.arrived.pop(update_id, None)
            return
        await self.queue.mark_handled(update_id)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


# The update the running task handles, and the queue it came from (set by the processor,
# in the task the handlers run in): `finish` and `settle` mark that update handled.
HANDLING: ContextVar[tuple[DurableUpdateQueue, int] | None] = ContextVar("handling", default=None)


def _handling(update_id: int | None = None) -> DurableUpdateQueue | None:
    """The queue of the update being handled (that update, if `update_id` is given)."""
    handling = HANDLING.get()
    if handling is None or (update_id is not None and handling[1] != update_id):
        return None
    return handling[0]


async def settle(update: Update, db: Database, clock: Clock) -> None:
    """Mark an update handled now, before its replies go out: for a change that must not be
    made twice if a crash cut the update short (/undo removes whatever was logged last, a time
    shift moves the entry by some minutes). A crash after this loses the reply, never repeats
    the change; the processor does not mark it again."""
    await db.run(mark_handled, db, update.update_id, clock.now())
    queue = _handling(update.update_id)
    if queue is not None:
        queue.finished(update.update_id)


async def finish(db: Database, write: Callable[[Session], T]) -> T:
    """The update's last write, in one transaction with the inbox's mark that the update was
    handled (a typed log's confirmation id: one transaction less a log, issue 23). For a write
    after which a replay would redo nothing: what is left of the handler (following the change:
    a reminder re-armed in memory, a nudge already marked sent) is not repeated on a replay
    either. Outside the inbox (tests feeding updates directly) just the write. Several logs'
    last writes that come together share one transaction (`Database.work_together`)."""
    handling = HANDLING.get()
    if handling is None:
        return await db.work(write)
    queue, update_id = handling
    now = queue.clock.now()

    def write_and_mark(session: Session) -> T:
        result = write(session)
        mark_handled_in(session, update_id, now)
        return result

    result = await db.work_together(write_and_mark)
    queue.finished(update_id)
    return result


async def pending_update(update: Update) -> Pending | None:
    """The typed message being handled, if its unit of work is to store it (`store_pending`)."""
    queue = _handling(update.update_id)
    return await queue.claim(update.update_id) if queue is not None else None


def store_pending(session: Session, pending: Pending | None, now: datetime) -> bool:
    """In the handler's unit of work: store the typed message in the inbox. False if it is
    there already, a redelivery (handled, or being handled by another instance), which is
    then not handled again."""
    if pending is None or pending.stored is True:
        return True
    if pending.stored is False:
        return False
    return store_update_in(session, pending.update_id, pending.chat_id, pending.payload, now)


def stored_pending(pending: Pending | None, new: bool) -> None:
    """After the unit of work committed: the message is durable; a redelivery is not the
    processor's to mark handled (it was, or another instance will)."""
    queue = _handling(pending.update_id) if pending is not None else None
    if pending is None or queue is None:
        return
    queue.stored(pending)
    if not new:
        queue.finished(pending.update_id)


async def take_over(application: PumpApplication, waited: timedelta | None) -> int:
    """Queue, oldest first, what was stored and never handled (only what has waited that long,
    if given), except what this process is working on; the number queued."""
    queue = application.update_queue
    if not isinstance(queue, DurableUpdateQueue):
        return 0
    queued = 0
    taken = await asyncio.to_thread(
        take_unhandled, queue.db, queue.clock.now(), waited, frozenset(queue.in_flight)
    )
    for row in taken:
        if row.attempts > MAX_ATTEMPTS:
            log.error("Update %s given up after %d attempts", row.update_id, row.attempts - 1)
            await queue.mark_handled(row.update_id)
            continue
        queue.put_taken(Update.de_json(json.loads(row.payload), application.bot))
        queued += 1
    return queued


async def handle_left_over(application: PumpApplication, *, others_may_run: bool) -> int:
    """At start, before updates come in: queue what an earlier run left unhandled.

    Polling allows one process per bot, and SQLite one process per file, so everything left
    is this bot's to handle. With a webhook on PostgreSQL other instances may be running: only
    what has waited `TAKE_OVER_AFTER` is taken (the rest is probably being handled); the
    take-over job looks again every minute."""
    queued = await take_over(application, TAKE_OVER_AFTER if others_may_run else None)
    if queued:
        log.info("%d updates left from the last run are handled first", queued)
    return queued


def prune(db: Database, clock: Clock) -> int:
    """Delete what was handled more than `KEEP_HANDLED` ago; the number of rows deleted."""
    return prune_handled(db, clock.now() - KEEP_HANDLED)


def schedule_upkeep(application: PumpApplication) -> None:
    """Hourly pruning, and a take-over every minute of updates a dead instance left."""
    services = application.bot_data["services"]

    async def prune_job(_context: object) -> None:
        pruned = await asyncio.to_thread(prune, services.db, services.clock)
        log.debug("Inbox: %d handled updates pruned", pruned)

    async def take_over_job(_context: object) -> None:
        queued = await take_over(application, TAKE_OVER_AFTER)
        if queued:
            log.warning("%d updates another instance left unhandled were taken over", queued)

    job_queue = application.job_queue
    if job_queue is None:
        return
    for name in (PRUNE_JOB, TAKE_OVER_JOB):
        for job in job_queue.get_jobs_by_name(name):
            job.schedule_removal()
    job_queue.run_repeating(prune_job, interval=PRUNE_EVERY, first=0, name=PRUNE_JOB)
    job_queue.run_repeating(
        take_over_job, interval=TAKE_OVER_EVERY, first=TAKE_OVER_EVERY, name=TAKE_OVER_JOB
    )
