"""The test kit: the real Application against the fake Bot API, a fake clock and a temp database.

bot = BotHarness(tmp_path, clock)
await bot.start()
reply = await bot.say("/start", language_code="nb")
await bot.press("Norsk bokmål")
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import Update

from bot.app import build_application, start_up
from bot.clock import FakeClock
from bot.config import Config
from bot.inbox import DurableUpdateQueue
from bot.services import PumpApplication, Services
from bot.terminal.fakeapi import ApiCall, FakeRequest, FakeTelegram
from tests.support.backends import database_url_for

TEST_TOKEN = "123456789:TEST-secret-token-never-in-logs"
PARENT_ID = 501
PARENT_CHAT = 501
GROUP_CHAT = -100200300


def make_config(tmp_path: Path, **overrides: Any) -> Config:
    config = Config(
        bot_token=TEST_TOKEN,
        database_url=database_url_for(tmp_path),
        default_timezone="Europe/Oslo",
        default_language="en",
        data_dir=tmp_path,
    )
    return dataclasses.replace(config, **overrides)


class BotHarness:
    """Drives one Application as a user would, and reads what it sent."""

    def __init__(
        self,
        tmp_path: Path,
        clock: FakeClock | None = None,
        telegram: FakeTelegram | None = None,
        *,
        rate_limiter: bool = False,
        **config_overrides: Any,
    ) -> None:
        """`rate_limiter=True` runs the production `PacedRateLimiter` (real pacing: 29
        messages a second, and Telegram's `retry_after` waited out in real time)."""
        self.clock = clock or FakeClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
        self.telegram = telegram or FakeTelegram()
        self.telegram.clock_seconds = lambda: self.clock.now().timestamp()
        self.config = make_config(tmp_path, **config_overrides)
        self.app: PumpApplication = build_application(
            self.config,
            clock=self.clock,
            request=FakeRequest(self.telegram),
            rate_limiter=rate_limiter,
        )
        self._seen = 0

    @property
    def services(self) -> Services:
        return self.app.bot_data["services"]

    async def start(self) -> BotHarness:
        await self.app.initialize()
        await start_up(self.app)
        return self

    async def stop(self) -> None:
        await self.app.shutdown()
        await self.app.post_shutdown(self.app)

    # -- acting as the user -----------------------------------------------------------------

    async def feed(self, update: dict[str, Any]) -> list[ApiCall]:
        """Process one update; return the Bot API calls it caused."""
        self._seen = len(self.telegram.calls)
        await self.app.process_update(Update.de_json(update, self.app.bot))
        return self.telegram.calls[self._seen :]

    async def say(
        self,
        text: str,
        *,
        chat_id: int = PARENT_CHAT,
        user_id: int = PARENT_ID,
        language_code: str | None = "en",
        first_name: str = "Parent",
        reply_to: int | None = None,
    ) -> ApiCall:
        """Send a text message; return the bot's last reply to it."""
        user = self.telegram.user(user_id, language_code, first_name)
        update = self.telegram.message_update(chat_id, text, user, reply_to=reply_to)
        self.last_user_message_id = update["message"]["message_id"]
        return self._reply(await self.feed(update), chat_id)

    async def send_file(
        self,
        content: bytes,
        *,
        file_name: str | None = "log.csv",
        mime_type: str | None = "text/csv",
        file_size: int | None = None,
        chat_id: int = PARENT_CHAT,
        user_id: int = PARENT_ID,
        language_code: str | None = "en",
        first_name: str = "Parent",
    ) -> ApiCall:
        """Send a file as a document; return the bot's last reply to it."""
        user = self.telegram.user(user_id, language_code, first_name)
        update = self.telegram.document_update(
            chat_id, user, content, file_name=file_name, mime_type=mime_type, file_size=file_size
        )
        return self._reply(await self.feed(update), chat_id)

    async def edit(
        self,
        message_id: int,
        text: str,
        *,
        chat_id: int = PARENT_CHAT,
        user_id: int = PARENT_ID,
        language_code: str | None = "en",
    ) -> list[ApiCall]:
        user = self.telegram.user(user_id, language_code)
        return await self.feed(self.telegram.edited_message_update(chat_id, message_id, text, user))

    async def press(
        self,
        label: str,
        *,
        chat_id: int = PARENT_CHAT,
        user_id: int = PARENT_ID,
        language_code: str | None = "en",
    ) -> list[ApiCall]:
        """Tap the newest inline button in the chat whose text contains `label`."""
        for (msg_chat, message_id), message in sorted(self.telegram.messages.items(), reverse=True):
            if msg_chat != chat_id:
                continue
            rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for button in (b for row in rows for b in row):
                if label in button["text"]:
                    return await self.tap(
                        button["callback_data"],
                        message_id,
                        chat_id=chat_id,
                        user_id=user_id,
                        language_code=language_code,
                    )
        raise AssertionError(f"no button labelled {label!r} in chat {chat_id}")

    async def tap(
        self,
        data: str,
        message_id: int,
        *,
        chat_id: int = PARENT_CHAT,
        user_id: int = PARENT_ID,
        language_code: str | None = "en",
    ) -> list[ApiCall]:
        """Send a callback query with exactly this data (forged ones too)."""
        user = self.telegram.user(user_id, language_code)
        return await self.feed(self.telegram.callback_update(chat_id, message_id, data, user))

    # -- reading what the bot did -----------------------------------------------------------

    @staticmethod
    def _reply(calls: list[ApiCall], chat_id: int) -> ApiCall:
        sent = [
            c
            for c in calls
            if c.method in ("sendMessage", "sendPhoto", "sendDocument") and c.chat_id == chat_id
        ]
        if not sent:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}; calls: {calls}")
        return sent[-1]

    def sent_to(self, chat_id: int = PARENT_CHAT, method: str = "sendMessage") -> list[ApiCall]:
        return [c for c in self.telegram.calls if c.method == method and c.chat_id == chat_id]

    def message_text(self, message_id: int, chat_id: int = PARENT_CHAT) -> str:
        return str(self.telegram.messages[(chat_id, message_id)].get("text", ""))


async def through_the_inbox(bot: BotHarness, raw: dict[str, Any]) -> None:
    """Hand an update over as the polling Updater does, process it as the application's update
    processor does (handlers, then marked handled), and ask for the next batch as the Updater
    does, which first waits until the update is stored (bot/inbox.py)."""
    app = bot.app
    queue = app.update_queue
    assert isinstance(queue, DurableUpdateQueue)
    queue.polled = True  # as `PayloadsRequest` makes it: the next getUpdates acknowledges
    await queue.put(Update.de_json(raw, app.bot))
    update = queue.get_nowait()
    await app.update_processor.process_update(update, app.process_update(update))
    await queue.until_durable()
