"""`kill -9` in the middle of a burst of logs: a real `python -m bot` against the fake Bot API
server over loopback, on a SQLite file, killed and started again.

After the restart: every log whose confirmation had reached Telegram is in the database, no log
is stored twice, the logs sent while the bot was down are all stored once, and every reminder
plan is scheduled once (each reminder that fell due while the bot was down is sent exactly
once). Every wait is for a condition, with a time limit.

Not checked, because it does not hold: python-telegram-bot acknowledges a batch of updates to
Telegram as soon as it has fetched it, so logs fetched but not yet handled when the process
dies are gone (their senders never got a confirmation).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bot.storage.models import PumpSession, ReminderPlan
from bot.terminal.fakeapi import ApiCall
from tests.support.fakeserver import FakeBotApiServer
from tests.support.processes import BENCH_TOKEN, bot_env, start_process, stop_process_async
from tests.support.seeding import INTERVAL, seed_plans

LOG_CHATS = range(3001, 3021)  # 20 parents logging at once
PLAN_CHATS = range(4001, 4016)  # 15 parents with a reminder plan
BURST = 100
KILL_AFTER = 10  # confirmations that reach Telegram before the kill
TIMEOUT = 60.0
CONFIRMED = re.compile(r"✅ Logged (\d+)\W*ml")


def confirmations(calls: list[ApiCall]) -> set[tuple[int, int]]:
    """(chat, millilitres) of every log confirmation that reached Telegram (in a private chat
    the confirmation is no quoted reply; each log in the burst has its own amount)."""
    found = set()
    for call in calls:
        match = CONFIRMED.match(call.text) if call.method == "sendMessage" else None
        if match and call.result is not None:
            found.add((int(call.params["chat_id"]), int(match[1])))
    return found


def stored_logs(engine: sa.Engine) -> list[tuple[int, int, int]]:
    """(chat, logged message id, millilitres) of every stored session."""
    table = PumpSession.__table__  # type: ignore[attr-defined]
    query = sa.select(table.c.chat_id, table.c.source_message_id, table.c.total_ml)
    with engine.connect() as connection:
        return [(chat, message, int(ml)) for chat, message, ml in connection.execute(query)]


def reminders_to(calls: list[ApiCall], chat_id: int) -> int:
    return sum(
        1
        for c in calls
        if c.method == "sendMessage" and c.result is not None and c.chat_id == chat_id
    )


async def test_kill_9_mid_burst_loses_no_confirmed_log_and_schedules_every_plan_once(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    later = datetime.now(UTC) + timedelta(hours=1)
    seed_plans(database_url, PLAN_CHATS, lambda _chat: later)  # not due while the first runs
    engine = sa.create_engine(database_url)
    server = await FakeBotApiServer().start()
    telegram = server.telegram
    env = bot_env(server.base_url, server.file_url, database_url, LOG_LEVEL="INFO")
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = start_process(["-m", "bot"], env, first_log)
    second = None
    try:
        await telegram.wait_for(lambda calls: any(c.method == "getUpdates" for c in calls), TIMEOUT)
        sent = []
        for i in range(BURST):
            chat_id = LOG_CHATS[i % len(LOG_CHATS)]
            update = telegram.message_update(chat_id, f"{40 + i} ml", telegram.user(chat_id))
            telegram.queue_update(update)
            sent.append((chat_id, update["message"]["message_id"], 40 + i))
        await telegram.wait_for(lambda calls: len(confirmations(calls)) >= KILL_AFTER, TIMEOUT)
        await stop_process_async(first, kill=True)
        confirmed_before_kill = confirmations(telegram.calls)
        assert len(confirmed_before_kill) < BURST  # the kill came in the middle of the burst

        # While the bot was down, every plan fell due (a minute ago): the restart owes each one
        # reminder, no more.
        plans = ReminderPlan.__table__  # type: ignore[attr-defined]
        due = datetime.now(UTC) - timedelta(minutes=1)
        with engine.begin() as connection:
            connection.execute(
                sa.update(plans).values(next_due_at=due, counted_from=due - INTERVAL)
            )
        calls_before_restart = len(telegram.calls)

        stored_at_kill = stored_logs(engine)
        while_down = []
        for i, chat_id in enumerate(LOG_CHATS):  # sent while the bot is down: Telegram keeps them
            update = telegram.message_update(chat_id, f"{200 + i} ml", telegram.user(chat_id))
            telegram.queue_update(update)
            while_down.append((chat_id, update["message"]["message_id"], 200 + i))

        second = start_process(["-m", "bot"], env, second_log)
        await telegram.wait_for(
            lambda calls: len(stored_logs(engine)) >= len(stored_at_kill) + len(while_down),
            TIMEOUT,
        )
        await telegram.wait_for(
            lambda calls: all(reminders_to(calls, chat) for chat in PLAN_CHATS), TIMEOUT
        )
    finally:
        await stop_process_async(first, kill=True)
        if second is not None:
            await stop_process_async(second)  # a clean stop: what it was to send, it has sent
        await server.stop()

    logs = stored_logs(engine)
    # Every log whose confirmation reached Telegram survived the kill.
    assert confirmed_before_kill <= {(chat, ml) for chat, _message, ml in logs}
    assert len({(chat, message) for chat, message, _ml in logs}) == len(logs)  # none twice
    assert set(logs) <= set(sent) | set(while_down)
    assert set(while_down) <= set(logs)  # what came while the bot was down: all stored
    after_restart = telegram.calls[calls_before_restart:]
    assert {chat: reminders_to(after_restart, chat) for chat in PLAN_CHATS} == dict.fromkeys(
        PLAN_CHATS, 1
    )
    output = second_log.read_text()
    rebuilt = re.search(
        r"Reminder jobs rebuilt from the database: (\d+) chats, (\d+) armed", output
    )
    assert rebuilt is not None and rebuilt.groups() == (str(len(PLAN_CHATS)),) * 2
    for path in (first_log, second_log):  # the processes' own logs never show the token
        assert BENCH_TOKEN.split(":", 1)[1] not in path.read_text()
