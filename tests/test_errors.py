"""A failing handler: a short apology in the user's language, and the update id in the log."""

from __future__ import annotations

import logging

import pytest
from telegram import Update
from telegram.ext import MessageHandler, filters

from tests.kit import BotHarness


async def explode(update: Update, context: object) -> None:
    raise RuntimeError("simulated failure")


async def test_an_error_gets_a_localized_apology_and_a_log_line(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.app.add_handler(MessageHandler(filters.Regex("^boom$"), explode), group=-1)
    with caplog.at_level(logging.ERROR):
        await bot.say("boom", language_code="nb")
    # Other handlers still see the update (logging answers that "boom" is no log).
    assert any("Beklager" in call.text for call in bot.sent_to())
    update_id = bot.telegram._update_ids  # the counter has moved past the update
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and errors[0].exc_info is not None
    assert "Error while handling update" in errors[0].getMessage()
    assert str(next(update_id) - 1) in errors[0].getMessage()
    assert "boom" not in errors[0].getMessage()  # the message text stays out of the log
