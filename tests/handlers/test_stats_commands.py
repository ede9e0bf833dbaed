"""/week, /month, /chart and /exclusive as a parent sees them, through the fake Bot API."""

from __future__ import annotations

import io
import re
import struct
from datetime import UTC, datetime, timedelta

import numpy as np
from matplotlib.image import imread

from bot.storage.repo import ChatRepo
from bot.terminal.fakeapi import Fault
from bot.text.charts import chart_size
from tests.support.kit import GROUP_CHAT, PARENT_CHAT, BotHarness
from tests.support.seed import add_session

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BAND_PIXEL = np.array([0.847, 0.914, 0.847])  # the band's green, 30 % over white


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (which must come first)."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def band_pixels(data: bytes) -> int:
    image = imread(io.BytesIO(data))[:, :, :3]
    return int((np.abs(image - BAND_PIXEL).max(axis=2) < 0.02).sum())


def a_week_of_logs(bot: BotHarness, chat_id: int = PARENT_CHAT, language: str = "en") -> None:
    """Four sessions a day from 3 to 10 March (Oslo), 60 + 70 ml each."""
    start = datetime(2026, 3, 3, 5, 0, tzinfo=UTC)
    for day in range(8):
        for hour in (0, 4, 8, 13):
            moment = start + timedelta(days=day, hours=hour)
            if moment <= bot.clock.now():
                add_session(
                    bot, moment, 130, left_ml=60, right_ml=70, chat_id=chat_id, language=language
                )


def realistic_days(bot: BotHarness, days: int, chat_id: int = PARENT_CHAT) -> None:
    """Six sessions of 90 ml on each of the `days` local days before today (Oslo)."""
    today_start = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)  # 10 March 00:00 in Oslo
    for back in range(1, days + 1):
        for hour in (6, 9, 12, 15, 18, 21):
            moment = today_start - timedelta(days=back) + timedelta(hours=hour)
            add_session(bot, moment, 90, chat_id=chat_id)


VERDICT = "Your daily average"


async def test_week_shows_a_row_per_day_and_the_summary(bot: BotHarness) -> None:
    a_week_of_logs(bot)
    reply = await bot.say("/week")
    text = reply.text
    assert "The last 7 days" in text
    assert "Wed, Mar 4" in text and "Tue, Mar 10*" in text and "Mar 3" not in text
    lines = re.sub(r"<[^>]+>", "", text).splitlines()
    rows = {line.split("*")[0].split("  ")[0]: line.split()[-5:] for line in lines}
    # Today so far: 06:00 and 10:00; the longest gap is the night's, 19:00 to 06:00.
    assert rows["Tue, Mar 10"] == ["260", "2", "130", "11:00", "46/54"]
    assert rows["Mon, Mar 9"] == ["520", "4", "130", "11:00", "46/54"]
    assert "Sessions: 26" in text
    assert "Daily average: 520\u00a0ml (over 6 full days with logs)" in text
    assert "Left 1,560\u00a0ml, right 1,820\u00a0ml" in text
    assert "750" not in text  # not pumping exclusively: no guideline band
    assert [b["callback_data"] for b in reply.buttons] == ["stats:chart:7"]


async def test_month_in_bokmaal_with_its_norwegian_name(bot: BotHarness) -> None:
    a_week_of_logs(bot, language="nb")
    reply = await bot.say("/maned", language_code="nb")
    assert "De siste 30 dagene" in reply.text
    assert "tir. 10. mars*" in reply.text
    assert "ons. 11. feb." in reply.text and "–" in reply.text  # a day without logs
    assert "Økter: 30" in reply.text


async def test_week_with_nothing_logged_says_so(bot: BotHarness) -> None:
    reply = await bot.say("/week")
    assert "Nothing logged in this period yet" in reply.text


async def test_exclusive_pumping_turns_on_the_guideline_band(bot: BotHarness) -> None:
    a_week_of_logs(bot)
    reply = await bot.say("/exclusive")
    assert "750–800\u00a0ml" in reply.text
    assert [b["text"] for b in reply.buttons] == [
        "Yes, I pump exclusively",
        "✓ No, not exclusively",
    ]
    calls = await bot.press("Yes, I pump exclusively")
    edited = next(c for c in calls if c.method == "editMessageText")
    assert "Noted: you pump exclusively" in edited.text
    assert edited.buttons[0]["text"] == "✓ Yes, I pump exclusively"
    with bot.services.db.session() as session:
        chat = ChatRepo(session).get(PARENT_CHAT)
        assert chat is not None and chat.exclusive_pumping is True

    # Four logged sessions a day is too thin a log to compare: /week says what it needs.
    week = await bot.say("/week")
    assert VERDICT not in week.text and "520\u00a0ml, is" not in week.text
    assert "once this period has 3 finished days with at least 5 logged sessions each" in week.text

    await bot.say("/exclusive")
    await bot.press("No, not exclusively")
    assert "750" not in (await bot.say("/week")).text


async def test_building_plan_without_an_answer_to_exclusive_shows_no_band(
    bot: BotHarness,
) -> None:
    realistic_days(bot, 6)
    await bot.say("/remind")
    await bot.press("Building supply")
    week = await bot.say("/week")
    assert "750" not in week.text and VERDICT not in week.text
    chart = await bot.say("/chart")
    assert band_pixels(chart.files["photo"]) == 0 and "750" not in chart.text


async def test_an_explicit_no_wins_over_the_building_plan(bot: BotHarness) -> None:
    realistic_days(bot, 6)
    await bot.say("/remind")
    await bot.press("Building supply")
    await bot.say("/exclusive")
    await bot.press("No, not exclusively")
    assert "750" not in (await bot.say("/week")).text
    assert "750" not in (await bot.say("/month")).text


async def test_yes_with_one_logged_day_gives_no_verdict(bot: BotHarness) -> None:
    add_session(bot, bot.clock.now() - timedelta(days=1), 90, chat_id=PARENT_CHAT)
    await bot.say("/exclusive")
    await bot.press("Yes")
    week = await bot.say("/week")
    assert VERDICT not in week.text and "under" not in week.text
    assert "so far it has 0" in week.text
    chart = await bot.say("/chart")
    assert band_pixels(chart.files["photo"]) == 0 and VERDICT not in chart.text


async def test_yes_with_three_realistic_days_compares(bot: BotHarness) -> None:
    realistic_days(bot, 3)
    await bot.say("/exclusive")
    await bot.press("Yes")
    week = await bot.say("/week")
    assert "Your daily average, 540\u00a0ml, is 210\u00a0ml under the 750–800\u00a0ml" in week.text
    assert "not a target" in week.text
    month = await bot.say("/month")
    assert "Your daily average, 540\u00a0ml" in month.text


async def test_today_never_compares_a_single_day_with_the_band(bot: BotHarness) -> None:
    realistic_days(bot, 3)
    add_session(bot, bot.clock.now() - timedelta(hours=1), 90, chat_id=PARENT_CHAT)
    await bot.say("/exclusive")
    await bot.press("Yes")
    assert VERDICT in (await bot.say("/week")).text  # the band is on for this chat
    today = await bot.say("/today")
    assert "90\u00a0ml in 1 session" in today.text
    assert "750" not in today.text and VERDICT not in today.text


async def test_exclusive_is_per_chat(bot: BotHarness) -> None:
    await bot.say("/exclusive", chat_id=GROUP_CHAT)
    await bot.press("Yes", chat_id=GROUP_CHAT)
    with bot.services.db.session() as session:
        group = ChatRepo(session).get(GROUP_CHAT)
        parent = ChatRepo(session).get(PARENT_CHAT)
    assert group is not None and group.exclusive_pumping
    assert parent is None or not parent.exclusive_pumping


async def test_chart_is_a_png_of_sensible_size_sent_as_a_photo(bot: BotHarness) -> None:
    a_week_of_logs(bot)
    reply = await bot.say("/chart")
    assert reply.method == "sendPhoto"
    png = reply.files["photo"]
    assert png_size(png) == chart_size() == (1200, 675)
    assert 10_000 < len(png) < 1_000_000  # small enough to send, big enough to hold a chart
    assert "Daily average: 520\u00a0ml" in reply.text
    assert [b["callback_data"] for b in reply.buttons] == ["stats:chart:30"]
    assert band_pixels(png) == 0  # not pumping exclusively: no guideline band


async def test_the_chart_button_switches_between_7_and_30_days(bot: BotHarness) -> None:
    a_week_of_logs(bot)
    week = await bot.say("/week")
    calls = await bot.tap("stats:chart:7", week.message_id)
    photo = next(c for c in calls if c.method == "sendPhoto")
    calls = await bot.tap("stats:chart:30", photo.message_id)
    edit = next(c for c in calls if c.method == "editMessageMedia")
    (upload,) = edit.files.values()
    assert png_size(upload) == (1200, 675)
    assert upload != photo.files["photo"]
    assert "Show 7 days" in str(edit.params["reply_markup"])


async def test_the_chart_shows_the_band_for_exclusive_pumping(bot: BotHarness) -> None:
    realistic_days(bot, 4)
    await bot.say("/exclusive")
    await bot.press("Yes")
    reply = await bot.say("/graf 30")
    assert band_pixels(reply.files["photo"]) > 5_000
    assert "Your daily average, 540\u00a0ml, is 210\u00a0ml under the 750–800\u00a0ml" in reply.text


async def test_a_forged_chart_length_changes_nothing(bot: BotHarness) -> None:
    week = await bot.say("/week")
    calls = await bot.tap("stats:chart:365", week.message_id)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert "out of date" in calls[0].params["text"]


async def test_tapping_the_same_choice_twice_is_not_an_error(bot: BotHarness) -> None:
    await bot.say("/exclusive")
    await bot.press("Yes")
    # Telegram refuses an edit that changes nothing; that must not reach the user as a failure.
    bot.telegram.faults.append(
        Fault(
            method="editMessageText",
            status=400,
            description="Bad Request: message is not modified: specified new message content "
            "and reply markup are exactly the same",
        )
    )
    calls = await bot.press("Yes")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert not bot.telegram.faults
