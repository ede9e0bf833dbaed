"""The `pumpbot` command: reads the settings, then runs the bot by polling or by webhook."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from telegram import Update

from bot.config import Config, ConfigError, load_config
from bot.logs import configure_logging

TOKEN_HELP = """\
pumpbot needs a bot token. Open Telegram, start a chat with @BotFather, send /newbot and
follow the two questions; it answers with a token like 123456789:AAE... Put it in the
BOT_TOKEN environment variable (or in a .env file beside where you start the bot, as
BOT_TOKEN=...), then start pumpbot again."""

log = logging.getLogger("bot")


def config_problem(error: ConfigError) -> str:
    if error.setting == "BOT_TOKEN" and error.problem == "missing":
        return TOKEN_HELP
    return (
        f"pumpbot cannot start: the setting {error.setting} is invalid ({error.problem}).\n"
        "Fix it in the environment or in .env and start pumpbot again."
    )


def webhook_settings(config: Config, listen: str = "0.0.0.0") -> dict[str, Any]:
    """How the webhook server listens and what it registers with Telegram."""
    url = config.webhook_url or ""
    return {
        "listen": listen,
        "port": config.port,
        "url_path": urlsplit(url).path.strip("/"),
        "webhook_url": url,
        "secret_token": config.webhook_secret,
        "allowed_updates": Update.ALL_TYPES,
    }


def run(config: Config) -> None:
    from bot.app import build_application

    application = build_application(config)
    if config.webhook_mode:
        application.run_webhook(**webhook_settings(config))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pumpbot", description="Run the pumpbot Telegram bot.")
    parser.parse_args(argv)
    try:
        config = load_config()
    except ConfigError as error:
        print(config_problem(error), file=sys.stderr)
        return 2
    configure_logging(config.log_level, [config.bot_token, config.webhook_secret or ""])
    run(config)
    return 0
