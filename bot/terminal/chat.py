"""The terminal chat: the real bot, scheduler and database, with you typing as the parent.

`pumpbot chat` runs the same Application as production against the in-process fake Bot API
(`bot/fakeapi.py`). Each line you type becomes one update; everything the bot sends reaches
`TerminalChat.on_call` through a FakeTelegram listener and prints the moment it is sent, so a
reminder shows up while the prompt waits for you.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol, TextIO

from telegram import Update

from bot.app import build_application
from bot.clock import Clock
from bot.config import Config
from bot.services import PumpApplication, Services
from bot.storage.repo import ChatRepo
from bot.terminal.fakeapi import BOT_USER, JSON, ApiCall, FakeRequest, FakeTelegram
from bot.text.i18n import N_, Translator, translator

BOT_NAME = str(BOT_USER["first_name"])
# The simulated parent; in a private chat Telegram uses the user's id as the chat id.
PARENT_ID = 1001
PARENT_NAME = N_("Parent")
QUIT_COMMANDS = ("/quit", "/exit")
FILE_COMMAND = "/file "  # `/file PATH` sends that file as a document
CHOICE = re.compile(r"^/(\d+)$")
PROMPT = "> "

SEND_METHODS = {
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "sendAudio",
    "sendVideo",
    "sendAnimation",
    "sendVoice",
    "sendMediaGroup",
}
EDIT_METHODS = {"editMessageText", "editMessageCaption", "editMessageReplyMarkup"}

# ANSI styles for Telegram's HTML tags, used only when printing to a real terminal.
STYLES = {
    "b": "1",
    "strong": "1",
    "i": "3",
    "em": "3",
    "u": "4",
    "ins": "4",
    "s": "9",
    "strike": "9",
    "del": "9",
    "code": "36",
    "pre": "36",
}
RESET = "\x1b[0m"


# -- rendering: pure functions, tested directly --------------------------------------------


class _TelegramHTML(HTMLParser):
    """Turns Telegram's HTML subset into terminal text: tags become styles (or vanish),
    entities are unescaped, links show their address, quotes get a bar."""

    def __init__(self, color: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.color = color
        self.parts: list[list[str]] = [[]]  # a stack: links and quotes collect their own text
        self.styles: list[str] = []
        self.links: list[str] = []

    def _emit(self, text: str) -> None:
        self.parts[-1].append(text)

    def _restyle(self) -> None:
        if self.color:
            self._emit(RESET + "".join(f"\x1b[{STYLES[tag]}m" for tag in self.styles))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in STYLES:
            self.styles.append(tag)
            self._restyle()
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
            self.parts.append([])
        elif tag == "blockquote":
            self.parts.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in STYLES and tag in self.styles:
            del self.styles[len(self.styles) - 1 - self.styles[::-1].index(tag)]
            self._restyle()
        elif tag == "a" and self.links:
            href = self.links.pop()
            label = "".join(self.parts.pop())
            plain = re.sub(r"\x1b\[[\d;]*m", "", label)
            self._emit(label if not href or href == plain else f"{label} ({href})")
        elif tag == "blockquote" and len(self.parts) > 1:
            quoted = "".join(self.parts.pop()).strip("\n")
            self._emit("\n".join("│ " + line for line in quoted.split("\n")))

    def handle_data(self, data: str) -> None:
        self._emit(data)

    def text(self) -> str:
        self.close()
        while len(self.parts) > 1:  # an unclosed link or quote: keep its text
            inner = self.parts.pop()
            self.parts[-1].extend(inner)
        text = "".join(self.parts[0])
        return text + RESET if self.color and self.styles else text


def render_html(text: str, *, color: bool = False) -> str:
    """Telegram HTML as terminal text: `<b>Hi</b> &amp; bye` -> `Hi & bye` (bold with color)."""
    parser = _TelegramHTML(color)
    parser.feed(text)
    return parser.text()


def render_text(text: str, parse_mode: str | None, *, color: bool = False) -> str:
    if (parse_mode or "").upper() == "HTML":
        return render_html(text, color=color)
    return text


def buttons_of(markup: Any) -> list[JSON]:
    """The inline buttons of a reply_markup (JSON text or dict), rows flattened."""
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not isinstance(markup, dict):
        return []
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def choice_lines(buttons: list[JSON]) -> list[str]:
    """`/1  Millilitres (ml)` for each button; a link button shows where it leads."""
    lines = []
    for number, button in enumerate(buttons, start=1):
        label = str(button.get("text", ""))
        if button.get("url"):
            label = f"{label} ({button['url']})"
        lines.append(f"/{number}  {label}")
    return lines


def message_block(label: str, body: str, choices: list[str] | None = None) -> str:
    """`pumpbot: first line`, further lines and the choices indented under the first."""
    indent = " " * (len(label) + 2)
    lines = body.split("\n") if body else [""]
    out = [f"{label}: {lines[0]}".rstrip()]
    out += [(indent + line) if line else "" for line in lines[1:]]
    out += [indent + line for line in choices or []]
    return "\n".join(out)


def saved_file_name(name: str | None, content: bytes) -> str:
    """A safe file name for a file the bot sent: `pumping.csv`, or `photo.png` for bare bytes."""
    base = Path(name or "").name
    base = re.sub(r"[^\w.\-]+", "_", base).strip("._") or "file"
    if base in ("application.octet-stream", "file"):
        if content.startswith(b"\x89PNG"):
            base = "photo.png"
        elif content.startswith(b"\xff\xd8"):
            base = "photo.jpg"
        elif content.startswith(b"%PDF"):
            base = "document.pdf"
        else:
            base = "file.bin"
    return base


def free_path(folder: Path, name: str) -> Path:
    """`folder/name`, or `name-2`, `name-3` ... so an earlier file is never overwritten."""
    path = folder / name
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{Path(name).stem}-{number}{Path(name).suffix}"
    return path


# -- the chat ------------------------------------------------------------------------------


class LineSource(Protocol):
    async def next(self) -> str | None:
        """The next line typed, without its newline; None at the end of input."""
        ...


class StdinLines:
    """Lines from a stream, read on a daemon thread so the event loop (and with it the
    reminder jobs) never waits for the keyboard. A daemon thread rather than the loop's
    executor: at Ctrl-C the executor would wait for a readline that may never return."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.thread: threading.Thread | None = None

    def _read(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            while line := self.stream.readline():
                loop.call_soon_threadsafe(self.queue.put_nowait, line.rstrip("\r\n"))
        except (OSError, ValueError):  # the stream was closed under us
            pass
        loop.call_soon_threadsafe(self.queue.put_nowait, None)

    async def next(self) -> str | None:
        if self.thread is None:
            loop = asyncio.get_running_loop()
            self.thread = threading.Thread(
                target=self._read, args=(loop,), name="pumpbot-stdin", daemon=True
            )
            self.thread.start()
        return await self.queue.get()


@dataclass
class Shown:
    """What the terminal last printed for one bot message (to re-print it when edited)."""

    text: str
    parse_mode: str | None
    buttons: list[JSON] = field(default_factory=list)


class TerminalChat:
    """One private chat between you and the bot, printed to `out`."""

    def __init__(
        self,
        application: PumpApplication,
        telegram: FakeTelegram,
        *,
        language: str,
        files_dir: Path,
        out: TextIO,
        interactive: bool = False,
        color: bool = False,
    ) -> None:
        self.application = application
        self.telegram = telegram
        self.tr: Translator = translator(language)
        self.files_dir = files_dir
        self.out = out
        self.interactive = interactive
        self.color = color
        self.chat_id = PARENT_ID
        self.user = telegram.user(PARENT_ID, language, self.tr._(PARENT_NAME))
        self.shown: dict[int, Shown] = {}
        # The message whose buttons /1, /2 ... pick: the newest one that shows buttons.
        self.choices_message: int | None = None
        self.waiting = False  # the prompt is on screen, waiting for a line

    # -- output ----------------------------------------------------------------------------

    def _label(self, label: str) -> str:
        return f"\x1b[1m{label}{RESET}" if self.color else label

    def write(self, block: str) -> None:
        """Print a block; if the prompt is waiting, print above it and show it again."""
        if self.waiting and self.interactive:
            self.out.write("\r\x1b[K")
        self.out.write(block + "\n")
        if self.waiting and self.interactive:
            self.out.write(PROMPT)
        self.out.flush()

    def _say(self, label: str, body: str, choices: list[str] | None = None) -> None:
        block = message_block(label, body, choices)
        if self.color:
            block = block.replace(label, self._label(label), 1)
        self.write(block)

    def note(self, text: str) -> None:
        """A line from the terminal itself (not from the bot)."""
        self.write(f"  · {text}")

    def banner(self, database: str) -> None:
        tr = self.tr
        self.write(
            "\n".join(
                [
                    tr._(
                        "This is pumpbot on your own computer: no Telegram, no token. You are a "
                        "parent in a private chat with the bot."
                    ),
                    tr._(
                        "Type a message or a command as you would in Telegram; try /start. "
                        "Pick a button by typing its number, like /1. Quit with /quit or Ctrl-D."
                    ),
                    tr._(
                        "What you log is kept in {database}; photos and documents are saved in "
                        "{folder}.",
                        database=database,
                        folder=self.files_dir,
                    ),
                    "",
                ]
            )
        )

    # -- what the bot does (a FakeTelegram listener) -----------------------------------------

    def on_call(self, call: ApiCall) -> None:
        """Print what one Bot API call showed the user."""
        if call.method == "answerCallbackQuery":
            if call.params.get("text"):
                self._say(self.tr._("{bot} (popup)", bot=BOT_NAME), str(call.params["text"]))
            return
        if call.chat_id != self.chat_id:
            return
        if call.method in SEND_METHODS:
            self._show_sent(call)
        elif call.method in EDIT_METHODS:
            self._show_edited(call)
        elif call.method == "deleteMessage":
            message_id = int(call.params["message_id"])
            self.shown.pop(message_id, None)
            if self.choices_message == message_id:
                self.choices_message = None
            self.note(self.tr._("{bot} deleted one of its messages.", bot=BOT_NAME))

    def _show_sent(self, call: ApiCall) -> None:
        messages = call.result if isinstance(call.result, list) else [call.result]
        message_id = int(messages[0]["message_id"])
        shown = Shown(
            call.text, call.params.get("parse_mode"), buttons_of(call.params.get("reply_markup"))
        )
        self._show(BOT_NAME, message_id, shown)
        for part, content in call.files.items():
            self._save(call, part, content)

    def _show_edited(self, call: ApiCall) -> None:
        message_id = int(call.params["message_id"])
        before = self.shown.get(message_id) or Shown("", None)
        if call.method == "editMessageReplyMarkup":
            shown = Shown(before.text, before.parse_mode)
        else:
            shown = Shown(call.text, call.params.get("parse_mode"))
        shown.buttons = buttons_of(call.params.get("reply_markup"))
        self._show(self.tr._("{bot} (edited)", bot=BOT_NAME), message_id, shown)

    def _show(self, label: str, message_id: int, shown: Shown) -> None:
        self.shown[message_id] = shown
        if shown.buttons:
            self.choices_message = message_id
        elif self.choices_message == message_id:
            self.choices_message = None  # its buttons are gone
        body = render_text(shown.text, shown.parse_mode, color=self.color)
        self._say(label, body, choice_lines(shown.buttons))

    def _save(self, call: ApiCall, part: str, content: bytes) -> None:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = free_path(self.files_dir, saved_file_name(call.file_names.get(part), content))
        path.write_bytes(content)
        where = str(path.resolve())
        if call.method == "sendPhoto":
            self.note(self.tr._("Photo saved to {path}", path=where))
        else:
            self.note(self.tr._("File saved to {path}", path=where))

    # -- what you do -------------------------------------------------------------------------

    async def feed(self, update: JSON) -> None:
        # Straight into Application.process_update rather than through the fake getUpdates
        # and the updater's polling: it returns when every handler has finished, so each
        # line is answered before the next is read, and nothing waits on a polling interval.
        await self.application.process_update(Update.de_json(update, self.application.bot))

    async def handle_line(self, line: str) -> bool:
        """Act on one typed line; False when it asks to quit."""
        text = line.strip()
        if not text:
            return True
        if text.lower() in QUIT_COMMANDS:
            return False
        choice = CHOICE.match(text)
        if choice:
            await self.choose(int(choice.group(1)))
            return True
        if text.startswith(FILE_COMMAND):
            await self.send_file(Path(text.removeprefix(FILE_COMMAND).strip()).expanduser())
            return True
        await self.feed(self.telegram.message_update(self.chat_id, text, self.user))
        return True

    async def send_file(self, path: Path) -> None:
        """`/file PATH`: send a file from this computer as a document (a CSV to import)."""
        try:
            content = path.read_bytes()
        except OSError:
            self.note(self.tr._("I can't read the file {path}.", path=str(path)))
            return
        mime = "text/csv" if path.suffix.lower() == ".csv" else "application/octet-stream"
        await self.feed(
            self.telegram.document_update(
                self.chat_id, self.user, content, file_name=path.name, mime_type=mime
            )
        )

    async def choose(self, number: int) -> None:
        """Tap button `number` of the newest message that shows buttons."""
        tr = self.tr
        shown = self.shown.get(self.choices_message) if self.choices_message else None
        if shown is None or not shown.buttons:
            self.note(tr._("There are no buttons to choose from right now."))
            return
        if not 1 <= number <= len(shown.buttons):
            self.note(
                tr._(
                    "There is no choice {number}; pick one from /1 to /{last}.",
                    number=number,
                    last=len(shown.buttons),
                )
            )
            return
        button = shown.buttons[number - 1]
        if "callback_data" in button:
            update = self.telegram.callback_update(
                self.chat_id, self.choices_message or 0, str(button["callback_data"]), self.user
            )
            await self.feed(update)
        elif button.get("url"):
            self.note(tr._("That button opens {url} in a browser.", url=button["url"]))
        else:
            self.note(tr._("That button only works in Telegram."))

    async def run(self, lines: LineSource) -> None:
        """Read and answer lines until the end of input or /quit."""
        while True:
            if self.interactive:
                self.out.write(PROMPT)
                self.out.flush()
            self.waiting = True
            line = await lines.next()
            self.waiting = False
            if line is None:
                if self.interactive:
                    self.out.write("\n")
                break
            if not self.interactive:
                # Piped input is not echoed by a terminal: show it, so the transcript reads
                # like the conversation it was.
                self.write(PROMPT + line)
            if not await self.handle_line(line):
                break


def chat_config(database: Path, *, language: str, timezone: str, token: str) -> Config:
    """Settings for the terminal chat: its own SQLite file, never the production database."""
    return Config(
        bot_token=token,
        database_url=f"sqlite:///{database}",
        default_timezone=timezone,
        default_language=language,
        log_level="WARNING",
        data_dir=database.parent,
    )


def apply_choices(services: Services, chat_id: int, **changes: object) -> None:
    """`--lang` or `--tz` given again: change the chat that an earlier run created."""
    if not changes:
        return
    with services.db.session() as session:
        repo = ChatRepo(session)
        chat = repo.get(chat_id)
        if chat is not None:
            repo.update(chat, **changes)


async def run_chat(
    config: Config,
    *,
    language: str,
    files_dir: Path,
    lines: LineSource,
    out: TextIO,
    clock: Clock | None = None,
    interactive: bool = False,
    color: bool = False,
    chat_changes: dict[str, object] | None = None,
    on_ready: Callable[[TerminalChat], None] | None = None,
) -> None:
    """Start the bot against the fake Bot API, talk until the input ends, then shut down.

    `on_ready` is called once the bot and its job queue run, before the first line is read
    (tests use it to reach the running application)."""
    telegram = FakeTelegram()
    application = build_application(
        config, clock=clock, request=FakeRequest(telegram), rate_limiter=False
    )
    terminal = TerminalChat(
        application,
        telegram,
        language=language,
        files_dir=files_dir,
        out=out,
        interactive=interactive,
        color=color,
    )
    database = config.database_url.removeprefix("sqlite:///")
    terminal.banner(database)
    telegram.listeners.append(terminal.on_call)
    services: Services = application.bot_data["services"]
    # The database outlives this run, and it may keep message ids (a logged message, a
    # reminder to edit later). Ids that grow with time never meet an earlier run's.
    telegram.continue_message_ids(terminal.chat_id, int(services.clock.now().timestamp()))
    await application.initialize()
    try:
        # The schema first, so the chat's settings can change before the features restore
        # their jobs from them in start-up (which upgrades again, a no-op).
        services.db.upgrade()
        apply_choices(services, terminal.chat_id, **(chat_changes or {}))
        if application.post_init:
            await application.post_init(application)
        await application.start()  # the job queue runs from here: reminders fire on time
        if on_ready:
            on_ready(terminal)
        await terminal.run(lines)
    finally:
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
