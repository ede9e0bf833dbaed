"""/start and /help: what the bot does and which commands it knows."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.commands import MenuCommand, help_lines
from bot.services import PumpApplication, PumpContext
from bot.text.i18n import N_
from handlers.common import chat_settings

MENU_COMMANDS = [
    MenuCommand("start", N_("Welcome and what I can do")),
    MenuCommand("help", N_("All commands and examples"), nb_name="hjelp"),
]


async def start(update: Update, context: PumpContext) -> None:
    """Greet in the user's language and show what the bot does."""
    settings = chat_settings(update, context)
    tr = settings.tr
    text = "\n\n".join(
        [
            tr._("Hi! I'm pumpbot, here to make pumping a little easier."),
            tr._(
                "⏰ <b>Reminders</b>: I tell you when the next pumping is due, on your schedule, "
                "and keep quiet at night if you want.\n"
                "📝 <b>Logging</b>: send one short message like <code>L 60 R 70 20min</code> or "
                "<code>120 ml</code> and I keep the day's total.\n"
                "💡 <b>Quick tips</b>: short, practical answers about pumping and milk supply."
            ),
            tr._(
                "I'm here for support and advice, not diagnosis: for worries, talk to your "
                "health visitor, midwife or a lactation consultant."
            ),
            help_lines(context.services.menu, tr),
        ]
    )
    await update.effective_message.reply_text(text)


async def show_help(update: Update, context: PumpContext) -> None:
    """List every command in the chat's language."""
    tr = chat_settings(update, context).tr
    text = tr._("Here is what I understand:") + "\n\n" + help_lines(context.services.menu, tr)
    await update.effective_message.reply_text(text)


def register(application: PumpApplication) -> None:
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler(["help", "hjelp"], show_help))
