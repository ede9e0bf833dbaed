"""Filling a benchmark database fast: many chats with active reminder plans, inserted in bulk.

The schema comes from the bot's own migrations; rows go in through SQLAlchemy Core
`executemany`, which writes 100,000 plans in a couple of seconds where the ORM would take
minutes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.storage.db import Database
from bot.storage.models import Chat, ReminderPlan

INTERVAL = timedelta(hours=3)
BATCH = 10_000


def interval_plan(chat_id: int, due: datetime, now: datetime) -> dict[str, object]:
    """Every 3 hours day and night (no quiet hours, so the time of day of the run can't hold
    reminders back), owed one reminder at `due`."""
    return {
        "chat_id": chat_id,
        "enabled": True,
        "preset": "custom",
        "kind": "interval",
        "interval_min": int(INTERVAL.total_seconds() // 60),
        "night_start": None,
        "night_end": None,
        "timezone": "Europe/Oslo",
        "counted_from": due - INTERVAL,
        "next_due_at": due,
        "attempts": 0,
        "power_step": 0,
        "created_at": now,
        "updated_at": now,
    }


def seed_plans(
    database_url: str, chat_ids: Iterable[int], due_for: Callable[[int], datetime]
) -> int:
    """Migrate the database, then add a chat and an enabled interval plan for each id, owed a
    reminder at `due_for(chat_id)`. Returns the number of chats."""
    db = Database(database_url)
    try:
        db.upgrade()
        now = datetime.now(UTC)
        chats = Chat.__table__  # type: ignore[attr-defined]
        plans = ReminderPlan.__table__  # type: ignore[attr-defined]
        ids = list(chat_ids)
        with db.engine.begin() as connection:
            for start in range(0, len(ids), BATCH):
                batch = ids[start : start + BATCH]
                connection.execute(
                    sa.insert(chats),
                    [
                        {
                            "id": chat_id,
                            "language": "en" if chat_id % 2 else "nb",
                            "timezone": "Europe/Oslo",
                            "unit": "ml",
                            "exclusive_pumping": False,
                            "created_at": now,
                            "updated_at": now,
                        }
                        for chat_id in batch
                    ],
                )
                connection.execute(
                    sa.insert(plans),
                    [interval_plan(chat_id, due_for(chat_id), now) for chat_id in batch],
                )
        return len(ids)
    finally:
        db.dispose()
