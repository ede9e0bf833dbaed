"""The HTTP client under python-telegram-bot: httpx2, in place of httpx, for the whole process.

PTB's `HTTPXRequest` sends every Bot API call through an httpx connection pool. httpx 0.28
(PTB 22 allows nothing newer) runs on httpcore 1.0.9, whose pool walks every connection, and
for each idle one every connection again, each time a request starts or ends
(`_assign_requests_to_connections`; encode/httpcore#1035, still open). With dozens of replies
in flight the pool has dozens of connections, and its bookkeeping grows with them: at 290 logs
a second it was 14.5 % of the bot's samples (py-spy), against 2.3 % at 200 a second, and the
extra CPU it took pushed the bot over its ingest ceiling (docs/performance.md, sixth round).

httpx2 (pydantic's maintained continuation of httpx, on httpcore2) keeps the pool's state as
it changes instead, and offers `alias_httpx` for applications whose libraries import httpx:
PTB, and our own modules, then get httpx2's classes and exceptions. It must run before
anything imports httpx, so `bot/__init__.py` calls it; it fails loudly if something did.

httpx trusted certifi's certificate authorities; httpx2 trusts the system's (on Linux,
OpenSSL's files, or `SSL_CERT_FILE`). On a machine without them (a bare container), the
HTTPS to Telegram would fail, so there `SSL_CERT_FILE` points at certifi's, as before.
"""

from __future__ import annotations

import os
import ssl
import sys
from collections.abc import Callable, MutableMapping

import certifi
import httpcore2
import httpx2


def use_httpx2() -> None:
    """Make `import httpx` (and `httpcore`) give httpx2 (and httpcore2), process-wide."""
    trust_certifi_without_system_cas(os.environ, httpcore2.default_ssl_context)
    if sys.modules.get("httpx") is httpx2:
        return
    httpx2.alias_httpx()


def trust_certifi_without_system_cas(
    environ: MutableMapping[str, str], default_context: Callable[[], ssl.SSLContext]
) -> None:
    """Point `SSL_CERT_FILE` at certifi's authorities when the system offers none (and the
    environment names none)."""
    if "SSL_CERT_FILE" in environ or "SSL_CERT_DIR" in environ:
        return
    if default_context().cert_store_stats()["x509_ca"] == 0:
        environ["SSL_CERT_FILE"] = certifi.where()
