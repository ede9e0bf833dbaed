"""/forget: after one confirming tap, nothing of the chat remains: no row, no job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

from bot.storage.repo import ChatRepo, chat_columns
from tests.handlers.test_stepdown import six_yesterday
from tests.support.kit import GROUP_CHAT, PARENT_CHAT, PARENT_ID, BotHarness
from tests.support.seed import add_session, stored_sessions

OTHER_CHAT = 777


async def never(_context: Any) -> None:  # a job callback that should never get to run
    raise AssertionError("job ran")


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {table: count for table, count in counts.items() if count}


def rows_of(bot: BotHarness, chat_id: int) -> dict[str, int]:
    """Rows naming the chat, per table, in every table the models define."""
    found: dict[str, int] = {}
    with bot.services.db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            columns = chat_columns(table)
            if table.name == "chats":
                columns = [table.c.id]
            assert columns or table.name == "chats", f"{table.name} has no chat column"
            for column in columns:
                count = connection.execute(
                    sa.select(sa.func.count()).select_from(table).where(column == chat_id)
                ).scalar_one()
                found[table.name] = found.get(table.name, 0) + count
    return found


def schedule_jobs(bot: BotHarness, chat_id: int) -> None:
    queue = bot.app.job_queue
    assert queue is not None
    queue.run_once(never, timedelta(hours=3), chat_id=chat_id, name=f"reminder:{chat_id}")
    queue.run_repeating(never, timedelta(days=1), chat_id=chat_id, name=f"nudge:{chat_id}")


def job_names(bot: BotHarness) -> list[str]:
    """Names of the jobs that belong to a chat (the bot-wide sweep belongs to none)."""
    assert bot.app.job_queue is not None
    return sorted(job.name or "" for job in bot.app.job_queue.jobs() if job.chat_id is not None)


async def test_forget_deletes_every_row_and_job_of_the_chat_and_says_so(bot: BotHarness) -> None:
    forgotten: list[int] = []

    async def on_forgotten(_app: Any, chat_id: int) -> None:
        forgotten.append(chat_id)

    bot.services.chat_forgotten_hooks.append(on_forgotten)
    await bot.say("/start", language_code="nb")
    await bot.say("/fullpumping", language_code="nb")
    await bot.press("Ja")
    for chat_id in (PARENT_CHAT, OTHER_CHAT):
        for hour in range(5):
            add_session(bot, datetime(2026, 3, 9, hour * 3, tzinfo=UTC), 100, chat_id=chat_id)
        schedule_jobs(bot, chat_id)
    assert nonzero(rows_of(bot, PARENT_CHAT)) == {"chats": 1, "pump_sessions": 5}

    ask = await bot.say("/slett", language_code="nb")
    assert "5 loggede økter" in ask.text and "/eksport" in ask.text
    assert rows_of(bot, PARENT_CHAT)["pump_sessions"] == 5  # asking deletes nothing
    calls = await bot.press("Slett alt", language_code="nb")

    assert all(count == 0 for count in rows_of(bot, PARENT_CHAT).values())
    assert job_names(bot) == [f"nudge:{OTHER_CHAT}", f"reminder:{OTHER_CHAT}"]
    assert all(job.chat_id != PARENT_CHAT for job in bot.app.job_queue.jobs())  # type: ignore[union-attr]
    assert forgotten == [PARENT_CHAT]
    # The reply is in the chat's language, read before the rows went, and brings nothing back.
    done = next(c for c in calls if c.method == "editMessageText")
    assert done.text.startswith("Ferdig. Jeg har slettet alt")
    assert done.buttons == []
    assert all(count == 0 for count in rows_of(bot, PARENT_CHAT).values())
    assert PARENT_CHAT not in bot.app.chat_data
    # Another chat is untouched.
    assert nonzero(rows_of(bot, OTHER_CHAT)) == {"chats": 1, "pump_sessions": 5}


async def test_a_second_tap_after_forget_does_not_bring_the_chat_back(bot: BotHarness) -> None:
    add_session(bot, datetime(2026, 3, 9, 8, tzinfo=UTC), 100, chat_id=PARENT_CHAT)
    ask = await bot.say("/forget")
    await bot.press("Delete everything")
    calls = await bot.tap(f"stats:forget:{PARENT_ID}", ask.message_id)
    assert "nothing of this chat left" in calls[-1].text
    for data in ("stats:hist:0", "stats:excl:1", "stats:chart:7", "stats:del:1:0"):
        await bot.tap(data, ask.message_id)
    assert all(count == 0 for count in rows_of(bot, PARENT_CHAT).values())


async def test_only_the_asker_can_confirm_and_keep_deletes_nothing(bot: BotHarness) -> None:
    add_session(bot, datetime(2026, 3, 9, 8, tzinfo=UTC), 100, chat_id=GROUP_CHAT)
    for admin in (PARENT_ID, PARENT_ID + 1):
        bot.telegram.set_member_status(GROUP_CHAT, admin, "administrator")
    await bot.say("/forget", chat_id=GROUP_CHAT, user_id=PARENT_ID)
    calls = await bot.press("Delete everything", chat_id=GROUP_CHAT, user_id=PARENT_ID + 1)
    assert "Only the person who asked" in calls[-1].params["text"]
    assert len(stored_sessions(bot, GROUP_CHAT)) == 1

    calls = await bot.press("Keep my data", chat_id=GROUP_CHAT)
    assert "Nothing was deleted" in calls[-1].text
    assert len(stored_sessions(bot, GROUP_CHAT)) == 1


async def test_the_database_cascades_from_the_chat_row(bot: BotHarness) -> None:
    # The foreign keys alone would do it; ChatRepo.forget also deletes table by table.
    add_session(bot, datetime(2026, 3, 9, 8, tzinfo=UTC), 100, chat_id=PARENT_CHAT)
    with bot.services.db.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        connection.execute(sa.text("DELETE FROM chats WHERE id = :id"), {"id": PARENT_CHAT})
    assert nonzero(rows_of(bot, PARENT_CHAT)) == {}


async def test_forget_reports_what_it_deleted(bot: BotHarness) -> None:
    add_session(bot, datetime(2026, 3, 9, 8, tzinfo=UTC), 100, chat_id=PARENT_CHAT)
    with bot.services.db.session() as session:
        assert nonzero(ChatRepo(session).forget(PARENT_CHAT)) == {"pump_sessions": 1, "chats": 1}


async def test_forget_takes_the_timer_the_step_down_plan_and_their_jobs(bot: BotHarness) -> None:
    six_yesterday(bot, "nb")
    await bot.say("/trappened", language_code="nb")
    await bot.press("Slutte å pumpe", language_code="nb")
    await bot.press("Start planen", language_code="nb")
    await bot.say("/tidtaker", language_code="nb")
    await bot.say("/innstillinger", language_code="nb")
    await bot.press("2 babyer", language_code="nb")
    found = nonzero(rows_of(bot, PARENT_CHAT))
    assert found["session_timers"] == 1 and found["step_down_plans"] == 1
    assert job_names(bot) == [  # the plan moved the reminders
        f"reminder:{PARENT_CHAT}",
        f"stepdown:{PARENT_CHAT}",
        f"timer:{PARENT_CHAT}",
    ]

    await bot.say("/slett", language_code="nb")
    await bot.press("Slett alt", language_code="nb")

    assert nonzero(rows_of(bot, PARENT_CHAT)) == {}
    assert job_names(bot) == []
    # Nothing left to export: no timer, no plan, no settings.
    assert (await bot.say("/eksport", language_code="nb")).text == (
        "Det er ingenting å eksportere ennå."
    )
