"""SQLite serves one process: a second `python -m bot` on the same file is refused at start
with one clear line, and the first goes on; once the first is gone (even killed), a new one
starts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.leadership import AnotherInstance, hold_sqlite_lock, sqlite_lock_path
from tests.support.fakeserver import FakeBotApiServer
from tests.support.processes import bot_env, start_process, stop_process_async

TIMEOUT = 60.0


def test_the_lock_is_refused_to_a_second_holder_and_freed_when_closed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    first = hold_sqlite_lock(url)
    assert first is not None
    with pytest.raises(AnotherInstance) as refused:
        hold_sqlite_lock(url)
    assert refused.value.lock_path == tmp_path / "bot.sqlite3.lock"
    first.close()
    again = hold_sqlite_lock(url)
    assert again is not None
    again.close()


def test_postgresql_and_memory_databases_need_no_lock_file() -> None:
    assert sqlite_lock_path("postgresql+psycopg://u:p@h/db") is None
    assert sqlite_lock_path("sqlite:///:memory:") is None


@pytest.mark.slow  # starts bot processes
async def test_a_second_bot_process_on_the_same_sqlite_file_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    server = await FakeBotApiServer().start()
    env = bot_env(server.base_url, server.file_url, f"sqlite:///{database}", LOG_LEVEL="INFO")
    first_log = tmp_path / "first.log"
    first = start_process(["-m", "bot"], env, first_log)
    try:
        await server.telegram.wait_for(
            lambda calls: any(c.method == "getUpdates" for c in calls), TIMEOUT
        )
        second = start_process(["-m", "bot"], env, tmp_path / "second.log")
        status = await _wait(second)
        output = (tmp_path / "second.log").read_text()
        assert status == 2
        assert output.strip().splitlines()[-1:] == [
            f"pumpbot cannot start: another pumpbot process is already using the SQLite "
            f"database {database} (it holds {database}.lock). SQLite serves one instance; "
            "stop the other one, or use PostgreSQL (DATABASE_URL) to run several."
        ]
        assert first.poll() is None, "the first process goes on"
        await stop_process_async(first, kill=True)  # the kernel frees the lock of a killed one
        third = start_process(["-m", "bot"], env, tmp_path / "third.log")
        polls = sum(1 for c in server.telegram.calls if c.method == "getUpdates")
        await server.telegram.wait_for(
            lambda calls: sum(1 for c in calls if c.method == "getUpdates") > polls + 1, TIMEOUT
        )
        assert third.poll() is None
        await stop_process_async(third)
    finally:
        await stop_process_async(first)
        await server.stop()


async def _wait(process: subprocess.Popen[bytes]) -> int:
    import asyncio

    return await asyncio.to_thread(process.wait, TIMEOUT)
