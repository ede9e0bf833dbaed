"""The parent's own start of day, chosen in /settings: a night session before it counts to the
day before in /today, /week, /trend, the report, the export and the nudges alike."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.daybook import MIDNIGHT
from bot.domain.nudges import high_totals_running
from bot.storage.models import PumpSession
from bot.storage.repo import ChatRepo
from tests.handlers.test_report import pdf_text
from tests.support.kit import PARENT_CHAT, BotHarness
from tests.support.seed import add_session

ONE_AM = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)  # 01:00 on Tuesday 10 March in Oslo


def evening_night_morning(bot: BotHarness, language: str = "en") -> None:
    """Monday 20:00 100 ml, the night's 01:00 50 ml, Tuesday 07:00 120 ml (Oslo); it is now
    Tuesday 10:00."""
    add_session(bot, ONE_AM - timedelta(hours=5), 100, chat_id=PARENT_CHAT, language=language)
    add_session(bot, ONE_AM, 50, chat_id=PARENT_CHAT, language=language)
    add_session(bot, ONE_AM + timedelta(hours=6), 120, chat_id=PARENT_CHAT, language=language)


def plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


async def test_settings_offer_the_hours_and_keep_the_choice(bot: BotHarness) -> None:
    reply = await bot.say("/settings")
    assert "Your day starts at: midnight" in reply.text
    am = "\u202fAM"  # English clock times, as Babel writes them
    assert [b["text"] for b in reply.buttons][-4:] == [  # under the babies' row
        "✓ midnight",
        f"4:00{am}",
        f"5:00{am}",
        f"6:00{am}",
    ]
    calls = await bot.press("4:00")
    edited = next(c for c in calls if c.method == "editMessageText")
    assert f"Your day starts at: 4:00{am}" in edited.text
    assert "count to the day before" in edited.text
    with bot.services.db.session() as session:
        chat = ChatRepo(session).get(PARENT_CHAT)
        assert chat is not None and chat.day_start_min == 240
    assert [b["text"] for b in (await bot.say("/settings")).buttons][-3] == f"✓ 4:00{am}"


async def test_settings_in_bokmaal(bot: BotHarness) -> None:
    reply = await bot.say("/innstillinger", language_code="nb")
    assert "Dagen din starter: midnatt" in reply.text
    calls = await bot.press("06:00", language_code="nb")
    edited = next(c for c in calls if c.method == "editMessageText")
    assert "Dagen din starter: 06:00" in edited.text


async def test_a_four_oclock_start_moves_the_one_oclock_session_everywhere(
    bot: BotHarness,
) -> None:
    evening_night_morning(bot)
    before = await bot.say("/today")
    assert "170\u00a0ml in 2 sessions" in before.text
    assert "Last 7 days: 100\u00a0ml a day, over 1 logged day." in (await bot.say("/trend")).text

    await bot.say("/settings")
    await bot.press("4:00")

    today = await bot.say("/today")
    assert "120\u00a0ml in 1 session" in today.text and "50\u00a0ml" not in today.text
    week = plain((await bot.say("/week")).text)
    rows = {line.split("  ")[0]: line.split()[-5:-1] for line in week.splitlines()}
    assert rows["Mon, Mar 9"] == ["150", "2", "75", "5:00"]  # 20:00 and the night's 01:00
    assert rows["Tue, Mar 10*"][:2] == ["120", "1"]
    report = pdf_text((await bot.say("/report 7")).files["document"])
    assert "Mon, Mar 9, 2026 150 2 75" in report
    assert "Tue, Mar 10, 2026* 120 1 120" in report
    export = (await bot.say("/export")).files["document"].decode("utf-8-sig")
    days = [row["day"] for row in csv.DictReader(io.StringIO(export))]
    assert days == ["2026-03-09", "2026-03-09", "2026-03-10"]
    trend = await bot.say("/trend")
    assert "Last 7 days: 150\u00a0ml a day, over 1 logged day." in trend.text


async def test_the_start_of_day_moves_the_reminders_today_line_too(bot: BotHarness) -> None:
    evening_night_morning(bot)
    await bot.say("/settings")
    await bot.press("4:00")
    reply = await bot.say("L 30 R 30")  # logged now, Tuesday 10:00
    assert "Today: 180\u00a0ml in 2 sessions." in reply.text


def test_the_nudges_count_by_the_parents_days() -> None:
    """Three days over 1000 ml only when each 01:00 session counts to the evening before."""
    tz = ZoneInfo("Europe/Oslo")
    now = datetime(2026, 3, 10, 9, tzinfo=UTC)
    sessions = []
    for back in (1, 2, 3):
        evening = datetime(2026, 3, 10, 19, tzinfo=UTC) - timedelta(days=back)  # 20:00
        sessions.append(PumpSession(chat_id=1, started_at=evening, total_ml=800))
        sessions.append(
            PumpSession(chat_id=1, started_at=evening + timedelta(hours=5), total_ml=300)
        )
    assert not high_totals_running(sessions, now, tz, MIDNIGHT)
    assert high_totals_running(sessions, now, tz, time(4))
