"""The inbox table's SQL: store an update once, list what is unhandled, mark handled, prune.

Plain functions over a Database; bot/inbox.py builds the durable inbox on them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from bot.storage.db import Database
from bot.storage.models import InboxUpdate

INBOX = InboxUpdate.__table__  # type: ignore[attr-defined]
INBOX_FIELDS = ("update_id", "chat_id", "payload", "received_at", "attempts")


@dataclass(frozen=True)
class Unhandled:
    update_id: int
    payload: str
    attempts: int


def store_update(
    db: Database, update_id: int, chat_id: int | None, payload: str, now: datetime
) -> bool:
    """Store an update unless its id is already there; True if it is new (so to be handled).

    A known id is a redelivery: the update is being handled, or was, so it is not handled again.
    """
    with db.engine.begin() as connection:
        return _store_on(connection, update_id, chat_id, payload, now)


def store_updates(
    db: Database, updates: Sequence[tuple[int, int | None, str]], now: datetime
) -> set[int]:
    """`store_update` for several (update id, chat id, payload), in one transaction; the ids
    that were new."""
    with db.engine.begin() as connection:
        return {
            update_id
            for update_id, chat_id, payload in updates
            if _store_on(connection, update_id, chat_id, payload, now)
        }


def store_update_in(
    session: Session, update_id: int, chat_id: int | None, payload: str, now: datetime
) -> bool:
    """`store_update` in the caller's transaction (a typed message's unit of work stores its
    own update, `bot.inbox.Pending`)."""
    return _store_on(session.connection(), update_id, chat_id, payload, now)


def _store_on(
    connection: sa.Connection, update_id: int, chat_id: int | None, payload: str, now: datetime
) -> bool:
    values = {
        "update_id": update_id,
        "chat_id": chat_id,
        "payload": payload,
        "received_at": now,
        "attempts": 0,
    }
    statement = _STORE[connection.dialect.name == "sqlite"]
    return connection.execute(statement, values).first() is not None


# Built once, with bound parameters: they run for every update (see bot/storage/repo.py).
_STORE = {
    is_sqlite: (sqlite if is_sqlite else postgresql)
    .insert(INBOX)
    .values({name: sa.bindparam(name) for name in INBOX_FIELDS})
    .on_conflict_do_nothing()
    .returning(INBOX.c.update_id)  # a row back only if inserted (rowcount varies by driver)
    for is_sqlite in (True, False)
}
_HANDLED = (
    sa.update(INBOX)
    .where(INBOX.c.update_id == sa.bindparam("id"), INBOX.c.handled_at.is_(None))
    .values(handled_at=sa.bindparam("now"), payload=None)
)


def take_unhandled(
    db: Database, now: datetime, waited: timedelta | None = None, leave: Collection[int] = ()
) -> list[Unhandled]:
    """Take every update not handled, oldest first, each counted as one more attempt: all of
    them, or only those received (or last taken) at least `waited` ago; never those in `leave`.

    Taking is a compare-and-set on `attempts`, so when two instances look at once each update
    goes to one of them; and it stamps `taken_at`, so another instance leaves it for `waited`.
    """
    query = sa.select(INBOX.c.update_id, INBOX.c.payload, INBOX.c.attempts).where(
        INBOX.c.handled_at.is_(None)
    )
    if waited is not None:
        query = query.where(sa.func.coalesce(INBOX.c.taken_at, INBOX.c.received_at) <= now - waited)
    with db.engine.begin() as connection:
        rows = connection.execute(query.order_by(INBOX.c.update_id)).all()
    taken = []
    for update_id, payload, attempts in rows:
        if update_id in leave:
            continue
        with db.engine.begin() as connection:
            claimed = connection.execute(
                sa.update(INBOX)
                .where(
                    INBOX.c.update_id == update_id,
                    INBOX.c.attempts == attempts,
                    INBOX.c.handled_at.is_(None),
                )
                .values(attempts=attempts + 1, taken_at=now)
            ).rowcount
        if claimed == 1:
            taken.append(Unhandled(update_id, payload or "{}", attempts + 1))
    return taken


def mark_handled(db: Database, update_id: int, now: datetime) -> None:
    """Handled: the text goes at once (health data), the id stays for `prune_handled`."""
    with db.engine.begin() as connection:
        connection.execute(_HANDLED, {"id": update_id, "now": now})


def mark_handled_in(session: Session, update_id: int, now: datetime) -> None:
    """`mark_handled` in the caller's transaction (the update's last write, `bot.inbox.finish`)."""
    session.connection().execute(_HANDLED, {"id": update_id, "now": now})


def prune_handled(db: Database, handled_before: datetime) -> int:
    """Delete the rows of updates handled before that moment; the number deleted."""
    with db.engine.begin() as connection:
        result = connection.execute(sa.delete(INBOX).where(INBOX.c.handled_at < handled_before))
        return result.rowcount


def inbox_rows(db: Database) -> list[dict[str, object]]:
    """Every row as a dict, for tests and diagnostics."""
    with db.engine.connect() as connection:
        rows = connection.execute(sa.select(INBOX).order_by(INBOX.c.update_id))
        return [dict(row._mapping) for row in rows]
