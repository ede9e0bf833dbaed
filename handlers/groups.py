"""Groups: a group upgraded to a supergroup keeps its log, settings, plan and reminders.

Telegram tells the bot with a service message in each chat (`migrate_to_chat_id` in the old
group, `migrate_from_chat_id` in the new supergroup); `bot.groups.move_chat` moves everything.
A send that fails with `ChatMigrated` moves it too (see `handlers.errors` and the reminders).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.commands import MenuCommand
from bot.groups import move_chat
from bot.services import PumpApplication, PumpContext

MENU_COMMANDS: list[MenuCommand] = []


async def on_migration(update: Update, context: PumpContext) -> None:
    """A group became a supergroup: its chat id changed."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        await move_chat(context.application, message.chat_id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id is not None:
        await move_chat(context.application, message.migrate_from_chat_id, message.chat_id)


def register(application: PumpApplication) -> None:
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migration))
