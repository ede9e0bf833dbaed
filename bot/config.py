"""Settings read once from the environment (and an optional `.env`); nothing else reads them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.text.i18n import LANGUAGES

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """A setting is missing or invalid; `setting` names it for the operator."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem


@dataclass(frozen=True)
class Config:
    bot_token: str
    database_url: str
    bot_api_base_url: str | None = None
    bot_api_file_url: str | None = None
    default_timezone: str = "Europe/Oslo"
    default_language: str = "en"
    log_level: str = "INFO"
    webhook_url: str | None = None
    port: int = 8443
    webhook_secret: str | None = None
    data_dir: Path = Path("data")
    # Trained free-text models kept between starts (bot/modelcache.py); None keeps none.
    model_cache_dir: Path | None = None
    # Health and metrics (bot/metrics.py): served on this port when set, on this address.
    metrics_port: int | None = None
    metrics_listen: str = "0.0.0.0"

    @property
    def webhook_mode(self) -> bool:
        return self.webhook_url is not None


def _token(value: str | None) -> str:
    if not value:
        raise ConfigError("BOT_TOKEN", "missing")
    bot_id, sep, secret = value.partition(":")
    if not (sep and bot_id.isdigit() and secret):
        raise ConfigError("BOT_TOKEN", "does not look like a token from @BotFather (123456:ABC...)")
    return value


def _url(setting: str, value: str | None, schemes: tuple[str, ...]) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        raise ConfigError(setting, f"must be a URL starting with {' or '.join(schemes)}")
    return value


def database_url_from(value: str | None, data_dir: Path) -> str:
    """Normalise DATABASE_URL to a SQLAlchemy URL; platforms hand out `postgres://`."""
    if not value:
        return f"sqlite:///{data_dir / 'pumpbot.sqlite3'}"
    scheme, sep, rest = value.partition("://")
    if not sep:
        raise ConfigError("DATABASE_URL", "must look like sqlite:///path or postgresql://...")
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    if scheme.startswith(("postgresql+", "sqlite")):
        return value
    raise ConfigError("DATABASE_URL", f"unsupported database {scheme!r}: use sqlite or postgresql")


def _port(setting: str, value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError(setting, "must be a port number between 1 and 65535")
    return int(value)


def load_config(env: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Config:
    """Build the Config from `env` (default: the process environment plus `.env`)."""
    if env is None:
        if dotenv:
            from dotenv import load_dotenv

            load_dotenv(Path.cwd() / ".env", override=False)
        env = os.environ
    data_dir = Path(env.get("DATA_DIR") or "data")
    timezone = env.get("DEFAULT_TIMEZONE") or "Europe/Oslo"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError("DEFAULT_TIMEZONE", f"unknown time zone {timezone!r}") from exc
    language = (env.get("DEFAULT_LANGUAGE") or "en").lower()
    if language not in LANGUAGES:
        raise ConfigError("DEFAULT_LANGUAGE", f"must be one of {', '.join(LANGUAGES)}")
    level = (env.get("LOG_LEVEL") or "INFO").upper()
    if level not in LOG_LEVELS:
        raise ConfigError("LOG_LEVEL", f"must be one of {', '.join(LOG_LEVELS)}")
    port = _port("PORT", env.get("PORT") or "8443")
    metrics_port = env.get("METRICS_PORT") or None
    secret = env.get("WEBHOOK_SECRET") or None
    if secret is not None and not all(c.isalnum() or c in "_-" for c in secret):
        raise ConfigError("WEBHOOK_SECRET", "may hold only letters, digits, _ and -")
    return Config(
        bot_token=_token(env.get("BOT_TOKEN")),
        database_url=database_url_from(env.get("DATABASE_URL"), data_dir),
        bot_api_base_url=_url("BOT_API_BASE_URL", env.get("BOT_API_BASE_URL"), ("http", "https")),
        bot_api_file_url=_url("BOT_API_FILE_URL", env.get("BOT_API_FILE_URL"), ("http", "https")),
        default_timezone=timezone,
        default_language=language,
        log_level=level,
        webhook_url=_url("WEBHOOK_URL", env.get("WEBHOOK_URL"), ("https", "http")),
        port=port,
        webhook_secret=secret,
        data_dir=data_dir,
        model_cache_dir=Path(env.get("MODEL_CACHE_DIR") or data_dir / "models"),
        metrics_port=_port("METRICS_PORT", metrics_port) if metrics_port else None,
        metrics_listen=env.get("METRICS_LISTEN") or "0.0.0.0",
    )
