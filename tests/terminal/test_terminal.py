"""The terminal chat in process: how bot messages, buttons and files print, and the chat loop."""

from __future__ import annotations

import asyncio
import io
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import FakeClock
from bot.terminal.chat import (
    PARENT_ID,
    RESET,
    StdinLines,
    TerminalChat,
    chat_config,
    choice_lines,
    message_block,
    render_html,
    render_text,
    run_chat,
    saved_file_name,
)
from tests.support.kit import TEST_TOKEN, BotHarness

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
ANSI = re.compile(r"\x1b\[[\d;]*m")

# -- rendering ---------------------------------------------------------------------------------


def test_html_tags_vanish_and_entities_unescape() -> None:
    html = "<b>Logged</b> 120 ml at <code>14:30</code> &amp; <i>kept</i> &lt;3 &quot;ok&quot;"
    assert render_html(html) == 'Logged 120 ml at 14:30 & kept <3 "ok"'


def test_a_link_shows_where_it_leads_once() -> None:
    assert render_html('See <a href="https://example.org/a">the guide</a>.') == (
        "See the guide (https://example.org/a)."
    )
    assert render_html('<a href="https://example.org">https://example.org</a>') == (
        "https://example.org"
    )


def test_a_quote_gets_a_bar_on_every_line() -> None:
    assert render_html("Tip:\n<blockquote>Rest.\nDrink water.</blockquote>") == (
        "Tip:\n│ Rest.\n│ Drink water."
    )


def test_colour_styles_nest_and_end_reset() -> None:
    shown = render_html("<b>bold <i>both</i> bold</b> plain", color=True)
    assert ANSI.sub("", shown) == "bold both bold plain"
    bold, italic = "\x1b[1m", "\x1b[3m"
    # After </i> the text is bold again, and after </b> nothing is styled.
    assert shown == (f"{RESET}{bold}bold {RESET}{bold}{italic}both{RESET}{bold} bold{RESET} plain")


def test_text_without_parse_mode_is_shown_as_sent() -> None:
    assert render_text("1 < 2 <b>", None) == "1 < 2 <b>"
    assert render_text("<b>x</b> &amp;", "HTML") == "x &"


def test_buttons_are_numbered_choices_and_links_show_their_address() -> None:
    buttons = [
        {"text": "Millilitres (ml)", "callback_data": "set:unit:ml"},
        {"text": "Guide", "url": "https://example.org"},
    ]
    assert choice_lines(buttons) == ["/1  Millilitres (ml)", "/2  Guide (https://example.org)"]


def test_a_message_block_indents_lines_and_choices_under_the_first() -> None:
    assert message_block("pumpbot", "Which unit?\n\nPick one.", ["/1  ml"]) == (
        "pumpbot: Which unit?\n\n         Pick one.\n         /1  ml"
    )


def test_saved_file_names_are_safe() -> None:
    assert saved_file_name("pumping log.csv", b"a,b") == "pumping_log.csv"
    assert saved_file_name("../../etc/passwd", b"x") == "passwd"
    assert saved_file_name("application.octet-stream", PNG) == "photo.png"
    assert saved_file_name(None, b"\xff\xd8\xff") == "photo.jpg"


# -- the chat, against the test kit's application ------------------------------------------------


@pytest.fixture
async def terminal(bot: BotHarness, tmp_path: Path) -> AsyncIterator[TerminalChat]:
    chat = TerminalChat(
        bot.app, bot.telegram, language="en", files_dir=tmp_path / "files", out=io.StringIO()
    )
    bot.telegram.listeners.append(chat.on_call)
    yield chat


def printed(terminal: TerminalChat) -> str:
    out = terminal.out
    assert isinstance(out, io.StringIO)
    return out.getvalue()


async def test_a_reply_prints_as_terminal_text(terminal: TerminalChat) -> None:
    await terminal.handle_line("/start")
    assert "pumpbot: Hi! I'm pumpbot" in printed(terminal)
    assert "<b>" not in printed(terminal) and "&amp;" not in printed(terminal)
    assert "L 60 R 70 20min" in printed(terminal)


async def test_choosing_a_button_by_number_taps_it(terminal: TerminalChat) -> None:
    await terminal.handle_line("/units")
    assert "/1  Millilitres (ml)\n" in printed(terminal)
    assert "/2  Ounces (oz)\n" in printed(terminal)
    await terminal.handle_line("/2")
    assert "pumpbot (edited): Done! I'll show amounts in Ounces (oz)." in printed(terminal)
    await terminal.handle_line("/settings")
    assert "Unit: Ounces (oz)" in printed(terminal)


async def test_choices_belong_to_the_newest_message_with_buttons(terminal: TerminalChat) -> None:
    await terminal.handle_line("/language")
    await terminal.handle_line("/units")
    await terminal.handle_line("/1")  # the units message, not the language one
    assert "Done! I'll show amounts in Millilitres (ml)." in printed(terminal)
    # The units message lost its buttons when edited; there is nothing left to pick from it.
    await terminal.handle_line("/1")
    assert "There are no buttons to choose from right now." in printed(terminal)


async def test_a_bottle_is_fed_and_undone_in_the_terminal(terminal: TerminalChat) -> None:
    await terminal.handle_line("fridge 90")
    await terminal.handle_line("fed 60")
    assert "pumpbot: 🍼 Logged a feed of 60\u00a0ml, all from the stash." in printed(terminal)
    assert "/1  ↩️ Undo" in printed(terminal)
    await terminal.handle_line("/1")
    assert "The feed of 60\u00a0ml is undone" in printed(terminal)
    await terminal.handle_line("/stash")
    assert "Fridge: 90\u00a0ml in 1 portion" in printed(terminal)


async def test_a_number_out_of_range_explains_the_choices(terminal: TerminalChat) -> None:
    await terminal.handle_line("/units")
    await terminal.handle_line("/7")
    assert "There is no choice 7; pick one from /1 to /2." in printed(terminal)


async def test_a_popup_answer_prints(terminal: TerminalChat, bot: BotHarness) -> None:
    await terminal.handle_line("/units")
    message_id = terminal.choices_message
    assert message_id is not None
    forged = bot.telegram.callback_update(PARENT_ID, message_id, "set:unit:litres", terminal.user)
    await terminal.feed(forged)
    assert "pumpbot (popup): That button is out of date." in printed(terminal)


async def test_an_edit_that_only_changes_buttons_reprints_the_text(
    terminal: TerminalChat, bot: BotHarness
) -> None:
    await terminal.handle_line("/units")
    message_id = terminal.choices_message
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Again", callback_data="set:x")]])
    await bot.app.bot.edit_message_reply_markup(PARENT_ID, message_id, reply_markup=keyboard)
    assert "pumpbot (edited): Which unit should I use for amounts?\n" in printed(terminal)
    assert printed(terminal).endswith("/1  Again\n")


async def test_photos_and_documents_are_saved_and_their_path_printed(
    terminal: TerminalChat, bot: BotHarness, tmp_path: Path
) -> None:
    await bot.app.bot.send_photo(PARENT_ID, PNG, caption="<b>This week</b>")
    await bot.app.bot.send_document(PARENT_ID, b"day,ml\n", filename="pumping.csv")
    await bot.app.bot.send_document(PARENT_ID, b"day,oz\n", filename="pumping.csv")
    folder = tmp_path / "files"
    photo, first, second = folder / "photo.png", folder / "pumping.csv", folder / "pumping-2.csv"
    assert sorted(folder.iterdir()) == sorted([photo, first, second])
    assert photo.read_bytes() == PNG
    assert first.read_bytes() == b"day,ml\n" and second.read_bytes() == b"day,oz\n"
    assert "pumpbot: This week" in printed(terminal)
    assert f"Photo saved to {photo.resolve()}" in printed(terminal)
    assert f"File saved to {second.resolve()}" in printed(terminal)


async def test_the_terminal_speaks_norwegian_with_lang_nb(bot: BotHarness, tmp_path: Path) -> None:
    chat = TerminalChat(
        bot.app, bot.telegram, language="nb", files_dir=tmp_path / "filer", out=io.StringIO()
    )
    bot.telegram.listeners.append(chat.on_call)
    chat.banner("chat.sqlite3")
    await chat.handle_line("/start")
    await chat.handle_line("/9")
    await bot.app.bot.send_document(PARENT_ID, b"x", filename="logg.csv")
    text = printed(chat)
    assert "Dette er pumpbot på din egen maskin" in text
    assert "Jeg er pumpbot" in text  # the simulated user has language_code nb
    assert "Det er ingen knapper å velge mellom akkurat nå." in text
    assert "Filen er lagret som" in text


# -- the whole loop: start-up, input, jobs while waiting, shut-down ----------------------------


class Script:
    """Typed lines, then optionally one action awaited while the terminal waits for more."""

    def __init__(
        self, lines: list[str], then: Callable[[TerminalChat], Awaitable[None]] | None = None
    ) -> None:
        self.lines = lines
        self.then = then
        self.terminal: TerminalChat | None = None
        self.asked = 0

    def ready(self, terminal: TerminalChat) -> None:
        self.terminal = terminal

    async def next(self) -> str | None:
        self.asked += 1
        if self.lines:
            return self.lines.pop(0)
        if self.then is not None and self.terminal is not None:
            await self.then(self.terminal)
        return None


async def chat_run(
    tmp_path: Path, script: Script, start: datetime = START, **options: object
) -> str:
    out = io.StringIO()
    config = chat_config(
        tmp_path / "chat.sqlite3", language="en", timezone="Europe/Oslo", token=TEST_TOKEN
    )
    await run_chat(
        config,
        language=str(options.pop("language", "en")),
        files_dir=tmp_path / "files",
        lines=script,
        out=out,
        clock=FakeClock(start),
        on_ready=script.ready,
        **options,  # type: ignore[arg-type]
    )
    return out.getvalue()


async def test_quit_stops_reading_and_shuts_down(tmp_path: Path) -> None:
    script = Script(["/start", "/quit", "/help"])
    text = await chat_run(tmp_path, script)
    assert "> /start\npumpbot: Hi! I'm pumpbot" in text
    assert "/help" not in text.split("> /quit")[1]
    assert script.asked == 2
    assert (tmp_path / "chat.sqlite3").exists()


async def test_a_job_prints_while_the_terminal_waits_for_a_line(tmp_path: Path) -> None:
    async def reminder_fires(terminal: TerminalChat) -> None:
        sent = asyncio.Event()
        terminal.telegram.listeners.append(lambda call: sent.set())

        async def remind(context: object) -> None:
            await terminal.application.bot.send_message(PARENT_ID, "<b>Time to pump</b>")

        assert terminal.application.job_queue is not None
        terminal.application.job_queue.run_once(remind, when=0)
        await asyncio.wait_for(sent.wait(), timeout=10)

    text = await chat_run(tmp_path, Script(["/start"], then=reminder_fires), interactive=True)
    # The prompt was on screen: the reminder clears that line, prints, and shows the prompt again.
    assert "> \r\x1b[Kpumpbot: Time to pump\n> " in text


async def test_message_ids_of_a_later_run_never_repeat_an_earlier_one(tmp_path: Path) -> None:
    ids: list[int] = []

    async def remember(terminal: TerminalChat) -> None:
        ids.extend(key[1] for key in terminal.telegram.messages)

    await chat_run(tmp_path, Script(["/start", "/help"], then=remember))
    first_run = list(ids)
    ids.clear()
    await chat_run(tmp_path, Script(["/start"], then=remember), start=START + timedelta(minutes=1))
    assert min(ids) > max(first_run)


async def test_lang_and_tz_given_again_change_the_chat_an_earlier_run_made(
    tmp_path: Path,
) -> None:
    await chat_run(tmp_path, Script(["/start"]))
    text = await chat_run(
        tmp_path,
        Script(["/settings"]),
        language="nb",
        chat_changes={"language": "nb", "timezone": "America/New_York"},
    )
    assert "Språk: Norsk bokmål" in text and "Tidssone: America/New_York" in text


def test_stdin_lines_are_read_off_the_event_loop_until_eof() -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as writer:
        writer.write("/start\r\nL 60\n")

    async def read_all() -> list[str | None]:
        with os.fdopen(read_end) as reader:
            lines = StdinLines(reader)
            return [await lines.next() for _ in range(3)]

    assert asyncio.run(read_all()) == ["/start", "L 60", None]


async def test_file_sends_a_csv_to_import(terminal: TerminalChat, tmp_path: Path) -> None:
    csv_file = tmp_path / "old-log.csv"
    csv_file.write_bytes(b"time;amount\n2026-03-08 06:10;120\n")
    await terminal.handle_line(f"/file {csv_file}")
    assert "Import from old-log.csv" in printed(terminal)
    await terminal.handle_line("/1")
    assert "Imported 1 session" in printed(terminal)
    await terminal.handle_line(f"/file {tmp_path / 'missing.csv'}")
    assert "I can't read the file" in printed(terminal)
