"""What the metrics read from the database at a scrape: reminders owed and on the wire, and the
inbox's depth and oldest update, on the test's back end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage.db import Database
from bot.storage.inbox import mark_handled, store_update
from bot.storage.repo import HandoverRepo
from bot.storage.vitals import read_vitals
from tests.support.backends import database_url_for
from tests.support.seeding import seed_plans

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def test_vitals_count_what_is_owed_on_the_wire_and_waiting(tmp_path: Path) -> None:
    url = database_url_for(tmp_path)
    seed_plans(url, range(1, 4), lambda chat: NOW - timedelta(minutes=chat))  # owed
    seed_plans(url, range(10, 12), lambda _chat: NOW + timedelta(hours=1))  # not yet
    db = Database(url)
    try:
        with db.session() as session:
            HandoverRepo(session).claimed(1, NOW, NOW, "me")
            HandoverRepo(session).handed_over(1, "me", NOW)  # its request left
            HandoverRepo(session).claimed(2, NOW, NOW, "me")  # claimed, not yet sent
        store_update(db, 100, 1, "{}", NOW - timedelta(seconds=42))
        store_update(db, 101, 1, "{}", NOW - timedelta(seconds=7))
        store_update(db, 99, 2, "{}", NOW - timedelta(minutes=5))
        mark_handled(db, 99, NOW)
        vitals = read_vitals(db, NOW)
    finally:
        db.dispose()
    assert vitals.reminders_owed == 3
    assert vitals.reminders_on_the_wire == 1
    assert (vitals.inbox_depth, vitals.inbox_oldest_age) == (2, 42.0)
