"""The bot works unchanged against a local Bot API server set through BOT_API_BASE_URL."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.app import build_application, start_up
from tests.support.fakeserver import FakeBotApiServer, FloodLimits
from tests.support.kit import PARENT_CHAT, PARENT_ID, make_config


async def test_polling_through_a_local_bot_api_server(tmp_path: Path) -> None:
    server = await FakeBotApiServer().start()
    config = dataclasses.replace(
        make_config(tmp_path), bot_api_base_url=server.base_url, bot_api_file_url=server.file_url
    )
    app = build_application(config)  # real HTTP (httpx), rate limiter on: production settings
    telegram = server.telegram
    try:
        await app.initialize()
        await start_up(app)
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        user = telegram.user(PARENT_ID, "nb")
        telegram.queue_update(telegram.message_update(PARENT_CHAT, "/start", user))
        calls = await telegram.wait_for(lambda calls: any(c.method == "sendMessage" for c in calls))
        reply = next(c for c in calls if c.method == "sendMessage")
        assert "Jeg er pumpbot" in reply.text
        assert str(reply.params["chat_id"]) == str(PARENT_CHAT)
        assert server.stats.accepted[str(PARENT_CHAT)] == 1
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await server.stop()


def test_flood_limits_answer_retry_after() -> None:
    limits = FloodLimits()
    assert limits.retry_after("1", now=100.0) is None
    assert limits.retry_after("1", now=100.2) == 1  # one a second per chat
    for chat in range(2, 31):
        assert limits.retry_after(str(chat), now=100.5) is None
    assert limits.retry_after("99", now=100.6) == 1  # 30 in the last second overall
    assert limits.retry_after("99", now=101.01) is None
