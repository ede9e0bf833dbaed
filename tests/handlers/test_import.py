"""Importing a log by sending a CSV file, as a parent sees it: the preview, the confirming tap,
the undo, and the replies to files that can't be imported."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import handlers.imports
from bot.domain.export import ExportRow
from bot.domain.units import Method
from bot.storage.models import ImportBatch, ImportStatus
from tests.support.kit import GROUP_CHAT, PARENT_CHAT, BotHarness
from tests.support.seed import add_session, stored_sessions

BABY_BUDDY_SAMPLE = Path(__file__).parent.parent / "data" / "babybuddy-pumping.csv"
OTHER = 777  # a second parent, in her own private chat


def some_sessions(bot: BotHarness, language: str) -> None:
    """Five sessions with everything an entry can hold, awkward notes included."""
    for i, note in enumerate([None, "sår, men OK", "=1+1", "two\nlines", "-tired"]):
        add_session(
            bot,
            datetime(2026, 3, 5 + i, 6, 30, 15, tzinfo=UTC),
            130.5 + i,
            chat_id=PARENT_CHAT,
            language=language,
            left_ml=60.5 if i % 2 else None,
            right_ml=70 + i if i % 2 else None,
            duration_min=20 if i != 2 else None,
            method=Method.HAND if i == 1 else Method.PUMP,
            note=note,
            logged_by_name="Kari Nordmann",
        )


def imports_of(bot: BotHarness, chat_id: int) -> list[ImportBatch]:
    with bot.services.db.session() as session:
        from sqlmodel import select

        return list(session.exec(select(ImportBatch).where(ImportBatch.chat_id == chat_id)))


@pytest.mark.parametrize("language", ["en", "nb"])
async def test_the_bots_own_export_imports_into_another_chat_exactly(
    bot: BotHarness, language: str
) -> None:
    some_sessions(bot, language)
    export = await bot.say("/export", language_code=language)
    data = export.files["document"]
    preview = await bot.send_file(
        data,
        file_name=export.file_names["document"],
        chat_id=OTHER,
        user_id=OTHER,
        language_code=language,
    )
    if language == "en":
        assert "It is an export from pumpbot." in preview.text
        assert "In it: 5 sessions from Mar 5, 2026 to Mar 9, 2026, 662\u00a0ml in all." in (
            preview.text
        )
        assert "A file can be up to 2 MB with up to 10,000 lines." in preview.text
    else:
        assert "Det er en eksport fra pumpbot." in preview.text
        assert "5 økter fra 5. mars 2026 til 9. mars 2026" in preview.text
    assert stored_sessions(bot, OTHER) == []  # nothing before the tap
    await bot.press("5", chat_id=OTHER, user_id=OTHER, language_code=language)

    original = [ExportRow.of(s) for s in stored_sessions(bot, PARENT_CHAT)]
    assert [ExportRow.of(s) for s in stored_sessions(bot, OTHER)] == original
    again = await bot.say("/export", chat_id=OTHER, user_id=OTHER, language_code=language)
    assert again.files["document"] == data


async def test_the_same_file_twice_adds_nothing(bot: BotHarness) -> None:
    data = BABY_BUDDY_SAMPLE.read_bytes()
    await bot.send_file(data)
    await bot.press("Import 6 sessions")
    assert len(stored_sessions(bot, PARENT_CHAT)) == 6
    preview = await bot.send_file(data)
    assert "6 of them are already in your log and will be skipped." in preview.text
    assert "Everything in it is already in your log, so there's nothing to add." in preview.text
    assert preview.buttons == []
    assert len(stored_sessions(bot, PARENT_CHAT)) == 6


async def test_a_file_overlapping_the_log_adds_only_what_is_new(bot: BotHarness) -> None:
    # The same session as the sample's 06:10 (05:10 UTC), logged by hand before.
    add_session(bot, datetime(2026, 3, 8, 5, 10, tzinfo=UTC), 120, chat_id=PARENT_CHAT)
    preview = await bot.send_file(BABY_BUDDY_SAMPLE.read_bytes())
    assert "1 of them is already in your log and will be skipped." in preview.text
    calls = await bot.press("Import 5 sessions")
    edited = next(c for c in calls if c.method == "editMessageText")
    assert "1 session was already in your log and was skipped." in edited.text
    assert len(stored_sessions(bot, PARENT_CHAT)) == 6


async def test_baby_buddy_sample_is_imported_in_the_chats_time_zone(bot: BotHarness) -> None:
    preview = await bot.send_file(BABY_BUDDY_SAMPLE.read_bytes(), file_name="pumping.csv")
    assert "<b>Import from pumping.csv</b>" in preview.text
    assert "It is a pumping export from Baby Buddy." in preview.text
    assert "6 sessions from Mar 8, 2026 to Mar 9, 2026, 746\u00a0ml in all" in preview.text
    assert "read as Europe/Oslo time" in preview.text
    calls = await bot.press("Import 6 sessions")
    edited = next(c for c in calls if c.method == "editMessageText")
    assert edited.text.startswith("✅ Imported 6 sessions from Mar 8, 2026 to Mar 9, 2026")
    assert [b["text"] for b in edited.buttons] == ["↩️ Undo this import"]
    entries = stored_sessions(bot, PARENT_CHAT)
    first = entries[0]
    assert first.started_at == datetime(2026, 3, 8, 5, 10, tzinfo=UTC)  # 06:10 in Oslo
    assert (first.total_ml, first.duration_min, first.logged_by_name) == (120, 20, "Parent")
    assert [e.note for e in entries if e.note] == [
        "after a short nap",
        "left side sore, tried the smaller flange",
        "night",
    ]
    reply = await bot.say("/week")
    assert "Sessions: 6" in reply.text


async def test_times_without_an_offset_follow_the_chats_zone(bot: BotHarness) -> None:
    await bot.say("/timezone America/New_York")
    await bot.send_file(b"time;amount\n2026-03-07 06:10;120\n2026-03-09 06:10;130\n")
    await bot.press("Import 2 sessions")
    first, second = stored_sessions(bot, PARENT_CHAT)
    assert first.started_at == datetime(2026, 3, 7, 11, 10, tzinfo=UTC)  # EST, UTC-5
    assert second.started_at == datetime(2026, 3, 9, 10, 10, tzinfo=UTC)  # EDT from 8 March


async def test_one_tap_undoes_the_whole_import_and_nothing_else(bot: BotHarness) -> None:
    await bot.say("90 ml")
    await bot.send_file(BABY_BUDDY_SAMPLE.read_bytes())
    await bot.press("Import 6 sessions")
    assert len(stored_sessions(bot, PARENT_CHAT)) == 7
    calls = await bot.press("Undo this import")
    edited = next(c for c in calls if c.method == "editMessageText")
    assert edited.text == "↩️ Import undone: I removed the 6 sessions it added."
    (kept,) = stored_sessions(bot, PARENT_CHAT)
    assert kept.total_ml == 90
    # The old buttons now do nothing.
    batch = imports_of(bot, PARENT_CHAT)[0]
    for data in (f"imp:undo:{batch.id}", f"imp:go:{batch.id}"):
        calls = await bot.tap(data, edited.message_id)
        assert calls[-1].params["text"] == "That button is out of date."
    assert len(stored_sessions(bot, PARENT_CHAT)) == 1


async def test_in_a_group_the_sender_confirms_and_only_an_admin_undoes(bot: BotHarness) -> None:
    bot.telegram.set_member_status(GROUP_CHAT, 13, "administrator")
    await bot.send_file(BABY_BUDDY_SAMPLE.read_bytes(), chat_id=GROUP_CHAT, user_id=11)
    calls = await bot.press("Import 6 sessions", chat_id=GROUP_CHAT, user_id=12)
    assert calls[-1].params["text"] == "Only the person who sent the file can import it."
    assert calls[-1].params["show_alert"] is True
    assert stored_sessions(bot, GROUP_CHAT) == []
    await bot.press("Import 6 sessions", chat_id=GROUP_CHAT, user_id=11)
    assert len(stored_sessions(bot, GROUP_CHAT)) == 6
    # Undoing deletes entries of the family's shared log: a plain member may not, not even
    # the one who imported.
    for member in (11, 12):
        calls = await bot.press("Undo this import", chat_id=GROUP_CHAT, user_id=member)
        assert calls[-1].params["text"].startswith("In a group, only an admin can undo")
        assert len(stored_sessions(bot, GROUP_CHAT)) == 6
    await bot.press("Undo this import", chat_id=GROUP_CHAT, user_id=13)
    assert stored_sessions(bot, GROUP_CHAT) == []


async def test_cancel_imports_nothing(bot: BotHarness) -> None:
    preview = await bot.send_file(BABY_BUDDY_SAMPLE.read_bytes())
    calls = await bot.press("Cancel")
    assert calls[-1].params["text"] == "Cancelled. Nothing was imported."
    go = next(
        b["callback_data"] for b in preview.buttons if b["callback_data"].startswith("imp:go")
    )
    calls = await bot.tap(go, preview.message_id)
    assert calls[-1].params["text"] == "That button is out of date."
    assert stored_sessions(bot, PARENT_CHAT) == []


async def test_lines_it_cannot_read_are_listed_and_left_out(bot: BotHarness) -> None:
    data = (
        b"time,amount,note\n"
        b"2026-03-08 06:10,120,\n"
        b"2026-03-11 06:10,120,\n"
        b"2026-03-08 08:10,2000,\n"
        b"2026-03-08 09:10,100,=SUM(A1)\n"
        b"8/3/2026 10:10,100,\n"
    )
    preview = await bot.send_file(data)
    text = preview.text
    assert "I can't read 4 lines, so they will be left out:" in text
    assert "• line 3: the time is in the future" in text
    assert "• line 4: the amount must be more than 0 and at most 1,000\u00a0ml" in text
    assert "• line 5: a cell starts like a spreadsheet formula (= + - @), which I don't" in text
    assert "• line 6: I can't read the time (write it like 2026-03-09 14:30)" in text
    await bot.press("Import 1 session")
    assert [s.total_ml for s in stored_sessions(bot, PARENT_CHAT)] == [120]


async def test_many_bad_lines_are_summed_up(bot: BotHarness) -> None:
    data = b"time,amount\n2026-03-08 06:10,120\n" + b"soon,120\n" * 20
    preview = await bot.send_file(data)
    assert "I can't read 20 lines" in preview.text
    assert preview.text.count("• line") == 8
    assert "… and 12 more lines." in preview.text


BAD_FILES = [
    ("log.xlsx", "application/vnd.ms-excel", b"PK\x03\x04", "This is a spreadsheet file"),
    ("photo.jpg", "image/jpeg", b"\xff\xd8\xff", "I can only import CSV files"),
    ("log.csv", "text/csv", b"\x00\x01binary", "I couldn't read this file as text"),
    ("log.csv", "text/csv", b"name,colour\nEmma,blue\n", "in the file's first line (name, colour)"),
    ("log.csv", "text/csv", b"", "This file is empty."),
    ("log.csv", "text/csv", b"time,amount\n2026-03-11 06:10,120\n", "no session in it I can read"),
]


@pytest.mark.parametrize(("name", "mime", "data", "expected"), BAD_FILES)
async def test_files_it_cannot_import_get_a_clear_reply_and_change_nothing(
    bot: BotHarness, name: str, mime: str, data: bytes, expected: str
) -> None:
    reply = await bot.send_file(data, file_name=name, mime_type=mime)
    assert expected in reply.text
    assert "Nothing was imported." in reply.text or "nothing was imported" in reply.text
    assert reply.buttons == []
    assert stored_sessions(bot, PARENT_CHAT) == []
    assert all(b.status != ImportStatus.IMPORTED for b in imports_of(bot, PARENT_CHAT))


async def test_too_big_a_file_is_refused_before_it_is_fetched(bot: BotHarness) -> None:
    reply = await bot.send_file(b"time,amount\n", file_size=5 * 1024 * 1024)
    assert "bigger than 2 MB, the most I can import at once" in reply.text
    assert "up to 10,000 lines" in reply.text
    assert not [c for c in bot.telegram.calls if c.method == "getFile"]


async def test_a_group_ignores_documents_that_are_not_csv(bot: BotHarness) -> None:
    user = bot.telegram.user(11)
    update = bot.telegram.document_update(
        GROUP_CHAT, user, b"%PDF-1.7", file_name="scan.pdf", mime_type="application/pdf"
    )
    calls = await bot.feed(update)
    assert not [c for c in calls if c.method == "sendMessage"]


async def test_in_bokmaal(bot: BotHarness) -> None:
    preview = await bot.send_file(BABY_BUDDY_SAMPLE.read_bytes(), language_code="nb")
    assert "Det er en pumpeeksport fra Baby Buddy." in preview.text
    assert "6 økter fra 8. mars 2026 til 9. mars 2026, 746\u00a0ml i alt" in preview.text
    assert "En fil kan være opptil 2 MB med opptil 10\u00a0000 linjer." in preview.text
    calls = await bot.press("Importer 6 økter", language_code="nb")
    edited = next(c for c in calls if c.method == "editMessageText")
    assert edited.text.startswith("✅ Importerte 6 økter")
    reply = await bot.send_file(b"navn;farge\nEmma;bl\xe5\n", language_code="nb")
    assert "Ingenting ble importert." in reply.text


async def test_import_shows_typing_while_it_reads(bot: BotHarness) -> None:
    await bot.send_file(BABY_BUDDY_SAMPLE.read_bytes())
    methods = [c.method for c in bot.telegram.calls]
    action = next(c for c in bot.telegram.calls if c.method == "sendChatAction")
    assert action.params["action"] == "typing"
    assert methods.index("sendChatAction") < methods.index("sendMessage")


async def test_import_command_explains_files_and_limits(bot: BotHarness) -> None:
    reply = await bot.say("/import")
    assert "Baby Buddy" in reply.text and "A file can be up to 2 MB" in reply.text
    reply = await bot.say("/importer", chat_id=OTHER, user_id=OTHER, language_code="nb")
    assert "opptil 2 MB" in reply.text


async def test_reading_a_file_keeps_the_event_loop_free_for_other_chats(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While one chat's file is read on a worker thread, another chat's log is confirmed."""
    read_started, other_confirmed = threading.Event(), threading.Event()
    real_read = handlers.imports.read_import

    def slow_read(*args: Any) -> Any:
        read_started.set()
        assert other_confirmed.wait(10), "the other chat waited for the import"
        return real_read(*args)

    monkeypatch.setattr(handlers.imports, "read_import", slow_read)
    importing = asyncio.create_task(bot.send_file(BABY_BUDDY_SAMPLE.read_bytes()))
    assert await asyncio.to_thread(read_started.wait, 10)
    user = bot.telegram.user(OTHER)
    calls = await bot.feed(bot.telegram.message_update(OTHER, "120 ml", user))
    assert any("Logged 120" in c.text for c in calls)
    other_confirmed.set()
    preview = await importing
    assert "6 sessions" in preview.text
