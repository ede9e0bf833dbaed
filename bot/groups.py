"""Group chats: who may delete the family's shared log, and moving a chat to its new id when
Telegram upgrades a group to a supergroup.

- `may_delete_shared_log`: in a group only an administrator (or the owner) may delete the
  shared log; Telegram is asked through getChatMember each time, since admins change.
- `move_chat`: everything the bot keeps for the chat (every row naming it, in one transaction;
  its jobs; python-telegram-bot's chat_data) goes to the new id. Called for the service
  messages Telegram sends (`migrate_to_chat_id` in the old group, `migrate_from_chat_id` in the
  new one; whichever comes first moves it, the other finds nothing left) and for a
  `ChatMigrated` error on a send (`bot.sending.send_to_chat`).
"""

from __future__ import annotations

import logging

from telegram import Bot, Chat, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot.services import PumpApplication, Services
from bot.storage.repo import ChatRepo

log = logging.getLogger(__name__)

ADMIN_STATUSES = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})


async def may_delete_shared_log(
    bot: Bot, chat: Chat, user: User | None, sender_chat: Chat | None = None
) -> bool:
    """True in a private chat; in a group, only for its owner and administrators. An admin who
    writes anonymously sends as the group itself (`sender_chat`), which only admins can do."""
    if chat.type == ChatType.PRIVATE:
        return True
    if sender_chat is not None and sender_chat.id == chat.id:
        return True
    if user is None:
        return False
    try:
        member = await bot.get_chat_member(chat.id, user.id)
    except TelegramError as error:
        # Not knowing is not a yes: the shared log stays.
        log.warning("Could not ask Telegram who chat %s's admins are: %s", chat.id, error)
        return False
    return member.status in ADMIN_STATUSES


async def move_chat(application: PumpApplication, old_id: int, new_id: int) -> bool:
    """Move the chat's rows, chat_data and jobs from `old_id` to `new_id`; False if the bot
    kept nothing under `old_id` (never met, or already moved)."""
    services: Services = application.bot_data["services"]
    with services.db.session() as session:
        moved = ChatRepo(session).move(old_id, new_id)
    if not moved:
        return False
    application.migrate_chat_data(old_chat_id=old_id, new_chat_id=new_id)
    # Each feature re-arms its jobs for the new id from the rows that just moved.
    await services.chat_moved(application, old_id, new_id)
    _drop_jobs_left_behind(application, old_id)
    rows = ", ".join(f"{table} {count}" for table, count in sorted(moved.items()) if count)
    log.info("Chat %s became supergroup %s; rows moved: %s", old_id, new_id, rows or "none")
    return True


def _drop_jobs_left_behind(application: PumpApplication, old_id: int) -> None:
    """A job still tied to the old id would only fail with ChatMigrated: features own their
    jobs and re-arm them in their `chat_moved` hooks."""
    if application.job_queue is None:
        return
    for job in application.job_queue.jobs():
        if job.chat_id == old_id:
            log.warning("Removing job %s left behind on chat %s", job.name, old_id)
            job.schedule_removal()
