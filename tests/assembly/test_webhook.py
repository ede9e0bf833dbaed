"""Webhook mode: the bot registers its webhook with a secret, refuses requests without it, and
stores an update before it answers 200."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import httpx

from bot.app import build_application, start_up
from bot.cli import webhook_settings
from bot.storage.inbox import inbox_rows
from bot.terminal.fakeapi import FakeRequest, FakeTelegram
from tests.support.kit import PARENT_CHAT, PARENT_ID, make_config
from tests.support.processes import free_port

SECRET = "webhook-secret-42"


async def test_webhook_accepts_only_requests_with_the_secret(tmp_path: Path) -> None:
    telegram = FakeTelegram()
    config = dataclasses.replace(
        make_config(tmp_path),
        webhook_url="https://pumpbot.example.org/telegram",
        webhook_secret=SECRET,
        port=free_port(),
    )
    app = build_application(config, request=FakeRequest(telegram), rate_limiter=False)
    settings = webhook_settings(config, listen="127.0.0.1")
    settings.pop("allowed_updates")
    try:
        await app.initialize()
        await start_up(app)
        await app.updater.start_webhook(**settings)
        await app.start()
        registered = [c for c in telegram.calls if c.method == "setWebhook"]
        assert registered[-1].params["url"] == "https://pumpbot.example.org/telegram"
        assert registered[-1].params["secret_token"] == SECRET

        url = f"http://127.0.0.1:{config.port}/telegram"
        user = telegram.user(PARENT_ID, "en")
        async with httpx.AsyncClient() as client:
            forged = telegram.message_update(PARENT_CHAT, "/start", user)
            no_secret = await client.post(url, json=forged)
            wrong = await client.post(
                url, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
            )
            genuine = telegram.message_update(PARENT_CHAT, "/help", user)
            accepted = await client.post(
                url,
                content=json.dumps(genuine),
                headers={
                    "X-Telegram-Bot-Api-Secret-Token": SECRET,
                    "Content-Type": "application/json",
                },
            )
        assert no_secret.status_code == 403
        assert wrong.status_code == 403
        assert accepted.status_code == 200
        # By the time Telegram has its 200, the update is in the database (bot/inbox.py); the
        # refused ones are not.
        stored = [row["update_id"] for row in inbox_rows(app.bot_data["services"].db)]
        assert stored == [genuine["update_id"]]
        calls = await telegram.wait_for(lambda cs: any(c.method == "sendMessage" for c in cs))
        replies = [c for c in calls if c.method == "sendMessage"]
        assert len(replies) == 1  # only the genuine /help was answered
        assert "Here is what I understand" in replies[0].text
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
