"""Sessions written straight through the repository (logging by message lives elsewhere)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.storage.models import PumpSession
from bot.storage.repo import ChatRepo, SessionRepo
from tests.support.kit import BotHarness


def add_session(
    bot: BotHarness,
    started_at: datetime,
    total_ml: float,
    *,
    chat_id: int,
    language: str = "en",
    **fields: Any,
) -> PumpSession:
    """Store one session for the chat (creating the chat if it is new); return it with its id."""
    with bot.services.db.session() as session:
        ChatRepo(session).get_or_create(chat_id, language=language, timezone="Europe/Oslo")
        entry = PumpSession(chat_id=chat_id, started_at=started_at, total_ml=total_ml, **fields)
        return SessionRepo(session, chat_id).add(entry)


def stored_sessions(bot: BotHarness, chat_id: int) -> list[PumpSession]:
    with bot.services.db.session() as session:
        return list(SessionRepo(session, chat_id).all())


def stored_logs(engine: sa.Engine) -> list[tuple[int, int | None, float, int | None]]:
    """(chat, logged message id, millilitres, confirmation message id) of every session, read
    straight from the table (by a test process, beside the bot's)."""
    table = PumpSession.__table__  # type: ignore[attr-defined]
    query = sa.select(
        table.c.chat_id,
        table.c.source_message_id,
        table.c.total_ml,
        table.c.confirmation_message_id,
    )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]  # type: ignore[misc]
