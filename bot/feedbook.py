"""Bottle feeds' one write path: `give_feed` logs a feed and takes its milk from the stash,
`undo_feed` puts exactly that milk back, and both announce the stash's change
(`services.stash_changed`, which reschedules the morning note). The /feed command and typed
feeds call these; an import's feeds (history, which takes no milk) are added and removed in the
import's own transaction by `add_imported_feeds` and `remove_imported_feeds`. Nothing else
writes feeds.

Which milk a feed takes is `bot.domain.feeds.plan_feed`'s call. Each write is one
transaction that first locks the stash (`StashRepo.lock`), so two feeds at the same moment
(two family members, two instances) take turns; and every portion is changed only if it is
still as it was read (a conditional update), so no milk is ever taken twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel import Session

from bot.domain.chats import ChatSettings
from bot.domain.feed_export import feeds_csv
from bot.domain.feeds import (
    FEED_DAYS,
    DailyFeeds,
    FeedPlan,
    daily_feeds,
    fed_by_day,
    feed_amount_ok,
    leftover_use_by,
    plan_feed,
)
from bot.domain.imports import ImportFeed
from bot.domain.stash import PortionState
from bot.services import PumpApplication, Services
from bot.storage.db import Database
from bot.storage.models import Feed, FeedTake, StashPortion
from bot.storage.repo import FeedRepo, StashRepo

NAME_MAX_CHARS = 128
ATTEMPTS = 3  # a portion changed under a feed (it cannot, with the lock) is read again


class Outcome(StrEnum):
    FED = "fed"
    REPEAT = "repeat"  # the same message again (a redelivery): handled once already
    AMOUNT_RANGE = "amount_range"
    UNDONE = "undone"
    GONE = "gone"  # undone already, or not this stash's feed (forged button data)


@dataclass(frozen=True)
class FeedOrder:
    amount_ml: float
    fed_by_name: str | None = None
    # The chat and message asking for it: the same message is handled once.
    source_chat_id: int | None = None
    source_message_id: int | None = None


@dataclass(frozen=True)
class FeedOutcome:
    """What happened: the feed, the plan it followed, and the portions it split (with their
    shortened use-by); for an undo, the milk put back."""

    kind: Outcome
    feed: Feed | None = None
    plan: FeedPlan | None = None
    leftovers: tuple[StashPortion, ...] = ()
    restored_ml: float = 0.0

    @property
    def changed(self) -> bool:
        return self.kind in (Outcome.FED, Outcome.UNDONE)


class StashMoved(Exception):
    """A portion was no longer as read: the whole feed is rolled back and planned again."""


async def give_feed(
    application: PumpApplication, stash_chat_id: int, order: FeedOrder
) -> FeedOutcome:
    """Log a feed against the stash of `stash_chat_id` and announce the change."""
    services: Services = application.bot_data["services"]
    now = services.clock.now()
    # Off the event loop: waiting for the stash's lock must not hold up other chats.
    outcome = await asyncio.to_thread(apply_feed, services.db, stash_chat_id, order, now)
    if outcome.changed and outcome.plan is not None and outcome.plan.takes:
        await services.stash_changed(application, stash_chat_id)
    return outcome


async def undo_feed(application: PumpApplication, stash_chat_id: int, feed_id: int) -> FeedOutcome:
    """Remove a feed and put its milk back exactly; announce the change."""
    services: Services = application.bot_data["services"]
    outcome = await asyncio.to_thread(apply_undo, services.db, stash_chat_id, feed_id)
    if outcome.changed and outcome.restored_ml:
        await services.stash_changed(application, stash_chat_id)
    return outcome


def apply_feed(db: Database, stash_chat_id: int, order: FeedOrder, now: datetime) -> FeedOutcome:
    """The write itself, in one transaction (no announcement: call `give_feed`)."""
    if not feed_amount_ok(order.amount_ml):
        return FeedOutcome(Outcome.AMOUNT_RANGE)
    for attempt in range(ATTEMPTS):
        try:
            with db.session() as session:
                return _feed(session, stash_chat_id, order, now)
        except StashMoved:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _feed(session: Session, chat_id: int, order: FeedOrder, now: datetime) -> FeedOutcome:
    stash, feeds = StashRepo(session, chat_id), FeedRepo(session, chat_id)
    stash.lock()
    if handled_before(feeds, order):
        return FeedOutcome(Outcome.REPEAT)
    plan = plan_feed(stash.ready(now), order.amount_ml, now, stash.frozen_ml(now))
    takes: list[FeedTake] = []
    leftovers: list[StashPortion] = []
    for take in plan.takes:
        portion = take.portion
        before = portion.use_by
        if take.whole:
            if not stash.take(portion, state=PortionState.USED, closed_at=now):
                raise StashMoved
            takes.append(
                FeedTake(
                    chat_id=chat_id,
                    feed_id=0,
                    portion_id=portion.id or 0,
                    amount_ml=take.amount_ml,
                    use_by_before=before,
                )
            )
            continue
        left_ml = round(portion.amount_ml - take.amount_ml, 1)
        if not stash.take(portion, amount_ml=left_ml, use_by=leftover_use_by(portion, now)):
            raise StashMoved
        used = stash.add(
            StashPortion(
                chat_id=chat_id,
                place=portion.place,
                state=PortionState.USED,
                amount_ml=take.amount_ml,
                pumped_at=portion.pumped_at,
                thawed_at=portion.thawed_at,
                use_by=before,
                session_id=portion.session_id,
                added_by_name=portion.added_by_name,
                created_at=now,
                closed_at=now,
            )
        )
        leftovers.append(portion)
        takes.append(
            FeedTake(
                chat_id=chat_id,
                feed_id=0,
                portion_id=portion.id or 0,
                used_portion_id=used.id,
                amount_ml=take.amount_ml,
                use_by_before=before,
            )
        )
    feed = feeds.add(
        Feed(
            chat_id=chat_id,
            fed_at=now,
            amount_ml=round(order.amount_ml, 1),
            from_stash_ml=round(plan.from_stash_ml, 1),
            fed_by_name=(order.fed_by_name or "")[:NAME_MAX_CHARS] or None,
            source_chat_id=order.source_chat_id,
            source_message_id=order.source_message_id,
            created_at=now,
        ),
        takes,
    )
    return FeedOutcome(Outcome.FED, feed, plan, tuple(leftovers))


def add_imported_feeds(
    session: Session,
    chat_id: int,
    import_id: int,
    feeds: Sequence[ImportFeed],
    fed_by_name: str | None,
    now: datetime,
) -> None:
    """An import's bottle feeds, in the import's transaction: history, so they take no milk
    from the stash (`from_stash_ml` 0) and an undo of the import removes them in one delete.
    They count towards the days the stash covers like any feed."""
    FeedRepo(session, chat_id).add_many(
        [
            {
                "chat_id": chat_id,
                "fed_at": feed.fed_at,
                "amount_ml": round(feed.amount_ml, 1),
                "from_stash_ml": 0.0,
                "fed_by_name": fed_by_name,
                "import_id": import_id,
                "created_at": now,
            }
            for feed in feeds
        ]
    )


def remove_imported_feeds(session: Session, chat_id: int, import_id: int) -> int:
    """Remove the feeds an import added, in the import's undo transaction; how many. They took
    no milk, so the stash stays as it is."""
    return FeedRepo(session, chat_id).delete_import(import_id)


def handled_before(feeds: FeedRepo, order: FeedOrder) -> bool:
    """Whether the message asking for this feed already made one (delivered again)."""
    chat_id, message_id = order.source_chat_id, order.source_message_id
    if chat_id is None or message_id is None:
        return False
    return feeds.by_source(chat_id, message_id) is not None


def apply_undo(db: Database, stash_chat_id: int, feed_id: int) -> FeedOutcome:
    """Put a feed's milk back as it was, and remove the feed, in one transaction: a whole
    portion is stored again; a split one gets its part back and its use-by as before. If what
    was left of a split portion has since been used or thrown out, the part the feed took comes
    back as a portion of its own, with its old use-by."""
    with db.session() as session:
        stash, feeds = StashRepo(session, stash_chat_id), FeedRepo(session, stash_chat_id)
        stash.lock()
        feed = feeds.get(feed_id)
        if feed is None:
            return FeedOutcome(Outcome.GONE)
        restored = 0.0
        for take in feeds.takes(feed_id):
            portion = stash.get(take.portion_id)
            used = stash.get(take.used_portion_id) if take.used_portion_id else None
            if take.used_portion_id is None and portion is not None:
                stash.restore(portion, amount_ml=portion.amount_ml, use_by=take.use_by_before)
            elif portion is not None and portion.state == PortionState.STORED:
                amount = round(portion.amount_ml + take.amount_ml, 1)
                stash.restore(portion, amount_ml=amount, use_by=take.use_by_before)
                if used is not None:
                    stash.delete(used)
            elif used is not None:
                stash.restore(used, amount_ml=used.amount_ml, use_by=take.use_by_before)
            else:
                continue
            restored += take.amount_ml
        if not feeds.delete(feed):
            return FeedOutcome(Outcome.GONE)
        return FeedOutcome(Outcome.UNDONE, feed, restored_ml=restored)


# -- reading ---------------------------------------------------------------------------------


def recent_feeds(session: Session, chat_id: int, now: datetime) -> DailyFeeds | None:
    """What the baby drank a day from the bottle over the last days (`daily_feeds`), inside
    the caller's transaction; None with less than a day of feeds."""
    feeds = FeedRepo(session, chat_id)
    since = now - timedelta(days=FEED_DAYS)
    return daily_feeds(feeds.amounts_since(since), feeds.first_fed_at(), now)


def fed_in(
    db: Database, settings: ChatSettings, start: datetime, end: datetime
) -> dict[date, float]:
    """Millilitres fed from the bottle on each of the parent's days between `start` and
    `end`; empty when no feed was logged then."""
    with db.session() as session:
        feeds = FeedRepo(session, settings.id).between(start, end)
        pairs = ((feed.fed_at, feed.amount_ml) for feed in feeds)
        return fed_by_day(pairs, settings.tz, settings.day_start)


def export_feeds(db: Database, settings: ChatSettings) -> tuple[int, bytes]:
    """Every feed of the chat's stash as CSV (`bot.domain.feed_export`), and how many; (0, b"")
    when there are none. Run it on a worker thread, like the log's."""
    with db.session() as session:
        feeds = list(FeedRepo(session, settings.id).all())
    if not feeds:
        return 0, b""
    return len(feeds), feeds_csv(feeds, settings.tz, settings.language)
