"""Groups: only an admin may delete the family's shared log, and a group that becomes a
supergroup keeps its log, settings, plan, nudge state and reminders under its new id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from bot.storage.models import NudgeState
from bot.storage.repo import ChatRepo, NudgeRepo, PlanRepo, chat_columns
from scheduler.delivery import deliver_due, job_name
from scheduler.power import power_job_name
from tests.support.kit import GROUP_CHAT, PARENT_ID, BotHarness
from tests.support.seed import add_session, stored_sessions

SUPERGROUP = -1009876543210
MEMBER = PARENT_ID + 1


def rows_of(bot: BotHarness, chat_id: int) -> dict[str, int]:
    """Rows naming the chat, per table that has any."""
    found: dict[str, int] = {}
    with bot.services.db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            columns = [table.c.id] if table.name == "chats" else chat_columns(table)
            for column in columns:
                count = connection.execute(
                    sa.select(sa.func.count()).select_from(table).where(column == chat_id)
                ).scalar_one()
                if count:
                    found[table.name] = found.get(table.name, 0) + count
    return found


def answers(calls: list[Any]) -> list[str]:
    return [c.params.get("text", "") for c in calls if c.method == "answerCallbackQuery"]


# -- who may delete the shared log ----------------------------------------------------------


@pytest.mark.parametrize("status", ["member", "restricted", "left"])
async def test_a_member_cannot_forget_the_shared_log(bot: BotHarness, status: str) -> None:
    add_session(bot, datetime(2026, 3, 9, 8, tzinfo=UTC), 100, chat_id=GROUP_CHAT)
    bot.telegram.set_member_status(GROUP_CHAT, MEMBER, status)
    reply = await bot.say("/forget", chat_id=GROUP_CHAT, user_id=MEMBER)
    assert "only an admin can delete the shared log" in reply.text
    assert "Nothing was deleted." in reply.text
    assert reply.buttons == []
    asked = [c for c in bot.telegram.calls if c.method == "getChatMember"]
    assert asked[-1].params["user_id"] == MEMBER
    assert len(stored_sessions(bot, GROUP_CHAT)) == 1


async def test_the_refusal_is_in_norwegian_too(bot: BotHarness) -> None:
    add_session(bot, datetime(2026, 3, 9, 8, tzinfo=UTC), 100, chat_id=GROUP_CHAT, language="nb")
    reply = await bot.say("/slett", chat_id=GROUP_CHAT, user_id=MEMBER, language_code="nb")
    assert "bare en administrator" in reply.text and "/slett" in reply.text
    assert len(stored_sessions(bot, GROUP_CHAT)) == 1


@pytest.mark.parametrize("status", ["administrator", "creator"])
async def test_an_admin_can_forget_the_shared_log(bot: BotHarness, status: str) -> None:
    add_session(bot, datetime(2026, 3, 9, 8, tzinfo=UTC), 100, chat_id=GROUP_CHAT)
    bot.telegram.set_member_status(GROUP_CHAT, PARENT_ID, status)
    await bot.say("/forget", chat_id=GROUP_CHAT, user_id=PARENT_ID)
    await bot.press("Delete everything", chat_id=GROUP_CHAT, user_id=PARENT_ID)
    assert rows_of(bot, GROUP_CHAT) == {}


async def test_an_admin_demoted_before_the_tap_deletes_nothing(bot: BotHarness) -> None:
    add_session(bot, datetime(2026, 3, 9, 8, tzinfo=UTC), 100, chat_id=GROUP_CHAT)
    bot.telegram.set_member_status(GROUP_CHAT, PARENT_ID, "administrator")
    await bot.say("/forget", chat_id=GROUP_CHAT, user_id=PARENT_ID)
    bot.telegram.set_member_status(GROUP_CHAT, PARENT_ID, "member")
    calls = await bot.press("Delete everything", chat_id=GROUP_CHAT, user_id=PARENT_ID)
    assert any("only an admin" in text for text in answers(calls))
    assert len(stored_sessions(bot, GROUP_CHAT)) == 1


async def test_a_private_chat_needs_no_admin(bot: BotHarness) -> None:
    await bot.say("/forget")
    await bot.press("Delete everything")
    assert not [c for c in bot.telegram.calls if c.method == "getChatMember"]


async def test_when_telegram_cannot_say_nothing_is_deleted(bot: BotHarness) -> None:
    from bot.terminal.fakeapi import Fault

    add_session(bot, datetime(2026, 3, 9, 8, tzinfo=UTC), 100, chat_id=GROUP_CHAT)
    bot.telegram.set_member_status(GROUP_CHAT, PARENT_ID, "administrator")
    bot.telegram.faults.append(Fault(method="getChatMember"))
    reply = await bot.say("/forget", chat_id=GROUP_CHAT, user_id=PARENT_ID)
    assert "only an admin" in reply.text
    assert len(stored_sessions(bot, GROUP_CHAT)) == 1


# -- a group becomes a supergroup -----------------------------------------------------------


async def family_group(bot: BotHarness) -> None:
    """A Norwegian family group with a log, its own zone, a reminder plan and nudge state."""
    await bot.say("/logg 120 ml", chat_id=GROUP_CHAT, language_code="nb")
    await bot.say("/logg v 60 h 70", chat_id=GROUP_CHAT, language_code="nb")
    await bot.say("/tidssone America/New_York", chat_id=GROUP_CHAT, language_code="nb")
    await bot.say("/paminn hver 3. time", chat_id=GROUP_CHAT, language_code="nb")
    await bot.say("/lager 90 fryser", chat_id=GROUP_CHAT, language_code="nb")
    with bot.services.db.session() as session:
        session.add(NudgeState(chat_id=GROUP_CHAT, enabled=False))
    assert rows_of(bot, GROUP_CHAT) == {
        "chats": 1,
        "pump_sessions": 2,
        "reminder_plans": 1,
        "nudge_state": 1,
        "stash_portions": 1,
        "stash_state": 1,
    }


def assert_moved(bot: BotHarness, before: dict[str, int]) -> None:
    assert rows_of(bot, GROUP_CHAT) == {}
    assert rows_of(bot, SUPERGROUP) == before
    with bot.services.db.session() as session:
        chat = ChatRepo(session).get(SUPERGROUP)
        assert chat is not None
        assert (chat.language, chat.timezone) == ("nb", "America/New_York")
        plan = PlanRepo(session).get(SUPERGROUP)
        assert plan is not None and plan.interval_min == 180
        nudges = NudgeRepo(session, SUPERGROUP).get()
        assert nudges is not None and not nudges.enabled
    assert sorted(e.total_ml for e in stored_sessions(bot, SUPERGROUP)) == [120, 130]
    # Message ids belong to the old chat: none is kept, so nothing in the new chat matches.
    assert all(
        e.source_message_id is None and e.confirmation_message_id is None
        for e in stored_sessions(bot, SUPERGROUP)
    )
    queue = bot.app.job_queue
    assert queue is not None
    assert queue.get_jobs_by_name(job_name(GROUP_CHAT)) == ()
    [job] = queue.get_jobs_by_name(job_name(SUPERGROUP))
    assert job.chat_id == SUPERGROUP
    assert all(job.chat_id != GROUP_CHAT for job in queue.jobs())


@pytest.mark.parametrize("first", ["migrate_to", "migrate_from"])
async def test_the_migration_messages_move_everything(bot: BotHarness, first: str) -> None:
    await family_group(bot)
    before = rows_of(bot, GROUP_CHAT)
    user = bot.telegram.user(PARENT_ID, "nb")
    to_message, from_message = bot.telegram.migration_updates(GROUP_CHAT, SUPERGROUP, user)
    order = [to_message, from_message] if first == "migrate_to" else [from_message, to_message]
    for update in order:
        await bot.feed(update)  # the second finds nothing left to move
    assert_moved(bot, before)
    reply = await bot.say("/idag", chat_id=SUPERGROUP, language_code="nb")
    assert "250\u00a0ml" in reply.text and "2 økter" in reply.text


async def test_a_chat_data_entry_moves_too(bot: BotHarness) -> None:
    await family_group(bot)
    bot.app.chat_data[GROUP_CHAT]["seen"] = True
    to_message, _ = bot.telegram.migration_updates(GROUP_CHAT, SUPERGROUP, bot.telegram.user(1))
    await bot.feed(to_message)
    assert bot.app.chat_data[SUPERGROUP]["seen"] is True
    assert GROUP_CHAT not in bot.app.chat_data


async def test_a_reminder_refused_with_chat_migrated_moves_the_chat_and_is_sent_there(
    bot: BotHarness,
) -> None:
    await family_group(bot)
    before = rows_of(bot, GROUP_CHAT)
    bot.telegram.migrated_chats[GROUP_CHAT] = SUPERGROUP  # the service messages never came
    with bot.services.db.session() as session:
        plan = PlanRepo(session).get(GROUP_CHAT)
        assert plan is not None and plan.next_due_at is not None
        due = plan.next_due_at
    bot.clock.set(due + timedelta(seconds=1))
    await deliver_due(bot.app, GROUP_CHAT)
    assert_moved(bot, before)
    assert await deliver_due(bot.app, SUPERGROUP) == "sent"
    reminders = [c for c in bot.sent_to(SUPERGROUP) if "rem:" in str(c.params)]
    assert len(reminders) == 1


async def test_a_reply_refused_with_chat_migrated_moves_the_chat(bot: BotHarness) -> None:
    await family_group(bot)
    before = rows_of(bot, GROUP_CHAT)
    bot.telegram.migrated_chats[GROUP_CHAT] = SUPERGROUP
    calls = await bot.feed(
        bot.telegram.message_update(GROUP_CHAT, "/idag", bot.telegram.user(PARENT_ID, "nb"))
    )
    assert_moved(bot, before)
    told = [c.text for c in calls if c.method == "sendMessage" and c.chat_id == SUPERGROUP]
    assert told and "supergruppe" in told[-1]
    assert not any("Beklager" in c.text for c in calls)  # no apology: nothing failed


async def test_a_log_whose_confirmation_meets_chat_migrated_is_confirmed_in_the_new_chat(
    bot: BotHarness,
) -> None:
    await family_group(bot)
    bot.telegram.migrated_chats[GROUP_CHAT] = SUPERGROUP
    calls = await bot.feed(
        bot.telegram.message_update(GROUP_CHAT, "/logg 90 ml", bot.telegram.user(PARENT_ID, "nb"))
    )
    assert sorted(e.total_ml for e in stored_sessions(bot, SUPERGROUP)) == [90, 120, 130]
    assert stored_sessions(bot, GROUP_CHAT) == []
    confirmations = [c for c in calls if c.method == "sendMessage" and c.chat_id == SUPERGROUP]
    assert confirmations and "90\u00a0ml" in confirmations[0].text
    assert {b["text"] for b in confirmations[0].buttons} >= {"↩️ Angre"}


async def test_the_move_is_one_transaction(bot: BotHarness, monkeypatch: Any) -> None:
    await family_group(bot)
    before = rows_of(bot, GROUP_CHAT)
    # Fail at the plans, after the chat row, nudge state and sessions were moved: nothing
    # may have changed.
    names = [t.name for t in SQLModel.metadata.sorted_tables]
    assert names.index("reminder_plans") > max(
        names.index("pump_sessions"), names.index("nudge_state")
    )
    original = ChatRepo._has_rows

    def failing(self: ChatRepo, table: sa.Table, column: Any, chat_id: int) -> bool:
        if table.name == "reminder_plans":
            raise RuntimeError("disk full")
        return original(self, table, column, chat_id)

    monkeypatch.setattr(ChatRepo, "_has_rows", failing)
    with pytest.raises(RuntimeError), bot.services.db.session() as session:
        ChatRepo(session).move(GROUP_CHAT, SUPERGROUP)
    assert rows_of(bot, GROUP_CHAT) == before
    assert rows_of(bot, SUPERGROUP) == {}


async def test_rows_the_new_id_already_has_are_kept_and_the_family_settings_win(
    bot: BotHarness,
) -> None:
    await family_group(bot)
    # Someone wrote in the new supergroup before the move: a default chat with one entry.
    add_session(bot, datetime(2026, 3, 10, 8, tzinfo=UTC), 50, chat_id=SUPERGROUP)
    with bot.services.db.session() as session:
        assert ChatRepo(session).move(GROUP_CHAT, SUPERGROUP)["pump_sessions"] == 2
    assert sorted(e.total_ml for e in stored_sessions(bot, SUPERGROUP)) == [50, 120, 130]
    with bot.services.db.session() as session:
        chat = ChatRepo(session).get(SUPERGROUP)
        assert chat is not None and chat.timezone == "America/New_York"


async def test_a_power_hour_running_during_the_upgrade_goes_on_in_the_new_chat(
    bot: BotHarness,
) -> None:
    await bot.say("/power", chat_id=GROUP_CHAT)
    await bot.press("Start now", chat_id=GROUP_CHAT)
    bot.telegram.migrated_chats[GROUP_CHAT] = SUPERGROUP
    [job] = bot.app.job_queue.get_jobs_by_name(power_job_name(GROUP_CHAT))  # type: ignore[union-attr]
    bot.clock.set(job.job.trigger.run_date)
    await job.run(bot.app)
    steps = [c for c in bot.sent_to(SUPERGROUP) if "Rest for 10 minutes" in c.text]
    assert len(steps) == 1
    assert rows_of(bot, GROUP_CHAT) == {}
    queue = bot.app.job_queue
    assert queue is not None
    assert queue.get_jobs_by_name(power_job_name(GROUP_CHAT)) == ()
    [next_step] = queue.get_jobs_by_name(power_job_name(SUPERGROUP))
    assert next_step.job.trigger.run_date == bot.clock.now() + timedelta(minutes=10)


async def test_an_anonymous_admin_can_ask_and_any_admin_confirm(bot: BotHarness) -> None:
    add_session(bot, datetime(2026, 3, 9, 8, tzinfo=UTC), 100, chat_id=GROUP_CHAT)
    anonymous_bot = {"id": 1087968824, "is_bot": True, "first_name": "Group"}
    update = bot.telegram.message_update(GROUP_CHAT, "/forget", anonymous_bot)
    update["message"]["sender_chat"] = {"id": GROUP_CHAT, "type": "group", "title": "Family"}
    calls = await bot.feed(update)
    assert any("Delete everything" in str(c.params) for c in calls)
    bot.telegram.set_member_status(GROUP_CHAT, MEMBER, "member")
    refused = await bot.press("Delete everything", chat_id=GROUP_CHAT, user_id=MEMBER)
    assert any("only an admin" in text for text in answers(refused))
    assert len(stored_sessions(bot, GROUP_CHAT)) == 1
    bot.telegram.set_member_status(GROUP_CHAT, PARENT_ID, "administrator")
    await bot.press("Delete everything", chat_id=GROUP_CHAT, user_id=PARENT_ID)
    assert rows_of(bot, GROUP_CHAT) == {}
