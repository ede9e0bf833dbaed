"""/report as a parent sees it: a PDF whose text holds the period's numbers, in either language."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from PIL import Image
from pypdf import PdfReader

from bot.text.charts import trend_chart_size
from tests.support.kit import PARENT_CHAT, BotHarness
from tests.support.seed import add_session


def a_week_of_logs(bot: BotHarness, language: str = "en") -> None:
    """Four sessions a day from 3 to 10 March (Oslo), 60 + 70 ml each; one with a note."""
    start = datetime(2026, 3, 3, 5, 0, tzinfo=UTC)
    for day in range(8):
        for hour in (0, 4, 8, 13):
            moment = start + timedelta(days=day, hours=hour)
            if moment <= bot.clock.now():
                note = "sår brystvorte, prøvde ny størrelse" if (day, hour) == (5, 4) else None
                add_session(
                    bot,
                    moment,
                    130,
                    left_ml=60,
                    right_ml=70,
                    note=note,
                    chat_id=PARENT_CHAT,
                    language=language,
                )


def pdf_text(data: bytes) -> str:
    """The PDF's text, pages joined, every run of spaces, line breaks and Babel's (narrow)
    no-break spaces made one plain space, so a sentence wrapped on the page reads whole."""
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def page_size_mm(data: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)


async def test_report_is_an_a4_pdf_holding_the_weeks_totals(bot: BotHarness) -> None:
    a_week_of_logs(bot)
    reply = await bot.say("/report 7")
    assert reply.method == "sendDocument"
    assert reply.file_names["document"] == "pumpbot-report-2026-03-10.pdf"
    data = reply.files["document"]
    assert page_size_mm(data) == (210, 297)
    text = pdf_text(data)
    assert "March 4, 2026 to March 10, 2026 (7 days)" in text
    assert "not a clinical record" in text
    # 6 full days of 4 sessions, and today's 2 so far: 26 sessions of 130 ml.
    assert "Total: 3,380 ml" in text
    assert "Sessions: 26" in text
    assert "Daily average: 520 ml (over 6 full days with logs)" in text
    assert "Left 1,560 ml, right 1,820 ml" in text
    # A row per day: total, sessions, average, longest gap, left/right.
    assert "Mon, Mar 9, 2026 520 4 130 11:00 46/54" in text
    assert "Tue, Mar 10, 2026* 260 2 130 11:00 46/54" in text
    assert "Wed, Mar 4, 2026" in text and "Mar 3, 2026" not in text
    assert "sår brystvorte, prøvde ny størrelse" in text  # the note, letters intact
    assert "No reminders are set." in text
    assert "750" not in text  # not pumping exclusively: no guideline band


async def test_report_shows_the_chart_chart_sends_then_the_supply_trend(bot: BotHarness) -> None:
    a_week_of_logs(bot)
    photo = (await bot.say("/chart")).files["photo"]  # the last 7 days
    data = (await bot.say("/report 7")).files["document"]
    pictures = [image.image for page in PdfReader(io.BytesIO(data)).pages for image in page.images]
    assert len(pictures) == 2  # the daily totals, then the supply trend
    chart, trend = (picture.convert("RGB") for picture in pictures)
    assert chart.tobytes() == Image.open(io.BytesIO(photo)).convert("RGB").tobytes()
    assert trend.size == trend_chart_size()
    assert "Supply trend" in pdf_text(data)


async def test_rapport_in_bokmaal_with_norwegian_numbers_and_letters(bot: BotHarness) -> None:
    a_week_of_logs(bot, language="nb")
    reply = await bot.say("/rapport 7", language_code="nb")
    text = pdf_text(reply.files["document"])
    assert "4. mars 2026 til 10. mars 2026 (7 dager)" in text
    assert "ikke en pasientjournal" in text
    assert "Totalt: 3 380 ml" in text
    assert "Økter: 26" in text
    assert "Venstre 1 560 ml, høyre 1 820 ml" in text
    assert "man. 9. mars 2026 520 4 130 11:00 46/54" in text
    assert "sår brystvorte, prøvde ny størrelse" in text
    assert "Ingen påminnelser er satt opp." in text


async def test_report_shows_the_plan_in_use(bot: BotHarness) -> None:
    a_week_of_logs(bot)
    await bot.say("/remind every 3h")
    # The plan as /reminders describes it (its first line), without the markup.
    described = re.sub(r"<[^>]+>", "", (await bot.say("/reminders")).text.split("\n")[0])
    assert described.startswith("Your own plan: ") and "3 h" in described
    text = pdf_text((await bot.say("/report")).files["document"])
    assert "Reminder plan " + re.sub(r"[\s\u202f]+", " ", described) in text


async def test_the_guideline_band_follows_the_same_rule_as_week(bot: BotHarness) -> None:
    a_week_of_logs(bot)
    await bot.say("/exclusive")
    await bot.press("Yes, I pump exclusively")
    # Four logged sessions a day: too thin a log to compare, in /week and in the report alike.
    waiting = "once this period has 3 finished days with at least 5 logged sessions each"
    assert waiting in (await bot.say("/week")).text
    text = pdf_text((await bot.say("/report 7")).files["document"])
    assert waiting in text and "Your daily average" not in text
    # Six a day (two more, 65 ml each): now both compare, 650 ml a day against 750–800 ml.
    for day in range(4, 10):
        for hour in (20, 21):  # 21:00 and 22:00 in Oslo
            moment = datetime(2026, 3, day, hour, 0, tzinfo=UTC)
            add_session(bot, moment, 65, chat_id=PARENT_CHAT)
    verdict = "Your daily average, 650 ml, is 100 ml under the 750–800 ml a day"
    assert verdict in re.sub(r"\s+", " ", (await bot.say("/week")).text.replace("\u00a0", " "))
    text = pdf_text((await bot.say("/report 7")).files["document"])
    assert verdict in text and "not a target" in text


async def test_report_shows_sending_a_file_while_it_works(bot: BotHarness) -> None:
    a_week_of_logs(bot)
    await bot.say("/report")
    methods = [c.method for c in bot.telegram.calls if c.chat_id == PARENT_CHAT]
    action = next(c for c in bot.telegram.calls if c.method == "sendChatAction")
    assert action.params["action"] == "upload_document"
    assert methods.index("sendChatAction") < methods.index("sendDocument")


async def test_fourteen_days_by_default_and_buttons_for_the_others(bot: BotHarness) -> None:
    a_week_of_logs(bot)
    reply = await bot.say("/report")
    assert "(14 days)" in pdf_text(reply.files["document"])
    assert [b["callback_data"] for b in reply.buttons] == ["report:days:7", "report:days:30"]
    calls = await bot.press("30 days")
    document = next(c for c in calls if c.method == "sendDocument")
    text = pdf_text(document.files["document"])
    assert "February 9, 2026 to March 10, 2026 (30 days)" in text
    # Now 3 March is in too: 30 sessions.
    assert "Total: 3,900 ml" in text and "Sessions: 30" in text


async def test_report_of_an_empty_log_says_so(bot: BotHarness) -> None:
    text = pdf_text((await bot.say("/report")).files["document"])
    assert "Nothing was logged in this period." in text
    assert "No notes in this period." in text


async def test_a_forged_report_button_is_out_of_date(bot: BotHarness) -> None:
    reply = await bot.say("/report 7")
    for data in ("report:days:99", "report:days:0", "report:", "report:days:7:1", "report:days:٧"):
        calls = await bot.tap(data, reply.message_id)
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert calls[0].params["text"] == "That button is out of date."


async def test_chart_shows_sending_a_photo_while_it_works(bot: BotHarness) -> None:
    a_week_of_logs(bot)
    await bot.say("/chart")
    methods = [c.method for c in bot.telegram.calls if c.chat_id == PARENT_CHAT]
    action = next(c for c in bot.telegram.calls if c.method == "sendChatAction")
    assert action.params["action"] == "upload_photo"
    assert methods.index("sendChatAction") < methods.index("sendPhoto")
