"""/trend as a parent sees it: a chart and a two-line summary, other lengths by button, and a
gentle note with the help tip on a lasting drop, only for a parent who pumps exclusively."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.text.charts import trend_chart_size
from tests.handlers.test_stats_commands import png_size
from tests.support.kit import PARENT_CHAT, BotHarness
from tests.support.seed import add_session

OSLO = ZoneInfo("Europe/Oslo")
TODAY = date(2026, 3, 10)  # the kit's clock: Tuesday 10 March, 10:00 in Oslo


def logged_days(bot: BotHarness, per_day: Sequence[float], language: str = "en") -> None:
    """One day per amount, the last one yesterday: six sessions of 20 minutes, 48/52."""
    for back, total in enumerate(reversed(per_day), start=1):
        day = TODAY - timedelta(days=back)
        each = total / 6
        for hour in (6, 9, 12, 15, 18, 21):
            left = round(each * 0.48)
            add_session(
                bot,
                datetime.combine(day, time(hour), tzinfo=OSLO),
                each,
                left_ml=left,
                right_ml=each - left,
                duration_min=20,
                chat_id=PARENT_CHAT,
                language=language,
            )


async def test_three_weeks_render_the_trend_and_the_right_summary(bot: BotHarness) -> None:
    logged_days(bot, [700] * 7 + [720] * 7 + [690] * 7)
    reply = await bot.say("/trend")
    assert reply.method == "sendPhoto"
    assert png_size(reply.files["photo"]) == trend_chart_size()
    assert reply.text.splitlines() == [
        "📈 Last 7 days: 690\u00a0ml a day, 4% under the 7 days before (a rule-of-thumb "
        "comparison).",
        "Left 48%, right 52% of what was logged per side. 5.8 ml a minute in sessions with a "
        "duration.",
    ]
    assert [b["text"] for b in reply.buttons] == ["2 weeks", "✓ 4 weeks", "6 weeks", "8 weeks"]

    calls = await bot.press("8 weeks")
    edit = next(c for c in calls if c.method == "editMessageMedia")
    (upload,) = edit.files.values()
    assert png_size(upload) == trend_chart_size() and upload != reply.files["photo"]
    assert "✓ 8 weeks" in str(edit.params["reply_markup"])


async def test_utvikling_in_bokmaal_with_a_length(bot: BotHarness) -> None:
    logged_days(bot, [720] * 7 + [750] * 7, language="nb")
    reply = await bot.say("/utvikling 2", language_code="nb")
    assert "Siste 7 dager: 750\u00a0ml om dagen, 4\u00a0% over de 7 dagene før" in reply.text
    assert "✓ 2 uker" in [b["text"] for b in reply.buttons]


async def test_a_lasting_drop_offers_help_only_to_an_exclusive_pumper(bot: BotHarness) -> None:
    logged_days(bot, [720] * 7 + [690] * 4 + [500] * 3)
    plain = await bot.say("/trend")
    assert "15% under the 7 days before" in plain.text
    assert "health visitor" not in plain.text
    assert not any("help" in b["text"] for b in plain.buttons)

    await bot.say("/exclusive")
    await bot.press("Yes, I pump exclusively")
    reply = await bot.say("/trend")
    assert "each of the last 3 days was low too" in reply.text
    assert "contact your health visitor, your doctor or the maternity ward" in reply.text
    assert reply.buttons[-1]["text"] == "🤝 When to get help"
    tip = await bot.press("When to get help")
    assert any("Contact a doctor, your health visitor or the maternity ward" in c.text for c in tip)


async def test_an_empty_log_gets_words_not_a_chart(bot: BotHarness) -> None:
    reply = await bot.say("/trend")
    assert reply.method == "sendMessage"
    assert "Nothing logged in the last 4 weeks yet" in reply.text


async def test_a_forged_length_is_out_of_date(bot: BotHarness) -> None:
    reply = await bot.say("/trend")
    calls = await bot.tap("trend:weeks:52", reply.message_id)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert "out of date" in calls[0].params["text"]


async def test_the_report_carries_the_trend_and_its_summary(bot: BotHarness) -> None:
    from tests.handlers.test_report import pdf_text

    logged_days(bot, [700] * 7 + [720] * 7 + [690] * 7)
    data = (await bot.say("/report 14")).files["document"]
    text = pdf_text(data)
    assert "Supply trend" in text
    assert "Last 7 days: 690 ml a day, 4% under the 7 days before" in text
    assert "Left 48%, right 52% of what was logged per side." in text
