"""Logging that keeps secrets: the bot token is scrubbed from every line, whatever logged it."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram.error import TelegramError

from bot.reachability import transport_failure

REDACTED = "[redacted]"
# httpx (here httpx2, bot/http_client.py) logs every request URL at INFO, and a Bot API URL
# contains the token; tornado's access log (the webhook server) logs every request path.
# APScheduler logs every job it adds, runs and removes: with a job per chat, that is 100,000
# lines at start.
NOISY_LOGGERS = (
    "fontTools",
    "fpdf",
    "httpx",
    "httpcore",
    "httpx2",
    "httpcore2",
    "tornado.access",
    "apscheduler.executors.default",
    "apscheduler.scheduler",
)


class RedactingFormatter(logging.Formatter):
    """Formats a record as usual, then replaces every secret, tracebacks included."""

    def __init__(self, secrets: Iterable[str], fmt: str | None = None) -> None:
        super().__init__(fmt or "%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


class QuietOutages(logging.Filter):
    """Drops python-telegram-bot's own records of a request that got no answer (a traceback
    each, e.g. the last getUpdates of a stop during an outage): bot/reachability.py tells an
    outage once, in two lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not (
            record.name.startswith("telegram")
            and isinstance(error, TelegramError)
            and transport_failure(error)
        )


def redacting_handler(
    secrets: Iterable[str], handler: logging.Handler | None = None
) -> logging.Handler:
    handler = handler or logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(secrets))
    handler.addFilter(QuietOutages())
    return handler


def configure_logging(level: str, secrets: Iterable[str]) -> None:
    """Send all logs to stderr through the redacting formatter."""
    root = logging.getLogger()
    root.handlers.clear()
    root.addHandler(redacting_handler(secrets))
    root.setLevel(level)
    quiet_noisy_loggers(level)


def quiet_noisy_loggers(level: str) -> None:
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
