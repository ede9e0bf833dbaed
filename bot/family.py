"""Family groups linked to the parent who pumps: the one write path for links and codes, and
which stash a chat's feeds and /stash use.

In a linked group anyone may log feeds and see the stash; both are the parent's (her private
chat's stash), shown in the group's own language, unit and zone. Her pumping log, trend and
report stay in her private chat: nothing here reads them. Unlinking deletes only the link row:
feeds, portions and logs stay where they are. The link is a row keyed by the group's id, so it
survives a restart, and `ChatRepo.move` carries it to a supergroup's new id with the rest.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.chats import ChatSettings
from bot.domain.family import CODE_FOR, new_link_code
from bot.storage.db import Database
from bot.storage.models import ChatLink
from bot.storage.repo import ChatRepo, LinkRepo

TITLE_MAX_CHARS = 128


class Linked(StrEnum):
    LINKED = "linked"
    BAD_CODE = "bad_code"  # unknown, used or expired


@dataclass(frozen=True)
class LinkOutcome:
    kind: Linked
    link: ChatLink | None = None


def new_code(db: Database, parent_chat_id: int, now: datetime) -> tuple[str, datetime]:
    """A fresh one-time code for the parent (replacing her earlier one), and when it expires."""
    with db.session() as session:
        repo = LinkRepo(session)
        code = new_link_code()
        while repo.code_in_use(code):  # another parent's live code: rare, draw again
            code = new_link_code()
        repo.put_code(parent_chat_id, code, now + CODE_FOR)
    return code, now + CODE_FOR


def link_group(
    db: Database, group_chat_id: int, title: str | None, code: str, now: datetime
) -> LinkOutcome:
    """Link the group to the parent whose code this is; the code is used up."""
    with db.session() as session:
        repo = LinkRepo(session)
        parent = repo.take_code(code, now)
        if parent is None or ChatRepo(session).get(parent) is None:
            return LinkOutcome(Linked.BAD_CODE)
        link = repo.link(
            ChatLink(
                group_chat_id=group_chat_id,
                parent_chat_id=parent,
                group_title=(title or "")[:TITLE_MAX_CHARS] or None,
                linked_at=now,
            )
        )
        return LinkOutcome(Linked.LINKED, link)


def unlink_group(
    db: Database, group_chat_id: int, parent_chat_id: int | None = None
) -> ChatLink | None:
    """Remove the group's link (only its parent's, when `parent_chat_id` is given); the link
    removed, or None if there was none. Nothing else changes."""
    with db.session() as session:
        return LinkRepo(session).unlink(group_chat_id, parent_chat_id)


def share_log(
    db: Database, group_chat_id: int, parent_chat_id: int, shares: bool
) -> ChatLink | None:
    """The parent's choice to let the linked group see her pumping log (off by default)."""
    with db.session() as session:
        repo = LinkRepo(session)
        link = repo.parent_of(group_chat_id)
        if link is None or link.parent_chat_id != parent_chat_id:
            return None
        link.shares_log = shares
        return repo.save(link)


def parent_settings(db: Database, link: ChatLink) -> ChatSettings | None:
    """The linked parent's own settings (her language, for what the bot tells her)."""
    with db.session() as session:
        row = ChatRepo(session).get(link.parent_chat_id)
        return ChatSettings.of(row) if row is not None else None


def link_of(db: Database, group_chat_id: int) -> ChatLink | None:
    with db.session() as session:
        return LinkRepo(session).parent_of(group_chat_id)


def groups_of(db: Database, parent_chat_id: int) -> Sequence[ChatLink]:
    with db.session() as session:
        return LinkRepo(session).groups_of(parent_chat_id)


def log_settings(db: Database, settings: ChatSettings) -> ChatSettings:
    """The settings the read-only log views (/today, /last, /week, /month) act with: in a
    linked group whose parent chose to share her log, her log in the group's language, unit
    and zone; otherwise the chat's own log."""
    if settings.id >= 0:
        return settings
    link = link_of(db, settings.id)
    if link is None or not link.shares_log:
        return settings
    return dataclasses.replace(settings, id=link.parent_chat_id)


def stash_settings(db: Database, settings: ChatSettings) -> ChatSettings:
    """The settings the stash and feeds act with: in a linked group, the parent's stash (her
    chat id) and her pumping facts (whether she pumps exclusively, for how many babies: they
    decide the days-covered guide), in the group's own language, unit and zone; otherwise the
    chat's own."""
    if settings.id >= 0:
        return settings
    with db.session() as session:
        link = LinkRepo(session).parent_of(settings.id)
        parent = ChatRepo(session).get(link.parent_chat_id) if link is not None else None
    if parent is None:
        return settings
    own = ChatSettings.of(parent)
    return dataclasses.replace(
        settings,
        id=own.id,
        exclusive_pumping=own.exclusive_pumping,
        babies=own.babies,
        babies_asked=own.babies_asked,
    )
