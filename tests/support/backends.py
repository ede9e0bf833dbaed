"""Which database the tests run on: SQLite by default, PostgreSQL when a server is configured.

    PUMPBOT_TEST_POSTGRES_URL=postgresql://user:pass@127.0.0.1:5432/postgres  (a role that may
        create databases; tests make one database each and drop it afterwards)
    PUMPBOT_TEST_BACKEND=postgresql   run the bot's tests on PostgreSQL instead of SQLite

Without a server, PostgreSQL-only tests are skipped with a message; in CI (CI=true) they fail.
"""

from __future__ import annotations

import hashlib
import os
import time
import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.config import database_url_from
from tests.support.ci import in_ci

POSTGRES_ENV = "PUMPBOT_TEST_POSTGRES_URL"
BACKEND_ENV = "PUMPBOT_TEST_BACKEND"
SKIP_MESSAGE = (
    f"PostgreSQL tests skipped: no server configured. Set {POSTGRES_ENV} to a PostgreSQL URL "
    "whose role can create databases (.ci/run starts one)."
)

created_databases: list[str] = []


def postgres_admin_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV)
    return database_url_from(url, Path(".")) if url else None


def require_postgres() -> str:
    """The admin URL, or skip (locally) / fail (in CI) when no server is configured."""
    url = postgres_admin_url()
    if url is None:
        if in_ci():
            pytest.fail(f"{POSTGRES_ENV} must be set in CI")
        pytest.skip(SKIP_MESSAGE)
    return url


def bot_tests_use_postgres() -> bool:
    return os.environ.get(BACKEND_ENV, "sqlite") == "postgresql"


def postgres_database(key: str) -> str:
    """A database of its own for `key` (the same key gives the same database), created empty."""
    admin = require_postgres()
    name = "t_" + hashlib.sha1(key.encode()).hexdigest()[:20]
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            created_databases.append(name)
    engine.dispose()
    return str(sa.make_url(admin).set(database=name).render_as_string(hide_password=False))


def drop_created_databases() -> None:
    admin = postgres_admin_url()
    if admin is None or not created_databases:
        return
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        while created_databases:
            name = created_databases.pop()
            # FORCE ends our own lingering connections; an autovacuum worker (another role's
            # process) may refuse, so try again briefly and at worst leave the database behind.
            for attempt in range(5):
                try:
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    break
                except sa.exc.DBAPIError:
                    time.sleep(0.2 * (attempt + 1))
            else:
                warnings.warn(f"could not drop the test database {name}", stacklevel=1)
    engine.dispose()


def database_url_for(tmp_path: Path) -> str:
    """The database a test's bot uses: a file in tmp_path, or a PostgreSQL database of its own."""
    if bot_tests_use_postgres():
        return postgres_database(str(tmp_path))
    return f"sqlite:///{tmp_path / 'pumpbot.sqlite3'}"
