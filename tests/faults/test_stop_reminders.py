"""A clean stop (SIGINT, as systemd and Ctrl-C send) in the middle of a reminder fan-out: the bot
stops within seconds instead of sending the whole fan-out first, and the restart sends the rest;
every parent gets exactly one reminder.

A real `python -m bot` against the fake Bot API over loopback, with Telegram's flood limits.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.backends import database_url_for
from tests.support.fakeserver import FakeBotApiServer, FloodLimits
from tests.support.processes import bot_env, start_process, stop_process_async
from tests.support.seeding import seed_plans

CHATS = range(8001, 8301)  # 300 reminders: about ten seconds at 29 a second
TIMEOUT = 90.0


async def test_a_stop_mid_fanout_is_quick_and_the_restart_sends_the_rest_once(
    tmp_path: Path,
) -> None:
    database_url = database_url_for(tmp_path)
    due = datetime.now(UTC) - timedelta(minutes=1)  # owed at start: the fan-out begins at once
    seed_plans(database_url, CHATS, lambda _chat: due)
    server = await FakeBotApiServer(limits=FloodLimits()).start()
    accepted = server.stats.accepted
    env = bot_env(server.base_url, server.file_url, database_url, LOG_LEVEL="INFO")
    first = start_process(["-m", "bot"], env, tmp_path / "first.log")
    second = None
    try:
        await server.telegram.wait_for(lambda _calls: len(accepted) >= 50, TIMEOUT)
        asked = time.monotonic()
        await stop_process_async(first)  # SIGINT, then wait for it to exit
        stopping = time.monotonic() - asked
        at_stop = len(accepted)
        second = start_process(["-m", "bot"], env, tmp_path / "second.log")
        await server.telegram.wait_for(lambda _calls: len(accepted) >= len(CHATS), TIMEOUT)
    finally:
        await stop_process_async(first, kill=True)
        if second is not None:
            await stop_process_async(second)
        await server.stop()
    assert stopping < 5.0  # the rest of the fan-out alone would take about 8 s
    assert at_stop < len(CHATS) - 100  # and it was left to the restart
    assert [chat for chat in CHATS if accepted[str(chat)] != 1] == []  # each exactly once
