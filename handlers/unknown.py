"""Commands the bot does not have: a short, kind answer instead of silence, with the command the
parent probably meant (`/påminn` is `/paminn`: Telegram's command names are ASCII).

Registered after every feature, so only a command no other handler took comes here. In a
group, only a command addressed to this bot (`/foo@pumpbot`) is answered: the others may be
another bot's. Nothing is stored, not even the chat.
"""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.commands import MenuCommand
from bot.domain.commandnames import closest_command, typed_command
from bot.services import PumpApplication, PumpContext
from handlers.common import known_chat_settings, user_translator

MENU_COMMANDS: list[MenuCommand] = []


def command_names(application: PumpApplication) -> set[str]:
    """Every command some handler takes, in both languages."""
    handlers: list[BaseHandler] = [h for group in application.handlers.values() for h in group]
    return {name for h in handlers if isinstance(h, CommandHandler) for name in h.commands}


def addressed_to_this_bot(update: Update, context: PumpContext) -> bool:
    message = update.effective_message
    if update.effective_chat is not None and update.effective_chat.type == "private":
        return True
    word = message.text.split(maxsplit=1)[0] if message and message.text else ""
    _, _, name = word.partition("@")
    return bool(name) and name.lower() == (context.bot.username or "").lower()


async def unknown_command(update: Update, context: PumpContext) -> None:
    message = update.effective_message
    if message is None or message.text is None or not addressed_to_this_bot(update, context):
        return
    settings = known_chat_settings(update, context)
    tr = settings.tr if settings is not None else user_translator(update, context)
    typed = typed_command(message.text)
    shown = html.escape(typed[:32])  # the replies are HTML; the command is the parent's text
    guess = closest_command(typed, command_names(context.application))
    if guess is not None:
        text = tr._(
            "I don't have a command /{typed}. Did you mean /{guess}? /help lists them all.",
            typed=shown,
            guess=guess,
        )
    else:
        text = tr._("I don't have a command /{typed}. /help lists them all.", typed=shown)
    await message.reply_text(text)


def register(application: PumpApplication) -> None:
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(new_messages & filters.COMMAND, unknown_command))
