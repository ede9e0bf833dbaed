"""Forgetting a chat (/forget): every row that names it, then whatever each feature holds in
memory for it (jobs, caches, python-telegram-bot's chat_data)."""

from __future__ import annotations

import logging

from bot.services import PumpApplication, Services
from bot.storage.repo import ChatRepo

log = logging.getLogger(__name__)


async def forget_chat(application: PumpApplication, chat_id: int) -> dict[str, int]:
    """Delete every row of the chat, then let each feature drop what it holds in memory.
    Returns the rows deleted, per table."""
    services: Services = application.bot_data["services"]
    with services.db.session() as session:
        deleted = ChatRepo(session).forget(chat_id)
    await services.chat_forgotten(application, chat_id)
    # Features remove their own jobs in their hooks; a job still tied to the chat after that
    # would run for a chat that no longer exists.
    if application.job_queue is not None:
        for job in application.job_queue.jobs():
            if job.chat_id == chat_id:
                log.warning("Removing job %s left behind after /forget", job.name)
                job.schedule_removal()
    application.drop_chat_data(chat_id)
    return deleted
