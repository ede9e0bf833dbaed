"""The HTTP client under python-telegram-bot is httpx2 (bot/http_client.py), and the bot's
requests behave as they did on httpx: a reply gets through, an unreachable or silent Bot API
is a Telegram network error (which the outage watch and the send policy act on), and a burst
of replies in flight all arrive."""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import certifi
import httpx
import httpx2
import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.app import build_application
from bot.http_client import trust_certifi_without_system_cas
from bot.reachability import Reachability, WatchedRequest
from tests.support.fakeserver import FakeBotApiServer
from tests.support.kit import PARENT_CHAT, TEST_TOKEN, make_config


def test_every_import_of_httpx_gets_httpx2(tmp_path: Path) -> None:
    assert httpx is httpx2
    app = build_application(make_config(tmp_path))
    assert isinstance(app.bot.request._client, httpx2.AsyncClient)  # type: ignore[attr-defined]


@pytest.mark.parametrize("entry_point", ["bot.cli", "bench.unpaced_bot"])
def test_a_process_started_at_an_entry_point_uses_httpx2(entry_point: str) -> None:
    """The switch must come before python-telegram-bot imports httpx, in every process: one
    that imports telegram first fails at start (bot/http_client.py), so it is seen at once."""
    check = f"import {entry_point}, telegram.request._httpxrequest as r; print(r.httpx.__name__)"
    run = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=120, check=False
    )
    assert run.stdout.strip() == "httpx2", run.stderr


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_an_unreachable_bot_api_is_a_network_error_and_starts_an_outage() -> None:
    reachability = Reachability()
    request = WatchedRequest(reachability, connect_timeout=1.0)
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{closed_port()}/bot{TEST_TOKEN}/getMe")
    finally:
        await request.shutdown()
    assert not reachability.reachable


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """A server that takes connections and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_bot_api_that_never_answers_is_a_time_out(silent_server: int) -> None:
    request = WatchedRequest(Reachability(), read_timeout=0.3)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(f"http://127.0.0.1:{silent_server}/bot{TEST_TOKEN}/getMe")
    finally:
        await request.shutdown()


async def test_a_burst_of_replies_in_flight_all_arrive_once() -> None:
    server = await FakeBotApiServer(limits=None).start()
    request = WatchedRequest(Reachability(), connection_pool_size=256)
    bot = Bot(TEST_TOKEN, base_url=server.base_url, request=request)
    chats = [PARENT_CHAT + n for n in range(300)]
    try:
        async with bot:
            sent = await asyncio.gather(*(bot.send_message(chat, "Logged") for chat in chats))
    finally:
        await server.stop()
    assert sorted(message.chat_id for message in sent) == chats
    assert all(server.stats.accepted[str(chat)] == 1 for chat in chats)


def test_without_system_certificates_certifi_is_trusted_as_httpx_did() -> None:
    environ: dict[str, str] = {}
    trust_certifi_without_system_cas(environ, lambda: ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
    assert environ["SSL_CERT_FILE"] == certifi.where()
    context = ssl.create_default_context(cafile=environ["SSL_CERT_FILE"])
    assert context.cert_store_stats()["x509_ca"] > 100


def test_the_systems_certificates_or_a_chosen_file_are_left_alone() -> None:
    with_system = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    with_system.load_verify_locations(certifi.where())
    environ: dict[str, str] = {}
    trust_certifi_without_system_cas(environ, lambda: with_system)
    assert environ == {}
    chosen = {"SSL_CERT_FILE": "/etc/our-ca.pem"}
    trust_certifi_without_system_cas(chosen, lambda: ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
    assert chosen == {"SSL_CERT_FILE": "/etc/our-ca.pem"}
