"""Two feeds at the same moment, from two connections (two family members, two instances),
never take the same milk twice: on SQLite, and on PostgreSQL when a server is configured."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.feedbook import FeedOrder, apply_feed
from bot.storage.db import Database
from bot.storage.models import Chat, FeedTake, StashPortion
from bot.storage.repo import FeedRepo, StashRepo
from tests.support.backends import postgres_database

CHAT = 501
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
PORTIONS = 24  # of 10 ml each: one feed of 10 ml takes exactly one
FEEDS_EACH = 12


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'race.sqlite3'}"
    return postgres_database(f"{tmp_path}-feed-race")


def stock(db: Database) -> None:
    with db.session() as session:
        session.add(Chat(id=CHAT, language="en", timezone="Europe/Oslo"))
        session.flush()
        repo = StashRepo(session, CHAT)
        for n in range(PORTIONS):
            pumped = NOW - timedelta(hours=PORTIONS - n)
            repo.add(
                StashPortion(
                    chat_id=CHAT,
                    place="fridge",
                    amount_ml=10.0,
                    pumped_at=pumped,
                    use_by=pumped + timedelta(days=4),
                    created_at=pumped,
                )
            )


def test_two_family_members_feeding_at_once_never_take_the_same_milk(url: str) -> None:
    setup = Database(url)
    setup.upgrade()
    stock(setup)
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def member(source_chat: int) -> None:
        db = Database(url)  # a connection pool of its own, like another instance
        try:
            start.wait()
            for n in range(FEEDS_EACH):
                order = FeedOrder(10.0, source_chat_id=source_chat, source_message_id=n + 1)
                apply_feed(db, CHAT, order, NOW)
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)
        finally:
            db.dispose()

    threads = [threading.Thread(target=member, args=(chat,)) for chat in (-1, -2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    with setup.session() as session:
        feeds = FeedRepo(session, CHAT).all()
        takes = session.exec(select(FeedTake)).all()
        left = StashRepo(session, CHAT).stored()
    setup.dispose()
    assert len(feeds) == 2 * FEEDS_EACH
    assert all(feed.from_stash_ml == 10.0 for feed in feeds), "each feed got its own milk"
    assert sorted(take.portion_id for take in takes) == list(range(1, PORTIONS + 1))
    assert left == []
