"""Starting bot processes for benchmarks and process tests, and reading their peak memory."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_TOKEN = "4242424242:BENCH-token-not-for-logs"
MODELS = Path(tempfile.gettempdir()) / "pumpbot-test-models"


def keep_models() -> bool:
    """Train and keep the free-text models in MODELS (bot/modelcache.py) unless they are kept
    already; True if they had to be trained. A benchmark calls it before it starts bots, so each
    loads them: otherwise the first bot trains them in a process beside it, for over a minute
    of CPU on the 2-core machine, inside whatever is being measured (it halved the first
    ingest ceiling on a fresh machine, 2026-12-06)."""
    from bot.domain.understanding import model
    from bot.modelcache import keep_model, load_model
    from bot.text.i18n import LANGUAGES

    missing = [language for language in LANGUAGES if load_model(MODELS, language) is None]
    for language in missing:
        keep_model(MODELS, language, model(language))
    return bool(missing)


@dataclass
class TokenAudit:
    """Every bot process's output, read after it stopped: did the token appear anywhere?"""

    files: int = 0
    lines: int = 0
    hits: int = 0

    def check(self, log_path: Path) -> None:
        secret = BENCH_TOKEN.split(":", 1)[1].encode()  # the secret part alone counts too
        text = log_path.read_bytes()
        self.files += 1
        self.lines += text.count(b"\n")
        self.hits += text.count(secret)


TOKEN_AUDIT = TokenAudit()
_LOGS: dict[int, Path] = {}


def bot_env(base_url: str, file_url: str, database_url: str, **extra: str) -> dict[str, str]:
    """The environment a production bot would have, pointed at the fake server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "WEBHOOK_"))}
    env.update(
        BOT_TOKEN=BENCH_TOKEN,
        BOT_API_BASE_URL=base_url,
        BOT_API_FILE_URL=file_url,
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        # One place for every process's kept models (bot/modelcache.py): the first trains,
        # the rest load (a model is keyed by its phrasings, code and library versions).
        MODEL_CACHE_DIR=str(MODELS),
    )
    env.update(extra)
    return env


def start_process(args: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, *args], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    _LOGS[process.pid] = log_path
    return process


def stop_process(process: subprocess.Popen[bytes], kill: bool = False) -> None:
    """Stop the process (SIGINT, or SIGKILL), then audit its output for the token."""
    if process.poll() is None:
        process.send_signal(signal.SIGKILL if kill else signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log_path = _LOGS.pop(process.pid, None)
    if log_path is not None and log_path.exists():
        TOKEN_AUDIT.check(log_path)


async def stop_process_async(process: subprocess.Popen[bytes], kill: bool = False) -> None:
    """`stop_process` from a coroutine, on a worker thread: a bot stopping cleanly makes one last
    call to the fake server, which runs on this event loop and must be free to answer it."""
    await asyncio.to_thread(stop_process, process, kill)


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a running process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# What a bot process says in its log about leading (scheduler/leading.py) and about the reminders
# a dead process left between claim and answer (scheduler/handover.py).
LEADS = "This instance leads now"
FOLLOWS = "Another instance leads"
LEFT_OVER = re.compile(r"(\d+) sent now \(never handed over\), (\d+) were on the wire")


def on_the_wire(log_text: str) -> int:
    """How many reminders the process found on the wire when it took over (0 if none was left)."""
    match = LEFT_OVER.search(log_text)
    return int(match[2]) if match else 0


def free_port() -> int:
    """A loopback port nothing listens on (for a server a test starts, now or later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Wait until `condition()` holds, looking every 50 ms (for what no API call signals: a
    line in a process's log, a server that is down); fail after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.05)


async def http_get(port: int, path: str) -> tuple[int, str]:
    """GET a path on a loopback port, off the event loop: (status, body)."""

    def get() -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    return await asyncio.to_thread(get)
