"""The database: engine set-up per back end, one session per unit of work, schema upgrades.

The units of work and the inbox's writes (`work`, `run`) have worker threads of their own
(`UNIT_THREADS`), apart from asyncio's default pool, where charts wait for their drawing, the
export and the report read a year of logs and imports parse their files: a parent's log never
queues behind those for a thread (issue 23, `python -m bench --only contention`).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlmodel import Session

T = TypeVar("T")
# Threads for units of work and inbox writes. The work is mostly Python under one GIL, so
# more threads would not make it faster. On PostgreSQL a few overlap their round trips (each
# holds a pooled connection: the pool is 5 plus 10 overflow). SQLite takes one writer at a
# time, and a second thread wanting to write sleeps in SQLite's busy handler (1, 2, 5, 10 ms
# ...): under the ingest bench a seventh of the units of work's time went to those sleeps.
UNIT_THREADS = {"sqlite": 1, "postgresql": 4}
MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers and the writer work at once; foreign keys make deletes cascade.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_db_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        database = sa.make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def alembic_config(engine: sa.Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


class Database:
    """Owns the engine; `session()` is one transaction, committed on success."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_db_engine(url)
        self.executor: ThreadPoolExecutor | None = None  # made on the first unit of work
        self._together: list[tuple[Callable[[Session], Any], asyncio.Future[Any]]] = []
        self._together_task: asyncio.Task[None] | None = None

    def upgrade(self, revision: str = "head") -> None:
        command.upgrade(alembic_config(self.engine), revision)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def check(self) -> None:
        """Raise unless the database answers now, on a connection of its own.

        A pooled SQLite connection would still read a file deleted under it (its data then
        goes nowhere); a fresh one opens the file at its path, so a removed file or directory
        is found. PostgreSQL's pool tests each connection before use (pool_pre_ping)."""
        database = self.engine.url.database
        if self.engine.dialect.name == "sqlite" and database and database != ":memory:":
            connection = sqlite3.connect(f"file:{database}?mode=rw", uri=True, timeout=2)
            try:
                connection.execute("PRAGMA schema_version").fetchone()
            finally:
                connection.close()
            return
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    async def work(self, unit: Callable[[Session], T]) -> T:
        """One unit of work off the event loop: `unit` runs on a worker thread with one session,
        committed when it returns. A handler's reads and writes for one update go in one such
        call, so the loop never waits on the database and an update costs one transaction."""
        return await self.run(self._work, unit)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on one of the units of work's threads (as `asyncio.to_thread` does, with
        the caller's context variables), not on the default pool that slow work shares."""
        if self.executor is None:
            threads = UNIT_THREADS.get(self.engine.dialect.name, 4)
            self.executor = ThreadPoolExecutor(threads, thread_name_prefix="unit-of-work")
        call = functools.partial(contextvars.copy_context().run, fn, *args)
        return await asyncio.get_running_loop().run_in_executor(self.executor, call)

    async def work_together(self, unit: Callable[[Session], T]) -> T:
        """`work` for a short unit that may share its transaction with others: the units asked
        for while one transaction of them is under way go together in the next, one after
        another on the worker thread (a group commit). Alone, a unit runs at once.

        Why: under load, a typed message's unit of work and a log's last write (the
        confirmation's id with the inbox's handled mark) each cost a hand-off to the worker
        thread and a commit. The hand-offs were the dearer part: every sqlite3 or psycopg call
        lets go of Python's lock, and with the event loop waiting for it the two threads
        traded it dozens of times a log. In the ingest scenario at 200 logs a second
        (2026-12-06, 2-core VM, quiet) a log cost the bot process 4.5 ms of CPU with a hand-off
        a unit, 3.6-3.7 ms with the units run together (3.5-3.7 ms with the units run on the
        event loop itself, as an experiment); on PostgreSQL 200 a second no longer failed.
        Units of one chat never share a transaction: the chat's next update waits for this
        one. If a shared transaction fails, each unit runs again alone, so an error is its
        own unit's; a unit must be safe to run again (it is rolled back first)."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        context = contextvars.copy_context()
        self._together.append((functools.partial(context.run, unit), future))
        if self._together_task is None:
            self._together_task = asyncio.create_task(self._run_together())
        return await future

    async def _run_together(self) -> None:
        try:
            while self._together:
                batch, self._together = self._together, []
                units = [unit for unit, _future in batch]
                try:
                    results = await self.run(self._work_all, units)
                except Exception:  # rolled back: each alone, so an error is its unit's own
                    await self._one_by_one(batch)
                    continue
                for (_unit, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
        finally:
            self._together_task = None

    async def _one_by_one(self, batch: list[tuple[Callable[[Session], Any], Any]]) -> None:
        for unit, future in batch:
            try:
                result = await self.run(self._work, unit)
            except Exception as error:  # the caller's to handle, as with `work`
                if not future.done():
                    future.set_exception(error)
                continue
            if not future.done():
                future.set_result(result)

    def _work_all(self, units: list[Callable[[Session], T]]) -> list[T]:
        with self.session() as session:
            return [unit(session) for unit in units]

    def _work(self, unit: Callable[[Session], T]) -> T:
        with self.session() as session:
            return unit(session)

    def dispose(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True)
            self.executor = None
        self.engine.dispose()
