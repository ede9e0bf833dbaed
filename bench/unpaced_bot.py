"""pumpbot as `python -m bot` runs it, polling, but without its pacer: for the ingest ceiling.

The pacer (bot/ratelimit.py) holds every bot token to Telegram's 29 messages a second, so with
it the ceiling would measure Telegram's limit, not how many logs one instance can take in. The
bare echo bot it is compared with has no pacer either.
"""

from __future__ import annotations

# bot first: it puts httpx2 under python-telegram-bot before telegram imports httpx
# (bot/http_client.py).
import bot  # noqa: F401  # isort: skip

from telegram import Update

from bot.app import build_application
from bot.config import load_config
from bot.logs import configure_logging


def main() -> None:
    config = load_config(dotenv=False)
    configure_logging(config.log_level, [config.bot_token])
    application = build_application(config, rate_limiter=False, process=True)
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
