"""The `pumpbot` command: reads the settings, then runs the bot by polling or by webhook.

`pumpbot chat` instead runs the bot in this terminal against the fake Bot API (no token).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from telegram import Update

from bot.config import Config, ConfigError, load_config
from bot.leadership import AnotherInstance, hold_sqlite_lock
from bot.logs import configure_logging
from bot.text.i18n import LANGUAGES, translator

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


SQLITE_TAKEN = (
    "pumpbot cannot start: another pumpbot process is already using the SQLite database "
    "{database} (it holds {lock}). SQLite serves one instance; stop the other one, or use "
    "PostgreSQL (DATABASE_URL) to run several."
)


METRICS_PORT_TAKEN = (
    "pumpbot cannot start: it cannot serve health and metrics on METRICS_PORT {port} ({error}). "
    "Choose a free port, or unset METRICS_PORT."
)
RETRY_FOREVER = -1  # python-telegram-bot's bootstrap_retries: retry until Telegram answers


def run(config: Config) -> int:
    from bot.app import build_application
    from bot.monitoring import monitoring_server

    try:
        # Held until the process ends; the kernel frees it however the process ends.
        sqlite_lock = hold_sqlite_lock(config.database_url)
    except AnotherInstance as taken:
        database = taken.lock_path.with_suffix("")
        print(SQLITE_TAKEN.format(database=database, lock=taken.lock_path), file=sys.stderr)
        return 2
    application = build_application(config, process=True)
    # python-telegram-bot runs the bot on this loop; the health and metrics server is up
    # before the bot first reaches Telegram, so an outage at start shows in /healthz.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    monitor = None
    if config.metrics_port is not None:
        try:
            monitor = loop.run_until_complete(
                monitoring_server(application).start(config.metrics_port, config.metrics_listen)
            )
        except OSError as error:
            print(METRICS_PORT_TAKEN.format(port=config.metrics_port, error=error), file=sys.stderr)
            loop.close()
            return 2
    # Telegram away at start: start-up is retried (with a capped backoff) until it answers,
    # rather than ending the process (bot/reachability.py tells the outage once).
    if config.webhook_mode:
        application.run_webhook(
            **webhook_settings(config), bootstrap_retries=RETRY_FOREVER, close_loop=False
        )
    else:
        application.run_polling(
            allowed_updates=Update.ALL_TYPES, bootstrap_retries=RETRY_FOREVER, close_loop=False
        )
    if monitor is not None:
        loop.run_until_complete(monitor.stop())
    loop.close()
    if sqlite_lock is not None:
        sqlite_lock.close()
    return 0


# The terminal chat talks only to the in-process fake Bot API, which ignores the token; the
# Bot object still needs one. It is never printed, and the log formatter scrubs it anyway.
CHAT_TOKEN = "7000000001:terminal-chat-offline"
CHAT_TIMEZONE = "Europe/Oslo"


def add_chat_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chat = commands.add_parser(
        "chat",
        help="try the bot in this terminal: no Telegram, no token",
        description="Talk to pumpbot in this terminal: the real bot, its reminders and its "
        "database, with Telegram replaced by your keyboard. No bot token is needed.",
    )
    chat.add_argument(
        "--lang", choices=LANGUAGES, help="your language (the simulated user's); default en"
    )
    chat.add_argument("--tz", metavar="ZONE", help=f"your time zone; default {CHAT_TIMEZONE}")
    chat.add_argument(
        "--db",
        type=Path,
        default=Path("data/chat.sqlite3"),
        metavar="PATH",
        help="SQLite file for this chat, separate from the bot's (default: %(default)s)",
    )
    chat.add_argument(
        "--files",
        type=Path,
        default=Path("data/chat-files"),
        metavar="DIR",
        help="where photos and documents the bot sends are saved (default: %(default)s)",
    )


def chat(args: argparse.Namespace) -> int:
    """`pumpbot chat`: the bot in this terminal."""
    from bot.domain.chats import find_timezone
    from bot.terminal.chat import StdinLines, chat_config, run_chat

    language = args.lang or "en"
    zone = find_timezone(args.tz) if args.tz else CHAT_TIMEZONE
    if zone is None:
        tr = translator(language)
        print(
            tr._(
                "I don't know the time zone “{zone}”. Use a name like Europe/Oslo or "
                "America/New_York.",
                zone=args.tz,
            ),
            file=sys.stderr,
        )
        return 2
    # Only what was asked for changes a chat an earlier run created.
    changes: dict[str, object] = {}
    if args.lang:
        changes["language"] = args.lang
    if args.tz:
        changes["timezone"] = zone
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):  # an emoji must not crash a non-UTF-8 terminal
            stream.reconfigure(errors="replace")
    configure_logging("WARNING", [CHAT_TOKEN])
    config = chat_config(args.db, language=language, timezone=zone, token=CHAT_TOKEN)
    on_terminal = sys.stdout.isatty()
    try:
        asyncio.run(
            run_chat(
                config,
                language=language,
                files_dir=args.files,
                lines=StdinLines(sys.stdin),
                out=sys.stdout,
                interactive=on_terminal and sys.stdin.isatty(),
                color=on_terminal,
                chat_changes=changes,
            )
        )
    except KeyboardInterrupt:
        print()
        return 130
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pumpbot", description="Run the pumpbot Telegram bot.")
    commands = parser.add_subparsers(dest="command", metavar="command")
    add_chat_command(commands)
    args = parser.parse_args(argv)
    if args.command == "chat":
        return chat(args)
    try:
        config = load_config()
    except ConfigError as error:
        print(config_problem(error), file=sys.stderr)
        return 2
    configure_logging(config.log_level, [config.bot_token, config.webhook_secret or ""])
    return run(config)
