"""Logging by message, through the fake Bot API: confirm, undo, edit, fix time, /today, groups."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from telegram.error import NetworkError

from bot.confirming import store_and_confirm
from bot.domain.chats import ChatSettings
from bot.domain.parsing import MAX_AGE, SESSION_MAX_ML, SIDE_MAX_ML, ParsedLog, parse_log
from bot.domain.units import Unit
from bot.services import PumpContext
from bot.storage.models import PumpSession
from bot.storage.repo import SessionRepo
from bot.terminal.fakeapi import ApiCall, Fault, TimeoutKind
from bot.text.i18n import translator
from bot.text.sessions import example_logs, examples_text
from tests.support.kit import GROUP_CHAT, PARENT_CHAT, BotHarness

OSLO = ZoneInfo("Europe/Oslo")
APOLOGY = "Sorry, something went wrong"


def en(text: str) -> str:
    """English as the bot writes it: `120 ml` with a no-break space, `9:40 AM` with a narrow one."""
    return text.replace(" ml", "\xa0ml").replace(" AM", "\u202fAM").replace(" PM", "\u202fPM")


def entries(bot: BotHarness, chat_id: int = PARENT_CHAT) -> Sequence[PumpSession]:
    with bot.services.db.session() as session:
        return SessionRepo(session, chat_id).between(
            datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
        )


async def say_quietly(
    bot: BotHarness, text: str, chat_id: int = PARENT_CHAT, language_code: str = "en"
) -> list[ApiCall]:
    """Send a message that may get no reply; return every call it caused."""
    user = bot.telegram.user(chat_id if chat_id > 0 else 901, language_code)
    update = bot.telegram.message_update(chat_id, text, user)
    return await bot.feed(update)


def edits_of(calls: list[ApiCall], message_id: int) -> list[ApiCall]:
    return [
        c for c in calls if c.method == "editMessageText" and c.params["message_id"] == message_id
    ]


def labels(call: ApiCall) -> list[str]:
    return [button["text"] for button in call.buttons]


@pytest.fixture
def changes(bot: BotHarness) -> list[int]:
    """The chat ids `services.sessions_changed` was called with."""
    seen: list[int] = []

    async def hook(application: object, chat_id: int) -> None:
        seen.append(chat_id)

    bot.services.follow_sessions(hook)
    return seen


# -- confirming ----------------------------------------------------------------------------


async def test_a_log_is_stored_then_confirmed_with_what_was_understood(
    bot: BotHarness, changes: list[int]
) -> None:
    reply = await bot.say("L 60 R 70 20min # sore left")
    [entry] = entries(bot)
    assert (entry.left_ml, entry.right_ml, entry.total_ml, entry.duration_min) == (60, 70, 130, 20)
    assert entry.note == "sore left" and entry.method == "pump"
    assert entry.started_at == bot.clock.now() - timedelta(minutes=20)
    assert entry.source_message_id == bot.last_user_message_id
    assert entry.confirmation_message_id == reply.message_id
    text = reply.text
    assert en("Logged 130 ml today at 9:40 AM.") in text  # 09:00 UTC is 10:00 in Oslo
    assert "Left 60\xa0ml · right 70\xa0ml" in text
    assert en("Duration: 20 min (9:40 AM–10:00 AM)") in text
    assert "Method: pump" in text
    assert "sore left" in text
    assert "Today: 130\xa0ml in 1 session." in text
    assert "first session in the log" in text
    assert labels(reply) == ["↩️ Undo", "🕘 Fix time", "🧊 Freezer", "🥛 Fridge"]
    assert changes == [PARENT_CHAT]


async def test_a_second_session_logged_for_the_same_moment_is_not_called_the_first(
    bot: BotHarness,
) -> None:
    """Two logs for the same minute (the two sides sent one after the other, or two "at
    14:30"): the second is not "the first session in the log"."""
    await bot.say("L 60")
    confirmation = await bot.say("R 70")
    assert "first session in the log" not in confirmation.text
    assert "0 min after the previous session." in confirmation.text
    assert "Today: 130\xa0ml in 2 sessions." in confirmation.text


async def test_a_gap_reads_the_same_minutes_in_the_confirmation_today_and_last(
    bot: BotHarness,
) -> None:
    """56 min 40 s is 57 min wherever the bot shows it (it was "56 min" in the confirmation,
    rounded down, and "57 min" in /today): one rounding, to the nearest minute."""
    await bot.say("120 ml")
    bot.clock.advance(minutes=56, seconds=40)
    confirmation = await bot.say("90 ml")
    assert "57 min after the previous session." in confirmation.text
    assert "Longest gap: 57 min" in (await bot.say("/today")).text
    bot.clock.advance(minutes=3, seconds=35)  # 3.6 minutes since the last session
    assert "(4 min ago)" in (await bot.say("/last")).text


async def test_a_confirmation_cut_off_by_an_outage_goes_out_when_telegram_answers_again(
    bot: BotHarness,
) -> None:
    """The entry is stored at once; its confirmation waits for Telegram, then arrives (no
    "saved, but" note, no apology)."""
    bot.telegram.faults.append(
        Fault(method="sendMessage", timeout=True, timeout_kind=TimeoutKind.CONNECT)
    )
    reachability = bot.services.reachability
    reachability.failed(NetworkError("httpx.ConnectError"))  # as the watched request tells it
    handling = asyncio.create_task(bot.say("120 ml"))
    # The entry is written on a worker thread (the update's unit of work): wait until it is
    # there, however busy the machine; the confirmation is still held back.
    for _ in range(500):
        if entries(bot):
            break
        await asyncio.sleep(0.01)
    assert [e.total_ml for e in entries(bot)] == [120]
    assert not handling.done()
    reachability.answered()
    reply = await asyncio.wait_for(handling, 5)
    assert reply.text.startswith(en("✅ Logged 120 ml"))
    assert entries(bot)[0].confirmation_message_id == reply.message_id


async def test_the_second_log_shows_the_running_total_and_the_gap(bot: BotHarness) -> None:
    await bot.say("L 60 R 70 20min")
    bot.clock.advance(hours=1)
    reply = await bot.say("90 ml hand")
    assert "Today: 220\xa0ml in 2 sessions." in reply.text
    assert "1 h 20 min after the previous session." in reply.text
    assert "Method: hand expression" in reply.text


async def test_a_norwegian_log_is_confirmed_in_bokmaal(bot: BotHarness) -> None:
    reply = await bot.say("v 50 h 60 kl 7", language_code="nb")
    assert "Logget 110\xa0ml i dag kl. 07:00." in reply.text
    assert "Venstre 50\xa0ml · høyre 60\xa0ml" in reply.text
    assert "↩️ Angre" in labels(reply)


async def test_amounts_are_shown_in_ounces_for_an_ounce_chat(bot: BotHarness) -> None:
    await bot.say("/units")
    await bot.press("Ounces")
    reply = await bot.say("L 2 R 2.5")
    [entry] = entries(bot)
    assert round(entry.total_ml) == 133  # stored in millilitres
    assert "Logged 4.5\xa0oz today" in reply.text
    assert "Left 2\xa0oz · right 2.5\xa0oz" in reply.text


async def test_a_log_written_before_midnight_but_read_later_keeps_its_time(
    bot: BotHarness,
) -> None:
    # A message sent at 23:50 and processed at 00:10 (the bot was restarting) is 23:50.
    user = bot.telegram.user(PARENT_CHAT)
    bot.clock.set(datetime(2026, 3, 10, 22, 50, tzinfo=UTC))
    update = bot.telegram.message_update(PARENT_CHAT, "120", user)
    bot.clock.set(datetime(2026, 3, 10, 23, 10, tzinfo=UTC))
    await bot.feed(update)
    [entry] = entries(bot)
    assert entry.started_at == datetime(2026, 3, 10, 22, 50, tzinfo=UTC)


# -- what is not a log ---------------------------------------------------------------------


async def test_an_unreadable_message_stores_nothing_and_shows_three_examples(
    bot: BotHarness,
) -> None:
    """An attempt at a log the parser cannot read: the log format, with examples."""
    reply = await bot.say("pumped 120 mls lft")
    assert "couldn't read that" in reply.text and "nothing was saved" in reply.text
    assert example_logs(reply.text) == ["120 ml", "L 60 R 70 20min", "90 ml at 14:30 #evening"]
    norwegian = await bot.say("pumpet 90 ml vnstre", chat_id=777, user_id=777, language_code="nb")
    assert "ingenting ble lagret" in norwegian.text
    assert len(example_logs(norwegian.text)) == 3
    assert entries(bot) == [] and entries(bot, 777) == []


async def test_text_without_a_number_never_gets_the_log_format_error(bot: BotHarness) -> None:
    """No topic fits and no number: chatter or a worry the model missed, never "couldn't read
    that as a pumping session"; the reply offers the topics and how to log."""
    reply = await bot.say("the baby is asleep")
    assert "couldn't read" not in reply.text
    assert "<code>120 ml</code>" in reply.text
    assert any(b["callback_data"].startswith("tip:g:") for b in reply.buttons)
    norwegian = await bot.say("babyen sover", chat_id=777, user_id=777, language_code="nb")
    assert "<code>120 ml</code>" in norwegian.text and "som en pumpeøkt" not in norwegian.text
    assert entries(bot) == [] and entries(bot, 777) == []


@pytest.mark.parametrize("language", ["en", "nb"])
@pytest.mark.parametrize("command", [False, True])
def test_every_example_the_bot_gives_can_be_logged(language: str, command: bool) -> None:
    tr = translator(language)
    examples = example_logs(examples_text(tr, command=command))
    assert len(examples) == 3
    for sample in examples:
        parsed = parse_log(sample, language, Unit.ML, datetime(2026, 3, 10, 9, tzinfo=UTC), OSLO)
        assert isinstance(parsed, ParsedLog), sample


async def test_an_unreadable_question_is_left_to_the_tips(bot: BotHarness) -> None:
    calls = await say_quietly(bot, "is 60 ml normal?")
    replies = [c for c in calls if c.method == "sendMessage"]
    assert len(replies) == 1  # the tips' answer, not the "couldn't read that" examples
    assert any(b["callback_data"].startswith("tip:") for b in replies[0].buttons)
    assert entries(bot) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L 600 R 50", "up to 500\xa0ml per side"),
        ("1200 ml", "up to 1,000\xa0ml per session"),
        ("120 4h", "up to 3 h long"),
        ("120 for 8 dager siden", "from the last 7 days"),
        ("20 min", "didn't find an amount"),
    ],
)
async def test_out_of_range_gets_a_clear_reply_and_stores_nothing(
    bot: BotHarness, changes: list[int], text: str, expected: str
) -> None:
    reply = await bot.say(text)
    assert expected in reply.text
    assert "Nothing was saved." in reply.text
    assert entries(bot) == [] and changes == []


async def test_the_limit_is_shown_in_ounces_for_an_ounce_chat(bot: BotHarness) -> None:
    await bot.say("/units")
    await bot.press("Ounces")
    reply = await bot.say("40")
    assert "up to 33.8\xa0oz per session" in reply.text
    assert entries(bot) == []


# -- undo ----------------------------------------------------------------------------------


async def test_undo_button_removes_that_session_and_says_so(
    bot: BotHarness, changes: list[int]
) -> None:
    confirmation = await bot.say("120")
    calls = await bot.press("Undo")
    assert entries(bot) == []
    [edit] = edits_of(calls, confirmation.message_id)
    assert en("Removed 120 ml today at 10:00 AM.") in edit.text
    assert "Today: 0\xa0ml in 0 sessions." in edit.text
    assert edit.buttons == []
    assert any(
        c.method == "answerCallbackQuery" and c.params.get("text") == "Removed." for c in calls
    )
    assert changes == [PARENT_CHAT, PARENT_CHAT]
    [entry_data] = [
        b["callback_data"] for b in confirmation.buttons if "undo" in b["callback_data"]
    ]
    calls = await bot.tap(entry_data, confirmation.message_id)  # a stale second tap
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "no longer in the log" in answer.params["text"]
    assert len(changes) == 2


async def test_undo_command_removes_the_entry_logged_last(
    bot: BotHarness, changes: list[int]
) -> None:
    await bot.say("120 kl 8")
    bot.clock.advance(minutes=5)
    second = await bot.say("90 ml at 7:00")  # logged last, though earlier in the day
    reply = await bot.say("/undo")
    assert en("Removed 90 ml today at 7:00 AM.") in reply.text
    assert "Today: 120\xa0ml in 1 session." in reply.text
    assert [e.total_ml for e in entries(bot)] == [120]
    assert "Removed 90" in bot.message_text(second.message_id)  # its buttons are gone too
    assert changes == [PARENT_CHAT] * 3
    await bot.edit(bot.last_user_message_id, "/undo ")  # editing /undo does not undo again
    assert [e.total_ml for e in entries(bot)] == [120]


async def test_angre_in_bokmaal_and_nothing_to_undo(bot: BotHarness) -> None:
    reply = await bot.say("/angre", language_code="nb")
    assert "ingenting å angre" in reply.text
    await bot.say("100", language_code="nb")
    reply = await bot.say("/angre", language_code="nb")
    assert "Fjernet 100\xa0ml i dag kl. 10:00." in reply.text


async def test_undoing_an_entry_from_before_midnight_gives_that_days_total(bot: BotHarness) -> None:
    """Logged for 23:30 and undone after midnight: the reply gives what is left on the day the
    entry counted to, named, not today's total."""
    bot.clock.set(datetime(2026, 3, 10, 21, 0, tzinfo=UTC))  # 22:00 on 10 March in Oslo
    await bot.say("100")
    bot.clock.set(datetime(2026, 3, 10, 23, 10, tzinfo=UTC))  # 00:10 on 11 March in Oslo
    await bot.say("90")  # pumped now, on the new day
    await bot.say("130 ml at 23:30")
    reply = await bot.say("/undo")
    assert en("Removed 130 ml yesterday at 11:30 PM.") in reply.text
    assert "Yesterday: 100\xa0ml in 1 session." in reply.text
    assert "Today:" not in reply.text


async def test_the_undo_button_on_an_older_entry_names_its_day(bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 3, 12, 9, 0, tzinfo=UTC))  # Thursday 12 March, 10:00 in Oslo
    await bot.say("60 ml 2 days ago")
    confirmation = await bot.say("120 ml 2 days ago")
    await bot.say("/today")  # something after it, so Undo is pressed on an older message
    [edit] = edits_of(await bot.press("Undo"), confirmation.message_id)
    assert "Tue, Mar 10: 60\xa0ml in 1 session." in edit.text
    assert "Today:" not in edit.text


async def test_angre_gives_the_total_of_the_entrys_own_day_in_bokmaal(bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 3, 12, 9, 0, tzinfo=UTC))  # torsdag 12. mars, 10:00 i Oslo
    await bot.say("pumpet 80 ml i går kl 10", language_code="nb")
    await bot.say("pumpet 90 ml i går kl 14.30", language_code="nb")
    reply = await bot.say("/angre", language_code="nb")
    assert "I går: 80\xa0ml på 1 økt." in reply.text
    assert "I dag:" not in reply.text
    await bot.say("50 ml for 2 dager siden", language_code="nb")
    await bot.say("60 ml for 2 dager siden", language_code="nb")
    reply = await bot.say("/angre", language_code="nb")
    assert "Tir. 10. mars: 50\xa0ml på 1 økt." in reply.text


# -- edits ---------------------------------------------------------------------------------


async def test_editing_the_message_edits_the_entry_and_its_confirmation(
    bot: BotHarness, changes: list[int]
) -> None:
    confirmation = await bot.say("120")
    source = bot.last_user_message_id
    bot.clock.advance(minutes=3)
    calls = await bot.edit(source, "L 70 R 80 # fixed")
    [entry] = entries(bot)
    assert (entry.left_ml, entry.right_ml, entry.total_ml, entry.note) == (70, 80, 150, "fixed")
    assert entry.started_at == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # when it was written
    [edit] = edits_of(calls, confirmation.message_id)
    assert en("Logged 150 ml today at 10:00 AM.") in edit.text
    assert "Today: 150\xa0ml in 1 session." in edit.text
    assert labels(edit) == ["↩️ Undo", "🕘 Fix time", "🧊 Freezer", "🥛 Fridge"]
    assert [c for c in calls if c.method == "sendMessage"] == []
    assert changes == [PARENT_CHAT, PARENT_CHAT]


async def test_an_edit_that_cannot_be_read_keeps_the_entry(bot: BotHarness) -> None:
    await bot.say("120")
    calls = await bot.edit(bot.last_user_message_id, "L 900")
    [entry] = entries(bot)
    assert entry.total_ml == 120
    [reply] = [c for c in calls if c.method == "sendMessage"]
    assert "up to 500\xa0ml per side" in reply.text
    assert "kept the logged session as it was" in reply.text


async def test_an_unreadable_message_edited_into_a_log_is_logged(bot: BotHarness) -> None:
    await bot.say("12O ml")  # a letter O
    assert entries(bot) == []
    await bot.edit(bot.last_user_message_id, "120 ml")
    assert [e.total_ml for e in entries(bot)] == [120]


async def test_an_edited_log_command_in_a_group_edits_the_entry(bot: BotHarness) -> None:
    await bot.say("/log 120", chat_id=GROUP_CHAT, user_id=901)
    await bot.edit(bot.last_user_message_id, "/log 130", chat_id=GROUP_CHAT, user_id=901)
    assert [e.total_ml for e in entries(bot, GROUP_CHAT)] == [130]


# -- fixing the time -----------------------------------------------------------------------


async def test_fix_time_offers_quick_changes_and_one_tap_moves_the_session(
    bot: BotHarness, changes: list[int]
) -> None:
    confirmation = await bot.say("120")
    calls = await bot.press("Fix time")
    [edit] = edits_of(calls, confirmation.message_id)
    assert labels(edit) == ["−15 min", "−30 min", "−1 h", "+15 min", "↩️ Undo", "✔️ Done"]
    assert "reply to this message with the right time" in edit.text
    calls = await bot.press("−30 min")
    [entry] = entries(bot)
    assert entry.started_at == datetime(2026, 3, 10, 8, 30, tzinfo=UTC)
    [edit] = edits_of(calls, confirmation.message_id)
    assert en("Logged 120 ml today at 9:30 AM.") in edit.text
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert answer.params["text"] == en("Time changed to today at 9:30 AM.")
    calls = await bot.press("Done")
    assert labels(edits_of(calls, confirmation.message_id)[0]) == [
        "↩️ Undo",
        "🕘 Fix time",
        "🧊 Freezer",
        "🥛 Fridge",
    ]
    assert changes == [PARENT_CHAT, PARENT_CHAT]


async def test_a_session_cannot_be_moved_into_the_future(bot: BotHarness) -> None:
    await bot.say("120")
    await bot.press("Fix time")
    calls = await bot.press("+15 min")
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "hasn't come yet" in answer.params["text"]
    assert entries(bot)[0].started_at == bot.clock.now()


async def test_replying_to_the_confirmation_with_a_time_moves_the_session(
    bot: BotHarness,
) -> None:
    confirmation = await bot.say("120")
    reply = await bot.say("9:15", reply_to=confirmation.message_id)
    assert reply.text == en("Time changed to today at 9:15 AM.")
    [entry] = entries(bot)
    assert entry.started_at == datetime(2026, 3, 10, 8, 15, tzinfo=UTC)
    assert en("today at 9:15 AM") in bot.message_text(confirmation.message_id)


async def test_forged_buttons_change_nothing(bot: BotHarness) -> None:
    confirmation = await bot.say("120")
    [entry] = entries(bot)
    other = await bot.say("100", chat_id=777, user_id=777)
    [foreign] = entries(bot, 777)
    for data, answer in [
        (f"log:undo:{foreign.id}", "no longer in the log"),  # another chat's entry
        ("log:undo:99999999999999999999999", "out of date"),
        (f"log:shift:{entry.id}:-45", "out of date"),
        (f"log:shift:{entry.id}:-15:x", "out of date"),
        ("log:drop:1", "out of date"),
    ]:
        calls = await bot.tap(data, confirmation.message_id)
        reply = next(c for c in calls if c.method == "answerCallbackQuery")
        assert answer in reply.params["text"]
    assert [e.id for e in entries(bot)] == [entry.id]
    assert [e.started_at for e in entries(bot)] == [entry.started_at]
    assert entries(bot, 777)[0].id == foreign.id
    assert other.message_id


# -- /today and /last ----------------------------------------------------------------------


async def test_today_lists_the_sessions_with_per_side_totals(bot: BotHarness) -> None:
    await bot.say("100 i går 22:00")  # yesterday: not listed
    await bot.say("L 60 R 70 kl 3")
    await bot.say("v 50 h 40 kl 6.30 hand")
    await bot.say("both 100 at 8:00 #car <ride>")
    reply = await bot.say("/today")
    text = reply.text
    assert "<b>Today, Mar 10, 2026</b>: 320\xa0ml in 3 sessions." in text
    assert "Left 110\xa0ml · right 110\xa0ml · not split by side 100\xa0ml" in text
    lines = [line for line in text.splitlines() if line.startswith("• ")]
    assert lines == [
        en("• 3:00 AM · <b>130 ml</b> · L 60 ml · R 70 ml"),
        en("• 6:30 AM · <b>90 ml</b> · L 50 ml · R 40 ml · hand expression"),
        en("• 8:00 AM · <b>100 ml</b> · 📝 car &lt;ride&gt;"),
    ]


async def test_idag_when_nothing_is_logged(bot: BotHarness) -> None:
    reply = await bot.say("/idag", language_code="nb")
    assert "Ingenting er logget i dag" in reply.text


async def test_last_shows_the_latest_session(bot: BotHarness) -> None:
    assert "Nothing is logged yet" in (await bot.say("/last")).text
    await bot.say("L 60 R 70 20min")
    bot.clock.advance(hours=2)
    reply = await bot.say("/last")
    assert en("Latest session: 130 ml today at 9:40 AM (2 h 20 min ago).") in reply.text
    assert "Left 60\xa0ml · right 70\xa0ml" in reply.text
    assert "Latest session" in (await bot.say("/siste")).text  # the chat speaks English
    await bot.say("håndmelket 40", chat_id=777, user_id=777, language_code="nb")
    siste = await bot.say("/siste", chat_id=777, user_id=777, language_code="nb")
    assert "Siste økt: 40\xa0ml i dag kl. 12:00 (akkurat nå)." in siste.text
    assert "Metode: håndmelking" in siste.text


# -- groups --------------------------------------------------------------------------------


async def test_a_group_shares_one_log_and_shows_who_logged_each_entry(bot: BotHarness) -> None:
    kari = await bot.say("/log 120", chat_id=GROUP_CHAT, user_id=901, first_name="Kari")
    assert "Logged by Kari" in kari.text
    ola = await bot.say(
        "/logg@pumpbot_test_bot v 50 h 60", chat_id=GROUP_CHAT, user_id=902, first_name="Ola"
    )
    assert "Logged by Ola" in ola.text
    assert "Today: 230\xa0ml in 2 sessions." in ola.text
    stored = entries(bot, GROUP_CHAT)
    assert [(e.logged_by_id, e.logged_by_name) for e in stored] == [(901, "Kari"), (902, "Ola")]
    today = await bot.say("/today", chat_id=GROUP_CHAT, user_id=902, first_name="Ola")
    assert "· Kari" in today.text and "· Ola" in today.text
    undo = await bot.say("/undo", chat_id=GROUP_CHAT, user_id=901, first_name="Kari")
    assert "Removed 110\xa0ml" in undo.text  # the family's latest entry, whoever logged it
    assert entries(bot, PARENT_CHAT) == []


async def test_plain_chatter_in_a_group_is_not_logged_or_answered(bot: BotHarness) -> None:
    calls = await say_quietly(bot, "120 ml", chat_id=GROUP_CHAT)
    assert [c for c in calls if c.method == "sendMessage"] == []
    assert entries(bot, GROUP_CHAT) == []


async def test_log_without_an_amount_shows_the_command_examples(bot: BotHarness) -> None:
    reply = await bot.say("/log", chat_id=GROUP_CHAT, user_id=901)
    assert "<code>/log 120 ml</code>" in reply.text
    norwegian = await bot.say("/logg hei", chat_id=-5, user_id=903, language_code="nb")
    assert "<code>/logg 120 ml</code>" in norwegian.text


# -- for other features --------------------------------------------------------------------


async def test_store_and_confirm_logs_without_a_message(
    bot: BotHarness, changes: list[int]
) -> None:
    """Other features log through it without a message to reply to (a reminder's "log now"
    does: tests/scheduler/test_reminders.py)."""
    await bot.say("/start")
    settings = ChatSettings(PARENT_CHAT, "en", "Europe/Oslo", Unit.ML)
    parsed = parse_log("120", "en", Unit.ML, bot.clock.now(), OSLO)
    assert isinstance(parsed, ParsedLog)
    entry = await store_and_confirm(PumpContext(bot.app), settings, parsed)
    [sent] = bot.sent_to()[-1:]
    assert "Logged 120\xa0ml" in sent.text
    assert entry.confirmation_message_id == sent.message_id
    assert entries(bot)[0].confirmation_message_id == sent.message_id
    assert changes == [PARENT_CHAT]


# -- time zones ----------------------------------------------------------------------------


async def test_half_past_midnight_in_oslo_counts_for_the_new_day(bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 3, 10, 22, 0, tzinfo=UTC))  # 23:00 on 10 March in Oslo
    await bot.say("100")
    bot.clock.set(datetime(2026, 3, 10, 23, 30, tzinfo=UTC))  # 00:30 on 11 March in Oslo
    reply = await bot.say("120")
    assert en("Logged 120 ml today at 12:30 AM.") in reply.text
    assert "Today: 120\xa0ml in 1 session." in reply.text
    today = await bot.say("/today")
    assert "<b>Today, Mar 11, 2026</b>: 120\xa0ml in 1 session." in today.text
    assert "Left" not in today.text  # no side was given, so no per-side line


async def test_a_session_that_started_before_midnight_shows_its_own_days_total(
    bot: BotHarness,
) -> None:
    """Pumped 23:50-00:10 and sent at 00:10: the session counts to the day before, so the
    confirmation gives that day's total, named, not an empty today."""
    bot.clock.set(datetime(2026, 3, 10, 21, 0, tzinfo=UTC))  # 22:00 on 10 March in Oslo
    await bot.say("100")
    bot.clock.set(datetime(2026, 3, 10, 23, 10, tzinfo=UTC))  # 00:10 on 11 March in Oslo
    reply = await bot.say("L 60 R 70 20min")
    assert "Yesterday: 230\xa0ml in 2 sessions." in reply.text
    assert "Today:" not in reply.text
    later = await bot.say("90")  # pumped now, on the new day
    assert "Today: 90\xa0ml in 1 session." in later.text


async def test_a_session_logged_for_an_earlier_day_names_that_day(bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 3, 12, 9, 0, tzinfo=UTC))  # Thursday 12 March, 10:00 in Oslo
    reply = await bot.say("120 ml 2 days ago")
    assert "Tue, Mar 10: 120\xa0ml in 1 session." in reply.text
    yesterday = await bot.say("90 ml yesterday at 14:30")
    assert "Yesterday: 90\xa0ml in 1 session." in yesterday.text


async def test_yesterdays_total_in_bokmaal(bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 3, 12, 9, 0, tzinfo=UTC))
    reply = await bot.say("pumpet 90 ml i går kl 14.30", language_code="nb")
    assert "I går: 90\xa0ml på 1 økt." in reply.text
    earlier = await bot.say("60 ml for 2 dager siden", language_code="nb")
    assert "Tir. 10. mars: 60\xa0ml på 1 økt." in earlier.text


async def test_the_spring_change_does_not_shift_stored_sessions(bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 3, 28, 13, 30, tzinfo=UTC))  # 14:30 winter time
    await bot.say("90")
    bot.clock.set(datetime(2026, 3, 29, 0, 30, tzinfo=UTC))  # 01:30 winter time
    await bot.say("100")
    bot.clock.set(datetime(2026, 3, 29, 1, 30, tzinfo=UTC))  # 03:30 summer time
    reply = await bot.say("120")
    assert en("Logged 120 ml today at 3:30 AM.") in reply.text
    assert "1 h after the previous session." in reply.text  # one real hour, not two
    assert [e.started_at for e in entries(bot)] == [
        datetime(2026, 3, 28, 13, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    ]
    bot.clock.set(datetime(2026, 3, 29, 10, 0, tzinfo=UTC))
    today = await bot.say("/today")
    assert en("• 1:30 AM · <b>100 ml</b>") in today.text
    assert en("• 3:30 AM · <b>120 ml</b>") in today.text
    assert "90\xa0ml" not in today.text
    # Yesterday's session still reads 14:30, its local time then.
    await bot.say("/undo")
    await bot.say("/undo")
    last = await bot.say("/last")
    assert en("90 ml yesterday at 2:30 PM") in last.text


async def test_the_autumn_change_keeps_both_half_past_twos(bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 10, 25, 0, 30, tzinfo=UTC))  # 02:30 summer time
    await bot.say("100")
    bot.clock.set(datetime(2026, 10, 25, 1, 30, tzinfo=UTC))  # 02:30 winter time
    reply = await bot.say("110")
    assert "1 h after the previous session." in reply.text
    assert "Today: 210\xa0ml in 2 sessions." in reply.text


# -- property: no text makes the handler fail or store nonsense ----------------------------

TEXTS = st.one_of(
    st.text(max_size=120),
    st.lists(
        st.sampled_from(
            ["L", "R", "v", "h", "120", "600", "4,5", "oz", "dl", "20min", "kl", "14.30",
             "i går", "ago", "for", "siden", "hand", "#", "?", "/log", "/logg", "9:15", "0"]
        ),
        max_size=8,
    ).map(" ".join),
)  # fmt: skip


def test_no_text_makes_the_handler_fail_or_store_nonsense(tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    bot = loop.run_until_complete(BotHarness(tmp_path).start())
    start = bot.clock.now()

    @settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        text=TEXTS, chat_id=st.sampled_from([PARENT_CHAT, GROUP_CHAT]), minutes=st.integers(0, 90)
    )
    @example(text="L 60 R 70 20min", chat_id=PARENT_CHAT, minutes=0)
    @example(text="/log v 600", chat_id=GROUP_CHAT, minutes=1)
    def check(text: str, chat_id: int, minutes: int) -> None:
        bot.clock.advance(minutes=minutes)
        user = bot.telegram.user(901, "nb" if minutes % 2 else "en")
        update = bot.telegram.message_update(chat_id, text, user)
        calls = loop.run_until_complete(bot.feed(update))
        assert not any(APOLOGY in c.text or "Beklager" in c.text for c in calls)
        if any(c.method == "sendMessage" and c.buttons for c in calls):
            outcomes.add("logged")
        if any("Nothing was saved" in c.text or "Ingenting ble lagret" in c.text for c in calls):
            outcomes.add("refused")
        if calls and text.strip():
            # The same message edited into something else (often unreadable).
            edit = bot.telegram.edited_message_update(
                chat_id, update["message"]["message_id"], text[::-1], user
            )
            calls = loop.run_until_complete(bot.feed(edit))
            assert not any(APOLOGY in c.text or "Beklager" in c.text for c in calls)
        for chat in (PARENT_CHAT, GROUP_CHAT):
            for entry in entries(bot, chat):
                assert 0 <= entry.total_ml <= SESSION_MAX_ML
                assert all(
                    s is None or 0 <= s <= SIDE_MAX_ML for s in (entry.left_ml, entry.right_ml)
                )
                assert entry.duration_min is None or 1 <= entry.duration_min <= 180
                assert start - MAX_AGE <= entry.started_at <= bot.clock.now()

    outcomes: set[str] = set()
    try:
        check()
        assert outcomes == {"logged", "refused"}  # the texts reached both outcomes
    finally:
        loop.run_until_complete(bot.stop())
        loop.close()
