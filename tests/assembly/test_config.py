"""Settings from the environment; a missing token or a bad setting is explained, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:TEST-secret-token-never-in-logs"


def test_defaults_use_an_sqlite_file_in_the_data_directory() -> None:
    config = load_config({"BOT_TOKEN": TOKEN, "DATA_DIR": "/srv/pumpbot"})
    assert config.database_url == "sqlite:////srv/pumpbot/pumpbot.sqlite3"
    assert config.default_language == "en"
    assert not config.webhook_mode


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/pump", "postgresql+psycopg://u:p@db:5432/pump"),
        ("postgresql://u:p@db/pump", "postgresql+psycopg://u:p@db/pump"),
        ("sqlite:///tmp/x.db", "sqlite:///tmp/x.db"),
    ],
)
def test_database_urls_from_hosting_platforms_work(given: str, expected: str) -> None:
    assert load_config({"BOT_TOKEN": TOKEN, "DATABASE_URL": given}).database_url == expected


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("BOT_TOKEN", "not-a-token"),
        ("DEFAULT_TIMEZONE", "Europe/Atlantis"),
        ("DEFAULT_LANGUAGE", "de"),
        ("LOG_LEVEL", "LOUD"),
        ("PORT", "eighty"),
        ("METRICS_PORT", "70000"),
        ("DATABASE_URL", "mysql://x/y"),
        ("BOT_API_BASE_URL", "127.0.0.1:8081/bot"),
        ("WEBHOOK_URL", "ftp://example.org/hook"),
        ("WEBHOOK_SECRET", "has spaces!"),
    ],
)
def test_an_invalid_setting_is_named(setting: str, value: str) -> None:
    env = {"BOT_TOKEN": TOKEN, setting: value}
    with pytest.raises(ConfigError) as raised:
        load_config(env)
    assert raised.value.setting == setting


def test_metrics_are_served_only_when_a_port_is_given() -> None:
    assert load_config({"BOT_TOKEN": TOKEN}).metrics_port is None
    config = load_config({"BOT_TOKEN": TOKEN, "METRICS_PORT": "9100", "METRICS_LISTEN": "::1"})
    assert (config.metrics_port, config.metrics_listen) == (9100, "::1")


def test_local_bot_api_server_settings_are_kept() -> None:
    config = load_config(
        {
            "BOT_TOKEN": TOKEN,
            "BOT_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "BOT_API_FILE_URL": "http://127.0.0.1:8081/file/bot",
            "WEBHOOK_URL": "https://example.org/telegram",
            "WEBHOOK_SECRET": "s3cret-value",
        }
    )
    assert config.bot_api_base_url == "http://127.0.0.1:8081/bot"
    assert config.webhook_mode and config.webhook_secret == "s3cret-value"


def run_bot(env_overrides: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,  # no .env there
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow  # starts `python -m bot`
def test_without_a_token_the_bot_explains_botfather_and_exits_2(tmp_path: Path) -> None:
    result = run_bot({}, tmp_path)
    assert result.returncode == 2
    assert "@BotFather" in result.stderr and "BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow  # starts `python -m bot`
def test_an_invalid_setting_exits_2_naming_it(tmp_path: Path) -> None:
    result = run_bot({"BOT_TOKEN": TOKEN, "LOG_LEVEL": "LOUD"}, tmp_path)
    assert result.returncode == 2
    assert "LOG_LEVEL" in result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr


@pytest.mark.slow  # starts `python -m bot`
def test_a_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=LOUD\nBOT_TOKEN=" + TOKEN + "\n")
    result = run_bot({}, tmp_path)
    assert result.returncode == 2 and "LOG_LEVEL" in result.stderr
