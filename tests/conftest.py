"""Fixtures, and a watch over every log record of the run: none may contain the bot token."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.logs import RedactingFormatter, quiet_noisy_loggers
from tests.support.backends import (
    bot_tests_use_postgres,
    drop_created_databases,
    postgres_admin_url,
)
from tests.support.kit import TEST_TOKEN, BotHarness
from tests.support.processes import BENCH_TOKEN


class TokenWatch(logging.Handler):
    """Sees every record of the whole run, through the bot's own log formatter, and keeps leaks.

    python-telegram-bot itself logs the API URL (token included) at DEBUG, so the formatter must
    scrub it; at INFO and above nothing may carry the token even before scrubbing.
    """

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(RedactingFormatter(WATCHED_TOKENS))
        self.raw = logging.Formatter("%(name)s %(levelname)s %(message)s")
        self.records = 0
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records += 1
        texts = [self.format(record)]
        if record.levelno >= logging.INFO:
            texts.append(self.raw.format(record))
        if any(contains_token(text) for text in texts):
            self.leaks.append(texts[-1][:300])


# The bot's token in tests, and the one the bot processes started by tests run with.
WATCHED_TOKENS = (TEST_TOKEN, BENCH_TOKEN)


def contains_token(text: str) -> bool:
    return any(token in text or token.split(":", 1)[1] in text for token in WATCHED_TOKENS)


TOKEN_WATCH = TokenWatch()


def pytest_configure(config: pytest.Config) -> None:
    root = logging.getLogger()
    root.addHandler(TOKEN_WATCH)
    root.setLevel(logging.DEBUG)
    quiet_noisy_loggers("DEBUG")  # as the bot does in production


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if TOKEN_WATCH.leaks:
        print("\nThe bot token appeared in the logs:\n" + "\n".join(TOKEN_WATCH.leaks))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(
        f"token watch: {TOKEN_WATCH.records} log records checked, "
        f"{len(TOKEN_WATCH.leaks)} contained the bot token"
    )


def pytest_report_header(config: pytest.Config) -> str:
    backend = "PostgreSQL" if bot_tests_use_postgres() else "SQLite"
    server = "configured" if postgres_admin_url() else "not configured"
    return f"pumpbot: bot tests on {backend}; PostgreSQL server {server}"


@pytest.fixture(autouse=True)
def _drop_test_databases() -> Iterator[None]:
    """Drop the PostgreSQL databases a test made (set up first, so torn down last)."""
    yield
    drop_created_databases()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))


@pytest.fixture
async def bot(tmp_path: Path, clock: FakeClock) -> AsyncIterator[BotHarness]:
    harness = await BotHarness(tmp_path, clock).start()
    yield harness
    await harness.stop()
