"""Filling a benchmark database fast: many chats with active reminder plans, inserted in bulk.

The schema comes from the bot's own migrations. The rows go in the fastest way each back end
has: PostgreSQL's COPY (a million plans in seconds), and on SQLite one transaction of
`executemany` on the driver's cursor with plain tuples (SQLAlchemy's parameter handling per
row would take most of a minute for a million).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.leadership import PLANS_CHANNEL, libpq_url
from bot.storage.db import Database
from bot.storage.models import ReminderPlan

INTERVAL = timedelta(hours=3)
BATCH = 50_000

CHAT_COLUMNS = (
    "id",
    "language",
    "timezone",
    "unit",
    "exclusive_pumping",
    "created_at",
    "updated_at",
)
# Every 3 hours day and night (no quiet hours, so the time of day of the run can't hold
# reminders back), owed one reminder at `due`.
PLAN_COLUMNS = (
    "chat_id",
    "enabled",
    "preset",
    "kind",
    "interval_min",
    "night_start",
    "night_end",
    "timezone",
    "counted_from",
    "next_due_at",
    "attempts",
    "power_step",
    "created_at",
    "updated_at",
)


def _naive(moment: datetime) -> datetime:
    """Times are stored as naive UTC (bot.storage.models.UTCDateTime)."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _rows(
    chat_ids: Iterable[int], due_for: Callable[[int], datetime], now: datetime
) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    stamp = _naive(now)
    minutes = int(INTERVAL.total_seconds() // 60)
    for chat_id in chat_ids:
        due = due_for(chat_id)
        chat = (chat_id, "en" if chat_id % 2 else "nb", "Europe/Oslo", "ml", False, stamp, stamp)
        plan = (
            chat_id,
            True,
            "custom",
            "interval",
            minutes,
            None,
            None,
            "Europe/Oslo",
            _naive(due - INTERVAL),
            _naive(due),
            0,
            0,
            stamp,
            stamp,
        )
        yield chat, plan


def _copy_postgres(database_url: str, rows: Callable[[], Iterator[Any]]) -> None:
    """COPY the chats, then the plans (`rows()` gives the pairs again for the second table)."""
    import psycopg

    tables = (("chats", CHAT_COLUMNS), ("reminder_plans", PLAN_COLUMNS))
    with psycopg.connect(libpq_url(database_url)) as connection, connection.cursor() as cursor:
        for index, (table, columns) in enumerate(tables):
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for pair in rows():
                    copy.write_row(pair[index])


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):  # SQLAlchemy's SQLite format, microseconds always written
        return value.isoformat(sep=" ", timespec="microseconds")
    return int(value) if isinstance(value, bool) else value


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _insert_sqlite(db: Database, rows: Iterator[tuple[tuple[Any, ...], ...]]) -> None:
    chat_sql = _insert_sql("chats", CHAT_COLUMNS)
    plan_sql = _insert_sql("reminder_plans", PLAN_COLUMNS)
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        batch: list[tuple[tuple[Any, ...], ...]] = []
        for pair in rows:
            batch.append(pair)
            if len(batch) >= BATCH:
                _flush_sqlite(cursor, chat_sql, plan_sql, batch)
        _flush_sqlite(cursor, chat_sql, plan_sql, batch)
        connection.commit()  # one transaction for the whole seed
    finally:
        connection.close()


def _flush_sqlite(cursor: Any, chat_sql: str, plan_sql: str, batch: list[Any]) -> None:
    cursor.executemany(chat_sql, [tuple(map(_sqlite_value, chat)) for chat, _plan in batch])
    cursor.executemany(plan_sql, [tuple(map(_sqlite_value, plan)) for _chat, plan in batch])
    batch.clear()


def seed_plans(
    database_url: str, chat_ids: Iterable[int], due_for: Callable[[int], datetime]
) -> int:
    """Migrate the database, then add a chat and an enabled interval plan for each id, owed a
    reminder at `due_for(chat_id)`. Returns the number of chats."""
    db = Database(database_url)
    try:
        db.upgrade()
        ids = list(chat_ids)
        now = datetime.now(UTC)
        if database_url.startswith("postgresql"):
            _copy_postgres(database_url, lambda: _rows(ids, due_for, now))
        else:
            _insert_sqlite(db, _rows(ids, due_for, now))
        return len(ids)
    finally:
        db.dispose()


def bring_forward(url: str, chats: Iterable[int], due: datetime) -> None:
    """Make every reminder due at `due`, and announce each change to the leader as a follower
    does (NOTIFY, PostgreSQL): instances start slowly on a busy machine, so a fan-out is set
    off only once all are up."""
    plans = ReminderPlan.__table__  # type: ignore[attr-defined]
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.update(plans).values(next_due_at=due, counted_from=due - INTERVAL))
        for chat in chats:
            connection.execute(sa.select(sa.func.pg_notify(PLANS_CHANNEL, str(chat))))
    engine.dispose()
