"""Which process sends reminders: on PostgreSQL one leader among the instances, elected by an
advisory lock; on SQLite one process at all, held by a lock file.

PostgreSQL. Every instance answers parents; the leader also runs the scheduler (the reminder
jobs, the sweep, the power-pumping steps). The leader is the instance that holds a
session-level advisory lock (`pg_try_advisory_lock`) on a connection of its own, opened at
start and kept for the life of the process. PostgreSQL's lock manager decides, so there is no
consensus of our own: a lock has one holder. When the process dies, its connection closes and
PostgreSQL frees the lock at once; when its host vanishes without closing it, TCP keepalives
(set on both ends of the connection below) end it within about half a minute. The others ask
for the lock every second (`scheduler/leading.py`), so one of them leads within seconds.

A follower that changes a chat's plan (a log, a snooze, a new plan) tells the leader with
`NOTIFY` on `PLANS_CHANNEL`, carrying the chat id; the leader `LISTEN`s on its lock connection
and re-arms that chat's jobs from the database. A notification sent while nobody leads is
lost, which is harmless: a new leader reads every plan from the database when it takes over.

What a lost lock cannot break: reminders are still claimed with a compare-and-set in the
database (`scheduler/delivery.py`), so even two processes that both believed they lead (a
leader cut off from the database but still running) never send one reminder twice; and every
instance takes its turns to send from one grid in the database (`bot/ratelimit.py`), so they
never exceed Telegram's rate together.

SQLite. A second process on the same file would race the first (two schedulers, two pollers),
so `hold_sqlite_lock` takes an exclusive `flock` on a file beside the database, kept for the
life of the process; the kernel frees it when the process dies, however it dies.
"""

from __future__ import annotations

import fcntl
import logging
import os
import secrets
import socket
from pathlib import Path
from typing import IO, Protocol

import psycopg
import sqlalchemy as sa

log = logging.getLogger(__name__)

# The advisory lock's key: any fixed number; "pumpbot" in ASCII. Keys are per database.
LEADER_LOCK_KEY = 0x70756D70626F74
PLANS_CHANNEL = "pumpbot_plans"
# libpq's keepalives on our side, PostgreSQL's on the server's (settable per session): a dead
# peer is noticed after about idle + interval * count seconds.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5}
SERVER_KEEPALIVES = (
    "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3"
)


def new_instance_id() -> str:
    """This process's name in the database: host, pid and a few random characters (a pid may
    come again after a restart)."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}:{secrets.token_hex(3)}"


def libpq_url(database_url: str) -> str:
    """The SQLAlchemy URL (postgresql+psycopg://...) as libpq takes it."""
    url = sa.make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class Leadership(Protocol):
    """Whether this process leads; how a follower tells the leader about a changed plan."""

    shared: bool  # more than one process may run on this database
    leading: bool

    def try_lead(self) -> bool: ...

    def still_leading(self) -> bool: ...

    def changed_chats(self) -> set[int]: ...

    def announce_change(self, chat_id: int) -> None: ...

    def close(self) -> None: ...


class SoleInstance:
    """SQLite (and the tests' in-process bots): the only process, so always the leader."""

    shared = False
    leading = True

    def try_lead(self) -> bool:
        return True

    def still_leading(self) -> bool:
        return True

    def changed_chats(self) -> set[int]:
        return set()

    def announce_change(self, chat_id: int) -> None:
        return None

    def close(self) -> None:
        return None


class AdvisoryLockLeadership:
    """PostgreSQL: leads while it holds the advisory lock on its own connection."""

    shared = True

    def __init__(self, database_url: str, instance_id: str) -> None:
        self._conninfo = libpq_url(database_url)
        self._instance_id = instance_id
        self._connection: psycopg.Connection | None = None
        self.leading = False

    def _connect(self) -> psycopg.Connection:
        if self._connection is None or self._connection.closed:
            self._connection = psycopg.connect(
                self._conninfo,
                autocommit=True,
                connect_timeout=5,
                application_name=f"pumpbot {self._instance_id}"[:63],
                options=SERVER_KEEPALIVES,
                **KEEPALIVES,  # type: ignore[arg-type]
            )
        return self._connection

    def _lost(self, error: Exception) -> None:
        log.warning("The leadership connection to the database failed: %s", error)
        self.leading = False
        if self._connection is not None:
            self._connection.close()
        self._connection = None

    def try_lead(self) -> bool:
        if self.leading:
            return True
        try:
            connection = self._connect()
            row = connection.execute("SELECT pg_try_advisory_lock(%s)", (LEADER_LOCK_KEY,))
            if row.fetchone() == (True,):
                connection.execute(f"LISTEN {PLANS_CHANNEL}")
                self.leading = True
        except psycopg.Error as error:
            self._lost(error)
        return self.leading

    def still_leading(self) -> bool:
        """A round trip on the lock's connection: if it fails, the lock is gone with it."""
        if not self.leading or self._connection is None:
            return False
        try:
            self._connection.execute("SELECT 1")
        except psycopg.Error as error:
            self._lost(error)
        return self.leading

    def changed_chats(self) -> set[int]:
        """The chats followers announced since the last call."""
        if not self.leading or self._connection is None:
            return set()
        try:
            notes = list(self._connection.notifies(timeout=0))
        except psycopg.Error as error:
            self._lost(error)
            return set()
        return {int(note.payload) for note in notes if note.payload.lstrip("-").isdigit()}

    def announce_change(self, chat_id: int) -> None:
        try:
            self._connect().execute("SELECT pg_notify(%s, %s)", (PLANS_CHANNEL, str(chat_id)))
        except psycopg.Error as error:  # the leader's sweep finds the change within minutes
            self._lost(error)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()  # the lock goes with the session
        self._connection = None
        self.leading = False


def leadership_for(database_url: str, instance_id: str) -> Leadership:
    if database_url.startswith("postgresql"):
        return AdvisoryLockLeadership(database_url, instance_id)
    return SoleInstance()


class AnotherInstance(Exception):
    """Another process holds the SQLite database."""

    def __init__(self, lock_path: Path) -> None:
        super().__init__(str(lock_path))
        self.lock_path = lock_path


def sqlite_lock_path(database_url: str) -> Path | None:
    """The lock file beside a SQLite database file; None for PostgreSQL or in-memory."""
    if not database_url.startswith("sqlite"):
        return None
    database = sa.make_url(database_url).database
    if not database or database == ":memory:":
        return None
    return Path(database).with_name(Path(database).name + ".lock")


def hold_sqlite_lock(database_url: str) -> IO[str] | None:
    """Take the SQLite database's lock file for the life of this process (keep the returned
    file open); raise AnotherInstance if another process holds it."""
    path = sqlite_lock_path(database_url)
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise AnotherInstance(path) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")  # for the operator: which process holds it
    handle.flush()
    return handle
