"""The house's one policy for sending a message the parent must get, shared by confirmations
and by everything the bot sends by itself to a chat (jobs, group sends).

- `send_to_chat`: a message the bot starts; if the group has become a supergroup
  (`ChatMigrated`), the chat moves (`bot.groups.move_chat`) and the message goes there.
  Other errors are the caller's.
- `deliver`: a reply the parent waits for (a confirmation). Sent as a reply to `source` if
  given (`reply_for_id`: only the id of the message sent is read from Telegram's answer); a
  failure is tried once more as a plain message through `send_to_chat` (the parent may
  have deleted the message it replied to); None if that fails too, or at once when the bot is
  blocked (`Forbidden`: nothing more reaches that chat). While Telegram cannot be reached at
  all (bot/reachability.py), the retry waits until it answers again. Never raises a Telegram
  error: what was stored stays stored, and the caller says so another way.

Reminders keep their own stricter policy (scheduler/delivery.py): exactly once, across
restarts and instances.

Why `reply_for_id` does not call `Message.reply_text`: python-telegram-bot parses Telegram's
answer into a full `Message` (with its chat, sender and keyboard), and a confirmation needs only
its id. That parse was 9.9 % of a typed log's time under the GIL (py-spy, issue 23's ingest
bench); `Bot.do_api_request` with no `return_type` (public API) sends the same request through
the same rate limiter, defaults and error mapping, and hands back the JSON. It warns that
`Bot.send_message` exists, which is known and filtered here (and in pytest's settings).
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from telegram import Message, ReplyParameters
from telegram.constants import ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError
from telegram.warnings import PTBUserWarning

from bot.groups import move_chat
from bot.keyboards import Keyboard
from bot.reachability import transport_failure
from bot.services import PumpApplication

log = logging.getLogger(__name__)

# `reply_for_id` asks for sendMessage by its API name on purpose (see above).
ID_ONLY_WARNING = r"Please use 'Bot\.send_message' instead of 'Bot\.do_api_request"
warnings.filterwarnings("ignore", message=ID_ONLY_WARNING, category=PTBUserWarning)


# sendMessage's parameters that `telegram.ext.Defaults` can set.
DEFAULTED = ("parse_mode", "disable_notification", "protect_content", "link_preview_options")


@dataclass(frozen=True)
class Sent:
    """Where a message went: all a confirmation keeps of it."""

    chat_id: int
    message_id: int

    @classmethod
    def of(cls, message: Message) -> Sent:
        return cls(message.chat_id, message.message_id)


async def reply_for_id(source: Message, text: str, keyboard: Keyboard | None = None) -> Sent:
    """Send `text` (and `keyboard`) as `source.reply_text` would (quoting in groups, not in a
    private chat; in the source's topic), reading only where it went from the answer."""
    bot = source.get_bot()
    api_kwargs: dict[str, Any] = {"chat_id": source.chat_id, "text": text}
    if keyboard is not None:
        api_kwargs["reply_markup"] = keyboard.json()
    defaults = getattr(bot, "defaults", None)
    quote = source.chat.type != ChatType.PRIVATE
    if defaults is not None:  # what `send_message` would take from the bot's defaults
        for name in DEFAULTED:
            value = getattr(defaults, name)
            if value is not None:
                api_kwargs.setdefault(name, value)
        quote = defaults.do_quote if defaults.do_quote is not None else quote
    if quote:
        api_kwargs["reply_parameters"] = ReplyParameters(source.message_id)
    if source.is_topic_message and source.message_thread_id is not None:
        api_kwargs["message_thread_id"] = source.message_thread_id
    if source.business_connection_id is not None:
        api_kwargs["business_connection_id"] = source.business_connection_id
    answer = await bot.do_api_request("send_message", api_kwargs=api_kwargs)
    return Sent(int(answer["chat"]["id"]), int(answer["message_id"]))


async def send_to_chat(
    application: PumpApplication, chat_id: int, text: str, **kwargs: Any
) -> Message:
    """Send a message the bot starts by itself; if the group has become a supergroup, move the
    chat and send it there."""
    try:
        return await application.bot.send_message(chat_id, text, **kwargs)
    except ChatMigrated as error:
        await move_chat(application, chat_id, error.new_chat_id)
        return await application.bot.send_message(error.new_chat_id, text, **kwargs)


async def deliver(
    application: PumpApplication,
    chat_id: int,
    text: str,
    *,
    source: Message | None = None,
    keyboard: Keyboard | None = None,
) -> Sent | None:
    """Send a reply the parent waits for, with one retry as a plain message; None if it did
    not get through."""
    try:
        if source is not None:
            return await reply_for_id(source, text, keyboard)
        return await _send_plain(application, chat_id, text, keyboard)
    except Forbidden:
        return None
    except TelegramError as error:
        if transport_failure(error):  # Telegram away: told once; the reply waits for it
            await application.bot_data["services"].reachability.wait()
        else:
            log.warning("A reply to chat %s failed (%s); trying again", chat_id, error)
    try:
        return await _send_plain(application, chat_id, text, keyboard)
    except TelegramError as error:
        log.warning("A reply to chat %s failed again (%s)", chat_id, error)
    return None


async def _send_plain(
    application: PumpApplication, chat_id: int, text: str, keyboard: Keyboard | None
) -> Sent:
    markup = keyboard.markup() if keyboard is not None else None
    return Sent.of(await send_to_chat(application, chat_id, text, reply_markup=markup))


@contextlib.contextmanager
def unchanged_is_fine() -> Iterator[None]:
    """Around an edit: Telegram refuses one that would change nothing ("message is not
    modified"), which a second tap on the same button asks for. That is no error."""
    try:
        yield
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise
