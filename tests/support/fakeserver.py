"""The fake Bot API over HTTP, for processes that talk to it through BOT_API_BASE_URL.

Benchmarks and multi-process tests run the real bot, configured exactly as in production,
against this server. It can enforce Telegram's flood limits (about 30 messages a second in all,
one a second per chat) by answering 429 with `retry_after`, and it counts every message it
accepts, per chat.

    python -m tests.support.fakeserver --port 8081 --limits
    BOT_API_BASE_URL=http://127.0.0.1:8081/bot BOT_TOKEN=1:x python -m bot
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.terminal.fakeapi import FakeTelegram

log = logging.getLogger(__name__)

SENDING_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "editMessageText"})


@dataclass
class FloodLimits:
    """Telegram's documented limits, measured over sliding one-second windows."""

    per_second: int = 30
    per_chat_per_second: int = 1
    _recent: deque[float] = field(default_factory=deque)
    _chat_last: dict[str, float] = field(default_factory=dict)
    broken: str = ""  # the limit the last refused message broke: "global" or "chat"

    def retry_after(self, chat_id: str, now: float) -> int | None:
        """Seconds to wait if this message would break a limit, else None (and it counts)."""
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        wait = 0.0
        if len(self._recent) >= self.per_second:
            wait = 1.0 - (now - self._recent[0])
            self.broken = "global"
        last = self._chat_last.get(chat_id)
        if last is not None and now - last < 1.0 / self.per_chat_per_second:
            wait = max(wait, 1.0 / self.per_chat_per_second - (now - last))
            self.broken = "chat"
        if wait > 0:
            return max(1, math.ceil(wait))
        self._recent.append(now)
        self._chat_last[chat_id] = now
        return None


@dataclass
class ServerStats:
    accepted: Counter[str] = field(default_factory=Counter)  # messages accepted per chat
    accepted_at: dict[str, list[float]] = field(default_factory=dict)  # monotonic times, per chat
    rejected_429: int = 0
    # Each 429: (the method, the chat, the limit it broke, seconds since the chat's last
    # accepted message), so a benchmark can say which rule its pacing missed.
    rejections: list[tuple[str, str, str, float | None]] = field(default_factory=list)
    first_accept: float | None = None
    last_accept: float | None = None


class BotApiHandler(RequestHandler):
    """POST /bot<token>/<method>, form-encoded, multipart or JSON, as python-telegram-bot sends."""

    def initialize(self, server: FakeBotApiServer) -> None:
        self.server = server

    async def post(self, token: str, method: str) -> None:
        params: dict[str, Any] = {k: v[-1].decode() for k, v in self.request.body_arguments.items()}
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            params.update(json.loads(self.request.body))
        files = {name: parts[0]["body"] for name, parts in self.request.files.items()}
        status, body = await self.server.answer(method, params, files)
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    get = post


def log_request(handler: RequestHandler) -> None:
    """Tornado's access log, without the token that is part of every Bot API path."""
    status = handler.get_status()
    method = handler.request.path.rsplit("/", 1)[-1]
    level = logging.DEBUG if status < 400 else logging.INFO
    log.log(level, "%s %s %d", handler.request.method, method, status)


class FakeBotApiServer:
    """Serves a FakeTelegram on a loopback port."""

    def __init__(self, telegram: FakeTelegram | None = None, limits: FloodLimits | None = None):
        self.telegram = telegram or FakeTelegram()
        self.limits = limits
        self.stats = ServerStats()
        self.port = 0
        self._http: HTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def answer(
        self, method: str, params: dict[str, Any], files: dict[str, bytes]
    ) -> tuple[int, dict[str, Any]]:
        now = time.monotonic()
        if self.limits is not None and method in SENDING_METHODS:
            wait = self.limits.retry_after(str(params.get("chat_id")), now)
            if wait is not None:
                self.stats.rejected_429 += 1
                chat = str(params.get("chat_id"))
                earlier = self.stats.accepted_at.get(chat)
                since = now - earlier[-1] if earlier else None
                self.stats.rejections.append((method, chat, self.limits.broken, since))
                log.warning("429 for %s in chat %s (%s limit)", method, chat, self.limits.broken)
                return 429, {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {wait}",
                    "parameters": {"retry_after": wait},
                }
        status, body = await self.telegram.handle(method, params, files)
        if status == 200 and method in SENDING_METHODS:
            chat = str(params.get("chat_id"))
            self.stats.accepted[chat] += 1
            self.stats.accepted_at.setdefault(chat, []).append(now)
            self.stats.first_accept = self.stats.first_accept or now
            self.stats.last_accept = now
        return status, body

    async def start(self, port: int = 0) -> FakeBotApiServer:
        app = Application(
            [(r"/bot([^/]+)/(\w+)", BotApiHandler, {"server": self})], log_function=log_request
        )
        sockets = bind_sockets(port, address="127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._http = HTTPServer(app, max_buffer_size=50 * 1024 * 1024)
        self._http.add_sockets(sockets)
        return self

    async def stop(self) -> None:
        if self._http is not None:
            self._http.stop()
            await self._http.close_all_connections()


async def serve(port: int, limits: bool) -> None:
    server = await FakeBotApiServer(limits=FloodLimits() if limits else None).start(port)
    print(f"fake Bot API on {server.base_url} (file URL {server.file_url})", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description="A fake Telegram Bot API server on loopback.")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--limits", action="store_true", help="answer 429 past Telegram's limits")
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.limits))


if __name__ == "__main__":
    main()
