"""A failing handler: a short apology in the user's language, and the update id in the log."""

from __future__ import annotations

import logging

import pytest
from telegram import Update
from telegram.ext import MessageHandler, filters

from tests.support.kit import PARENT_CHAT, PARENT_ID, BotHarness


async def explode(update: Update, context: object) -> None:
    raise RuntimeError("simulated failure")


async def test_an_error_gets_a_localized_apology_and_a_log_line(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.app.add_handler(MessageHandler(filters.Regex("^boom$"), explode), group=-1)
    user = bot.telegram.user(PARENT_ID, "nb")
    update = bot.telegram.message_update(PARENT_CHAT, "boom", user)
    with caplog.at_level(logging.ERROR):
        await bot.feed(update)
    # Other handlers still see the update (logging answers that "boom" is no log).
    assert any("Beklager" in call.text for call in bot.sent_to())
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and errors[0].exc_info is not None
    assert "Error while handling update" in errors[0].getMessage()
    assert f"update {update['update_id']}" in errors[0].getMessage()
    assert "boom" not in errors[0].getMessage()  # the message text stays out of the log
