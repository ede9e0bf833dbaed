"""A bare python-telegram-bot echo bot: the baseline for the logging-load benchmark.

With `ECHO_HTTP_CLIENT=httpx2` it runs on httpx2, as pumpbot does (bot/http_client.py): the
ingest row shows it beside the echo bot as installed, so what httpx2 gives any bot is told
apart from what pumpbot's own code costs.
"""

from __future__ import annotations

import os

if os.environ.get("ECHO_HTTP_CLIENT") == "httpx2":
    import httpx2

    httpx2.alias_httpx()

from telegram import Update  # isort: skip
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text or "")


def main() -> None:
    application = (
        ApplicationBuilder()
        .token(os.environ["BOT_TOKEN"])
        .base_url(os.environ["BOT_API_BASE_URL"])
        .base_file_url(os.environ["BOT_API_FILE_URL"])
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling()


if __name__ == "__main__":
    main()
