"""The models a bot trains in a process of its own at start-up answer as models trained here
do: a parent's question gets the same topic either way."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.domain.understanding import model, read_with
from bot.text.i18n import LANGUAGES
from bot.training import trained_elsewhere
from tests.support.processes import ROOT

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
