"""`python -m bot chat` as a user runs it: a subprocess fed through its standard input.

All lines are written at once and stdin is closed; the terminal answers each line completely
before reading the next, so the transcript is in order without any waiting in the test.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import CHAT_TOKEN, main

pytestmark = pytest.mark.slow  # runs `python -m bot chat` as a subprocess

ROOT = Path(__file__).resolve().parents[2]
HAS_LOGGING = importlib.util.find_spec("handlers.logging") is not None


def run_chat(tmp_path: Path, lines: list[str], *options: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL")}
    env.update({"PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"})
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(tmp_path / "chat.sqlite3"), *options],
        cwd=tmp_path,  # no .env there
        env=env,
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def replies(stdout: str) -> list[tuple[str, str]]:
    """(typed line, what printed after it) for each line: piped input is echoed after `> `."""
    pairs: list[tuple[str, str]] = []
    for line in stdout.splitlines():
        if line.startswith("> "):
            pairs.append((line[2:], ""))
        elif pairs:
            typed, printed = pairs[-1]
            pairs[-1] = (typed, printed + line + "\n")
    return pairs


def test_chat_runs_without_a_token_and_answers_start_buttons_settings_help(
    tmp_path: Path,
) -> None:
    result = run_chat(tmp_path, ["/start", "/units", "/2", "/settings", "/help"])
    assert result.returncode == 0, result.stderr
    assert "no Telegram, no token" in result.stdout
    answered = replies(result.stdout)
    assert [typed for typed, _ in answered] == ["/start", "/units", "/2", "/settings", "/help"]
    start, units, choice, settings, help_ = (printed for _, printed in answered)
    assert start.startswith("pumpbot: Hi! I'm pumpbot")
    assert "L 60 R 70 20min" in start and "<code>" not in start
    assert "/1  Millilitres (ml)" in units and "/2  Ounces (oz)" in units
    assert choice.startswith("pumpbot (edited): Done! I'll show amounts in Ounces (oz).")
    assert "Unit: Ounces (oz)" in settings
    assert "/units – Millilitres or ounces" in help_
    # Its own database, where it was told; never the bot's default one.
    assert (tmp_path / "chat.sqlite3").exists()
    assert not (tmp_path / "data" / "pumpbot.sqlite3").exists()
    assert CHAT_TOKEN not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_time_zone_stops_with_status_2_in_the_chosen_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["chat", "--lang", "nb", "--tz", "Mars/Olympus"]) == 2
    printed = capsys.readouterr()
    assert "Jeg kjenner ikke tidssonen «Mars/Olympus»" in printed.err
    assert printed.out == ""


@pytest.mark.skipif(not HAS_LOGGING, reason="logging (handlers.logging) is not merged yet")
def test_chat_logs_a_session_and_today_shows_the_total(tmp_path: Path) -> None:
    lines = ["/start", "L 60 R 70 20min", "/units", "/1", "/today"]
    result = run_chat(tmp_path, lines)
    assert result.returncode == 0, result.stderr
    answered = dict(replies(result.stdout))
    assert "I'm pumpbot" in answered["/start"]
    assert answered["L 60 R 70 20min"].startswith("pumpbot")
    assert "Millilitres (ml)" in answered["/1"]
    assert "130" in answered["/today"]
