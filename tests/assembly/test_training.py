"""The models a bot trains in a process of its own at start-up answer as models trained here
do: a parent's question gets the same topic either way."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.domain.understanding import model, read_with
from bot.text.i18n import LANGUAGES
from bot.training import trained_elsewhere
from tests.support.fakeserver import FakeBotApiServer
from tests.support.processes import ROOT, bot_env, start_process, stop_process_async

pytestmark = pytest.mark.slow  # starts a process that trains both languages (seconds)

QUESTIONS = {
    "en": ["how long can milk stay in the fridge", "my supply is dropping, what can i do"],
    "nb": ["hvor lenge kan melka stå i kjøleskapet", "hvordan får jeg mer melk"],
}


def test_models_trained_in_another_process_answer_as_these_do() -> None:
    elsewhere = trained_elsewhere()
    assert set(elsewhere) == set(LANGUAGES)
    for language, questions in QUESTIONS.items():
        for text in questions:
            theirs = read_with(elsewhere[language], text, language)
            ours = read_with(model(language), text, language)
            assert theirs.label is not None and theirs.label == ours.label, text
            assert theirs.confidence == pytest.approx(ours.confidence)


def test_a_bot_killed_outright_leaves_no_training_process_behind(tmp_path: Path) -> None:
    """SIGKILL cannot reach a daemon child: the training process notices its parent is gone
    and ends, instead of training on for a minute of CPU."""
    bot_like = subprocess.Popen(
        [sys.executable, "-c", "from bot.training import trained_elsewhere; trained_elsewhere()"],
        cwd=ROOT,
    )
    try:
        trainer = None
        deadline = time.monotonic() + 30
        while trainer is None and time.monotonic() < deadline:
            trainer = child_of(bot_like.pid)
            time.sleep(0.1)
        assert trainer is not None, "the training process did not start"
    finally:
        bot_like.kill()
        bot_like.wait()
    deadline = time.monotonic() + 10
    while alive(trainer) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(trainer)


def child_of(pid: int) -> int | None:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    # The spawn start method runs a resource tracker first, then the training process.
    return int(children[-1]) if len(children) >= 2 else None


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


async def test_a_restarted_bot_loads_the_models_it_trained(tmp_path: Path) -> None:
    """The first start trains the models and keeps them (bot/modelcache.py); the next loads
    them instead of training again (25 s of CPU on the bench machine)."""
    server = await FakeBotApiServer().start()
    env = bot_env(
        server.base_url,
        server.file_url,
        f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        LOG_LEVEL="INFO",
        MODEL_CACHE_DIR=str(tmp_path / "models"),
    )
    try:
        for run, said in enumerate(("models trained", "models loaded")):
            log = tmp_path / f"run-{run}.log"
            process = start_process(["-m", "bot"], env, log)
            try:
                deadline = time.monotonic() + 120
                while said not in log.read_text() and time.monotonic() < deadline:
                    await asyncio.sleep(0.2)
                assert f"understanding {said}" in log.read_text()
            finally:
                await stop_process_async(process)
    finally:
        await server.stop()
    assert [p.name.split("-")[1] for p in sorted((tmp_path / "models").iterdir())] == ["en", "nb"]
