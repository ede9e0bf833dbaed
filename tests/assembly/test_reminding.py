"""The reminder requests as plain functions: what each stores and answers, without Telegram."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import buttons, reminding
from bot.domain.chats import ChatSettings
from bot.domain.parsing import ParsedLog
from bot.domain.units import Unit
from bot.storage.repo import PlanRepo
from tests.support.kit import GROUP_CHAT, PARENT_CHAT, BotHarness
from tests.support.seed import add_session

SETTINGS = ChatSettings(PARENT_CHAT, "en", "Europe/Oslo", Unit.ML)
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


async def test_a_typed_plan_is_stored_and_asks_for_the_job_to_move(bot: BotHarness) -> None:
    await bot.say("/start")
    db = bot.services.db
    reply = reminding.remind(db, SETTINGS, "every 3h", NOW)
    assert reply.rearm and reply.text.startswith("Reminders on.")
    with db.session() as session:
        plan = PlanRepo(session).get(PARENT_CHAT)
    assert plan is not None and plan.enabled and plan.interval_min == 180
    refused = reminding.remind(db, SETTINGS, "every now and then", NOW)
    assert not refused.rearm and "nothing was changed" in refused.text


async def test_buttons_on_another_chats_plan_are_out_of_date(bot: BotHarness) -> None:
    await bot.say("/remind every 2h", chat_id=GROUP_CHAT)
    with bot.services.db.session() as session:
        theirs = PlanRepo(session).get(GROUP_CHAT)
    assert theirs is not None and theirs.id is not None
    db, token = bot.services.db, int(NOW.timestamp())
    for pressed in (
        buttons.Pressed(buttons.REM_SKIP, (theirs.id, token)),
        buttons.Pressed(buttons.REM_SNOOZE, (theirs.id, 15, token)),
        buttons.Pressed(buttons.REM_PAUSE, (theirs.id, "morning")),
    ):
        assert reminding.reminder_button(db, SETTINGS, pressed, NOW) is None
    assert reminding.log_now(db, SETTINGS, theirs.id, token, NOW) is None


async def test_log_now_repeats_the_latest_session_once(bot: BotHarness) -> None:
    await bot.say("/remind every 3h")
    with bot.services.db.session() as session:
        plan = PlanRepo(session).get(PARENT_CHAT)
    assert plan is not None and plan.id is not None
    add_session(bot, datetime(2026, 3, 10, 5, 0, tzinfo=UTC), 130, chat_id=PARENT_CHAT, left_ml=60)
    due = int(datetime(2026, 3, 10, 8, 0, tzinfo=UTC).timestamp())
    wanted = reminding.log_now(bot.services.db, SETTINGS, plan.id, due, NOW)
    assert wanted == ParsedLog(started_at=NOW, total_ml=130, left_ml=60)
    add_session(bot, datetime(2026, 3, 10, 8, 30, tzinfo=UTC), 90, chat_id=PARENT_CHAT)
    already = reminding.log_now(bot.services.db, SETTINGS, plan.id, due, NOW)
    assert isinstance(already, reminding.Reply)
    assert already.notice == "You've already logged a session since this reminder."
