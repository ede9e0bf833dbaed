"""`kill -9` in the middle of a reminder fan-out, then a restart on the same database: no
reminder is sent twice, and only those whose request was on the wire at the kill may be lost.

A real `python -m bot` against the fake Bot API over loopback (with Telegram's flood limits),
on the test's database (SQLite, or PostgreSQL with PUMPBOT_TEST_BACKEND=postgresql). Every plan
is owed a reminder when the bot starts, so it fans out at once; it is killed after a third.
The restarted bot sends what was claimed but never handed over, and logs how many were on the
wire; the test checks the lost ones against that count.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.backends import database_url_for
from tests.support.fakeserver import FakeBotApiServer, FloodLimits
from tests.support.processes import BENCH_TOKEN, bot_env, start_process, stop_process_async
from tests.support.seeding import seed_plans

CHATS = range(7001, 7091)  # 90 reminders: about three seconds at 29 a second
TIMEOUT = 90.0
LEFT = re.compile(r"(\d+) sent now \(never handed over\), (\d+) were on the wire")


async def test_kill_9_mid_fanout_doubles_none_and_loses_at_most_those_on_the_wire(
    tmp_path: Path,
) -> None:
    database_url = database_url_for(tmp_path)
    due = datetime.now(UTC) - timedelta(minutes=1)  # owed at start: the fan-out begins at once
    seed_plans(database_url, CHATS, lambda _chat: due)
    server = await FakeBotApiServer(limits=FloodLimits()).start()
    accepted = server.stats.accepted
    env = bot_env(server.base_url, server.file_url, database_url, LOG_LEVEL="INFO")
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = start_process(["-m", "bot"], env, first_log)
    second = None
    try:
        await server.telegram.wait_for(lambda _calls: len(accepted) >= len(CHATS) // 3, TIMEOUT)
        await stop_process_async(first, kill=True)
        at_kill = len(accepted)
        assert at_kill < len(CHATS), "the kill came after the fan-out"
        second = start_process(["-m", "bot"], env, second_log)
        await server.telegram.wait_for(
            lambda _calls: "Reminder jobs rebuilt" in second_log.read_text(), TIMEOUT
        )
        match = LEFT.search(second_log.read_text())
        on_the_wire = int(match[2]) if match else 0
        await server.telegram.wait_for(
            lambda _calls: len(accepted) + on_the_wire >= len(CHATS), TIMEOUT
        )
    finally:
        await stop_process_async(first, kill=True)
        if second is not None:
            await stop_process_async(second)  # a clean stop: anything doubled has arrived
        await server.stop()
    lost = [chat for chat in CHATS if accepted[str(chat)] == 0]
    doubled = {chat: count for chat, count in accepted.items() if count > 1}
    print(f"killed after {at_kill} of {len(CHATS)}: {on_the_wire} on the wire, {len(lost)} lost")
    assert doubled == {}
    assert len(lost) <= on_the_wire
    assert on_the_wire <= 8  # at most the reminders in flight at once (DELIVERING_AT_ONCE)
    for path in (first_log, second_log):
        assert BENCH_TOKEN.split(":", 1)[1] not in path.read_text()
