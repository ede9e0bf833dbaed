"""Logs keep secrets: the token is scrubbed from messages and tracebacks; httpx is quiet."""

from __future__ import annotations

import io
import logging

from bot.logs import REDACTED, configure_logging, quiet_noisy_loggers, redacting_handler
from tests.conftest import TOKEN_WATCH, contains_token
from tests.support.kit import TEST_TOKEN


def test_token_is_scrubbed_from_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("test.redaction")
    handler = redacting_handler([TEST_TOKEN], logging.StreamHandler(stream))
    logger.addHandler(handler)
    try:
        logger.warning("calling https://api.telegram.org/bot%s/getMe", TEST_TOKEN)
        try:
            raise RuntimeError(f"failed on /bot{TEST_TOKEN}/sendMessage")
        except RuntimeError:
            logger.exception("request failed")
    finally:
        logger.removeHandler(handler)
        TOKEN_WATCH.leaks.clear()  # these two records were leaks on purpose
    output = stream.getvalue()
    assert not contains_token(output)
    assert output.count(REDACTED) == 2  # in the message and in the exception line


def test_the_run_wide_watch_catches_a_leak() -> None:
    before = len(TOKEN_WATCH.leaks)
    logging.getLogger("test.watch").info("oops %s", TEST_TOKEN)
    caught = TOKEN_WATCH.leaks[before:]
    del TOKEN_WATCH.leaks[before:]
    assert len(caught) == 1


def test_httpx_request_urls_are_not_logged_at_info() -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        configure_logging("INFO", [TEST_TOKEN])
        for client in ("httpx", "httpx2"):
            assert not logging.getLogger(client).isEnabledFor(logging.INFO)
        assert logging.getLogger("telegram").isEnabledFor(logging.INFO)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        quiet_noisy_loggers("DEBUG")
