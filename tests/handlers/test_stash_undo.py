"""Undoing or deleting a logged session takes the milk still stored from it out of the stash:
/undo, the Undo button, /history's Delete and undoing an import, in both languages. Milk
already used stays in the stash's history, and the morning note forgets the milk that went."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.stash import Place, PortionState, gone_with_session
from bot.storage.models import StashPortion
from bot.storage.repo import StashRepo
from bot.terminal.fakeapi import ApiCall
from scheduler.stash_notes import note_job_name
from tests.support.kit import PARENT_CHAT, BotHarness
from tests.support.seed import stored_sessions

NORWEGIAN_CHAT = 602


def plain(text: str) -> str:
    """The text as read: no HTML tags, ordinary spaces."""
    return re.sub(r"<[^>]+>", "", text).replace("\u202f", " ").replace("\u00a0", " ")


def stored(bot: BotHarness, chat_id: int = PARENT_CHAT) -> list[tuple[str, float]]:
    with bot.services.db.session() as session:
        return [(p.place, p.amount_ml) for p in StashRepo(session, chat_id).stored()]


def note_armed(bot: BotHarness, chat_id: int = PARENT_CHAT) -> bool:
    return bool(bot.app.job_queue.get_jobs_by_name(note_job_name(chat_id)))


def note_time(bot: BotHarness, chat_id: int = PARENT_CHAT) -> datetime | None:
    jobs = bot.app.job_queue.get_jobs_by_name(note_job_name(chat_id))
    return jobs[0].job.trigger.run_date if jobs else None


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Europe/Oslo")).astimezone(UTC)  # type: ignore[misc]


def edited(calls: list[ApiCall]) -> list[str]:
    return [plain(c.text) for c in calls if c.method == "editMessageText"]


def stash_rows(bot: BotHarness) -> list[tuple[str, str, str]]:
    """(place, amount, state) of every row in /export's stash file."""
    calls = bot.sent_to(PARENT_CHAT, "sendDocument")
    files = {
        name: data
        for call in calls
        for name, data in zip(call.file_names.values(), call.files.values(), strict=True)
    }
    (data,) = [data for name, data in files.items() if name.startswith("pumpbot-stash-")]
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return [(r["place"], r["amount_ml"], r["state"]) for r in rows]


async def test_undo_takes_the_frozen_milk_of_the_session_out_of_the_stash(
    bot: BotHarness,
) -> None:
    await bot.say("120 ml")
    await bot.press("🧊 Freezer")
    assert stored(bot) == [("freezer", 120.0)] and note_armed(bot)

    reply = plain((await bot.say("/undo")).text)
    assert "Removed 120 ml today at 10:00 AM." in reply
    assert "The 120 ml of this session's milk in the freezer is gone from your stash too." in reply
    assert stored(bot) == []
    assert not note_armed(bot)  # no morning note about milk that is gone
    shown = plain((await bot.say("/stash")).text)
    assert "Nothing stored yet" in shown and "120 ml" not in shown


async def test_norwegian_undo_says_the_milk_left_the_stash(bot: BotHarness) -> None:
    nb = {"chat_id": NORWEGIAN_CHAT, "language_code": "nb"}
    await bot.say("120 ml", **nb)
    await bot.press("🧊 Fryser", **nb)
    reply = plain((await bot.say("/angre", **nb)).text)
    assert "Fjernet 120 ml" in reply
    assert "De 120 ml fra denne økten som lå i fryseren, er også fjernet fra lageret ditt." in reply
    assert stored(bot, NORWEGIAN_CHAT) == []
    assert "Ingenting er lagret ennå" in plain((await bot.say("/lager", **nb)).text)


async def test_the_undo_button_takes_the_fridge_milk_and_its_morning_note(
    bot: BotHarness,
) -> None:
    await bot.say("120 ml")  # Tue 10 Mar 10:00 in Oslo: in the fridge until Sat 14 Mar 10:00
    await bot.press("🥛 Fridge")
    assert note_time(bot) == oslo(2026, 3, 14, 6, 0)
    bot.clock.advance(hours=26)
    await bot.say("fridge 60")  # typed, no session: until Sun 15 Mar 12:00, and it stays
    assert stored(bot) == [("fridge", 120.0), ("fridge", 60.0)]

    calls = await bot.press("Undo")
    (text,) = edited(calls)  # the confirmation turns into the removal note
    assert "Removed 120 ml" in text
    assert "The 120 ml of this session's milk in the fridge is gone from your stash too." in text
    assert stored(bot) == [("fridge", 60.0)]
    assert note_time(bot) == oslo(2026, 3, 15, 6, 0)  # the note is for the typed milk only


async def test_thawed_milk_of_an_undone_session_goes_too(bot: BotHarness) -> None:
    await bot.say("120 ml")
    await bot.press("🧊 Freezer")
    await bot.say("/stash")
    await bot.press("Thaw the oldest")
    reply = plain((await bot.say("/undo")).text)
    assert "The 120 ml of this session's milk in the fridge is gone from your stash too." in reply
    assert stored(bot) == []


async def test_milk_already_used_stays_in_the_history_and_only_the_rest_goes(
    bot: BotHarness,
) -> None:
    await bot.say("120 ml")
    await bot.press("🥛 Fridge")
    await bot.say("/stash use 50")  # 50 ml used, 70 ml left of that portion
    reply = plain((await bot.say("/undo")).text)
    assert "The 70 ml of this session's milk in the fridge is gone from your stash too." in reply
    assert stored(bot) == []
    await bot.say("/export")
    assert stash_rows(bot) == [("fridge", "50", "used")]


async def test_undoing_a_session_with_no_milk_stored_says_nothing_about_the_stash(
    bot: BotHarness,
) -> None:
    await bot.say("froze 90")
    await bot.say("120 ml")
    reply = plain((await bot.say("/undo")).text)
    assert "Removed 120 ml" in reply
    assert "stash" not in reply
    assert stored(bot) == [("freezer", 90.0)]


async def test_deleting_from_history_takes_the_milk_too(bot: BotHarness) -> None:
    await bot.say("120 ml")
    await bot.press("🥛 Fridge")
    await bot.say("/history")
    await bot.press("120\u00a0ml")
    (text,) = edited(await bot.press("Delete"))
    assert "Deleted:" in text
    assert "The 120 ml of this session's milk in the fridge is gone from your stash too." in text
    assert stored(bot) == [] and not note_armed(bot)


async def test_undoing_an_import_takes_milk_stored_from_its_sessions(bot: BotHarness) -> None:
    """An imported session has no store buttons, but button data naming it stores its milk."""
    await bot.send_file(b"time;amount\n2026-03-09 06:10;120\n2026-03-09 12:10;130\n")
    calls = await bot.press("Import 2 sessions")
    first = stored_sessions(bot, PARENT_CHAT)[0]
    await bot.tap(f"stash:put:fridge:{first.id}", calls[-1].result["message_id"])
    assert stored(bot) == [("fridge", 120.0)]
    (text,) = edited(await bot.press("Undo this import"))
    assert "I removed the 2 sessions it added." in text
    assert "The 120 ml of those sessions' milk in the fridge is gone from your stash too." in text
    assert stored(bot) == [] and not note_armed(bot)


@pytest.mark.parametrize(
    ("state", "goes"),
    [(PortionState.STORED, True), (PortionState.USED, False), (PortionState.DISCARDED, False)],
)
def test_only_milk_still_stored_leaves_with_its_session(state: PortionState, goes: bool) -> None:
    moment = datetime(2026, 3, 10, 9, tzinfo=UTC)
    portion = StashPortion(
        chat_id=PARENT_CHAT,
        place=Place.FREEZER,
        state=state,
        amount_ml=120,
        pumped_at=moment,
        use_by=moment,
        session_id=1,
    )
    assert gone_with_session([portion]) == ([portion] if goes else [])
