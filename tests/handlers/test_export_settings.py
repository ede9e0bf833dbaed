"""/export's settings file: the start of the day, the number of babies, a running session timer
and a step-down plan, in a file and in its caption, in both languages; sent back to the
import, it is told apart from the log (which still imports)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from bot.domain.chats import ChatSettings
from bot.domain.settings_export import settings_pairs
from bot.domain.units import Unit
from bot.storage.models import SessionTimer
from bot.terminal.fakeapi import ApiCall
from tests.handlers.test_stepdown import six_yesterday
from tests.support.kit import PARENT_CHAT, BotHarness

AM = "\u202fAM"  # English clock times, as Babel writes them


def documents(bot: BotHarness) -> dict[str, ApiCall]:
    """The documents sent to the parent, by file name."""
    return {
        name: call
        for call in bot.sent_to(PARENT_CHAT, "sendDocument")
        for name in call.file_names.values()
    }


def pairs(call: ApiCall, delimiter: str = ",") -> dict[str, str]:
    text = call.files["document"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert rows[0] == ["setting", "value"]
    return dict(rows[1:])


async def plan_and_timer(bot: BotHarness, language: str) -> None:
    """Six sessions yesterday, a step-down plan to stop, and a timer running since 09:00."""
    six_yesterday(bot, language)
    if language == "en":
        await bot.say("/stepdown")
        await bot.press("Stop pumping")
        await bot.press("Start the plan")
        await bot.say("/timer")
    else:
        await bot.say("/trappened", language_code="nb")
        await bot.press("Slutte å pumpe", language_code="nb")
        await bot.press("Start planen", language_code="nb")
        await bot.say("/tidtaker", language_code="nb")


async def test_the_export_holds_the_day_start_babies_timer_and_step_down_plan(
    bot: BotHarness,
) -> None:
    await plan_and_timer(bot, "en")
    await bot.say("/settings")
    await bot.press("2 babies")
    await bot.say("/settings")
    await bot.press("4:00")
    bot.clock.advance(minutes=12)

    await bot.say("/export")
    files = documents(bot)
    assert list(files) == ["pumpbot-settings-2026-03-10.csv", "pumpbot-2026-03-10.csv"]
    settings = files["pumpbot-settings-2026-03-10.csv"]
    caption = settings.text
    assert "Your settings and plans, times in your time zone (Europe/Oslo):" in caption
    assert f"Your day starts at: 4:00{AM}" in caption
    assert "Milk for: 2 babies" in caption
    assert f"Session timer: running for 12 min, started at 10:00{AM}." in caption
    assert "Step-down plan: step 1 of 7, 5 sessions a day" in caption
    assert "Next step on Fri, Mar 13." in caption
    assert pairs(settings) == {
        "language": "en",
        "timezone": "Europe/Oslo",
        "unit": "ml",
        "exclusive_pumping": "no",
        "day_start": "04:00",
        "babies": "2",
        "timer_started": "2026-03-10T10:00:00+01:00",
        "timer_side": "",
        "timer_paused": "",
        "timer_paused_seconds": "0",
        "timer_stopped": "",
        "stepdown_from_sessions": "6",
        "stepdown_to_sessions": "0",
        "stepdown_step": "1",
        "stepdown_steps": "7",
        "stepdown_started": "2026-03-10T10:00:00+01:00",
        "stepdown_next_step": "2026-03-13T10:00:00+01:00",
        "stepdown_paused": "",
        "stepdown_feeling": "",
    }


async def test_the_export_in_bokmaal_with_a_paused_timer(bot: BotHarness) -> None:
    await plan_and_timer(bot, "nb")
    bot.clock.advance(minutes=5)
    await bot.press("Pause", language_code="nb")

    await bot.say("/eksport", language_code="nb")
    settings = documents(bot)["pumpbot-settings-2026-03-10.csv"]
    caption = settings.text
    assert "Innstillingene og planene dine, tider i tidssonen din (Europe/Oslo):" in caption
    assert "Dagen din starter: midnatt" in caption
    assert "Melk til: 1 baby" in caption
    assert "Tidtaker: på pause ved 5 min, startet kl. 10:00." in caption
    assert "Trappeplan: trinn 1 av 7" in caption
    found = pairs(settings, delimiter=";")
    assert found["language"] == "nb" and found["day_start"] == "00:00"
    assert found["babies"] == ""  # never asked: counted as one
    assert found["timer_paused"] == "2026-03-10T10:05:00+01:00"


async def test_a_running_timer_alone_is_worth_exporting(bot: BotHarness) -> None:
    await bot.say("/timer")
    reply = await bot.say("/export")
    assert reply.method == "sendDocument"
    assert "Session timer: running for 0 min" in reply.text
    assert list(documents(bot)) == ["pumpbot-settings-2026-03-10.csv"]


async def test_sent_back_the_settings_file_is_named_and_the_log_still_imports(
    bot: BotHarness,
) -> None:
    await plan_and_timer(bot, "en")
    await bot.say("/export")
    files = documents(bot)
    settings = files["pumpbot-settings-2026-03-10.csv"]
    reply = await bot.send_file(settings.files["document"], file_name="settings.csv")
    assert reply.text == (
        "This is one of the other files /export sends (your settings, stash or bottle feeds), "
        "and it holds no sessions. I import sessions from the log file, the one named like "
        "pumpbot-2026-03-10.csv. Nothing was imported."
    )
    log = files["pumpbot-2026-03-10.csv"]
    preview = await bot.send_file(log.files["document"], file_name="pumpbot-2026-03-10.csv")
    assert "It is an export from pumpbot." in preview.text
    assert "Everything in it is already in your log, so there's nothing to add." in preview.text


def test_a_timers_start_is_written_to_the_second_in_local_time() -> None:
    settings = ChatSettings(id=1, language="en", timezone="Europe/Oslo", unit=Unit.ML)
    started = datetime(2026, 12, 4, 19, 3, 34, 196249, tzinfo=UTC)
    timer = SessionTimer(chat_id=1, started_at=started, side="left")
    found = dict(settings_pairs(settings, timer, None))
    assert found["timer_started"] == "2026-12-04T20:03:34+01:00"
    assert found["timer_side"] == "left"
    assert "stepdown_step" not in found  # no plan, no plan lines
