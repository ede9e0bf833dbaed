"""The house's one policy for sending a message the parent must get, shared by confirmations
and by everything the bot sends by itself to a chat (jobs, group sends).

- `send_to_chat`: a message the bot starts; if the group has become a supergroup
  (`ChatMigrated`), the chat moves (`bot.groups.move_chat`) and the message goes there.
  Other errors are the caller's.
- `deliver`: a reply the parent waits for (a confirmation). Sent as a reply to `source` if
  given; a failure is tried once more as a plain message through `send_to_chat` (the parent may
  have deleted the message it replied to); None if that fails too, or at once when the bot is
  blocked (`Forbidden`: nothing more reaches that chat). While Telegram cannot be reached at
  all (bot/reachability.py), the retry waits until it answers again. Never raises a Telegram
  error: what was stored stays stored, and the caller says so another way.

Reminders keep their own stricter policy (scheduler/delivery.py): exactly once, across
restarts and instances.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from telegram import Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.groups import move_chat
from bot.reachability import transport_failure
from bot.services import PumpApplication

log = logging.getLogger(__name__)


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
    **kwargs: Any,
) -> Message | None:
    """Send a reply the parent waits for, with one retry as a plain message; None if it did
    not get through."""
    try:
        if source is not None:
            return await source.reply_text(text, **kwargs)
        return await send_to_chat(application, chat_id, text, **kwargs)
    except Forbidden:
        return None
    except TelegramError as error:
        if transport_failure(error):  # Telegram away: told once; the reply waits for it
            await application.bot_data["services"].reachability.wait()
        else:
            log.warning("A reply to chat %s failed (%s); trying again", chat_id, error)
    try:
        return await send_to_chat(application, chat_id, text, **kwargs)
    except TelegramError as error:
        log.warning("A reply to chat %s failed again (%s)", chat_id, error)
    return None


@contextlib.contextmanager
def unchanged_is_fine() -> Iterator[None]:
    """Around an edit: Telegram refuses one that would change nothing ("message is not
    modified"), which a second tap on the same button asks for. That is no error."""
    try:
        yield
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise
