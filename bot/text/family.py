"""What linking a family group says: the code, the link, the unlink, refusals."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from bot.domain.chats import ChatSettings
from bot.storage.models import ChatLink
from bot.text.formatting import when_text


def group_name(link: ChatLink, settings: ChatSettings) -> str:
    return html.escape(link.group_title) if link.group_title else settings.tr._("your group")


def code_text(
    code: str, expires: datetime, links: Sequence[ChatLink], settings: ChatSettings, now: datetime
) -> str:
    """/link in the parent's private chat: her code, and the groups linked now."""
    tr = settings.tr
    lines = [
        "🔗 "
        + tr._(
            "To share your stash with your family group, send <code>/link {code}</code> in the "
            "group by {when}. Everyone there can then log bottles (<code>/feed 90</code> or "
            "<code>fed 90</code>) and see your stash. Your pumping log, trend and report stay "
            "here, in our private chat.",
            code=code,
            when=when_text(expires, settings, now),
        )
    ]
    if links:
        names = ", ".join(group_name(link, settings) for link in links)
        lines += ["", tr._("Linked now: {groups}. Tap below to unlink one.", groups=names)]
    return "\n".join(lines)


def linked_text(sender: str | None, settings: ChatSettings) -> str:
    tr = settings.tr
    if sender:
        return "🔗 " + tr._(
            "This group now shares {name}'s stash. Anyone here can log a bottle with "
            "<code>/feed 90</code> or <code>fed 90</code>, and see the stash with /stash. "
            "The pumping log stays private.",
            name=html.escape(sender),
        )
    return "🔗 " + tr._(
        "This group now shares the stash. Anyone here can log a bottle with "
        "<code>/feed 90</code> or <code>fed 90</code>, and see the stash with /stash. "
        "The pumping log stays private."
    )


def parent_told_text(link: ChatLink, settings: ChatSettings) -> str:
    """In the parent's private chat, once a group is linked."""
    return "🔗 " + settings.tr._(
        "Your stash is now shared with {group}. Your pumping log stays here.",
        group=group_name(link, settings),
    )


def bad_code_text(settings: ChatSettings) -> str:
    return settings.tr._(
        "That code doesn't work: it may be used already or more than an hour old. The parent "
        "who pumps can get a new one by sending /link to me in a private chat."
    )


def how_to_link_text(settings: ChatSettings, link: ChatLink | None) -> str:
    """/link in a group without a code."""
    tr = settings.tr
    if link is not None:
        return "🔗 " + tr._(
            "This group shares a parent's stash: /stash shows it, and a bottle is logged with "
            "<code>/feed 90</code>. Tap below to unlink; nothing is deleted."
        )
    return "🔗 " + tr._(
        "To share a stash with this group, the parent who pumps sends /link to me in a "
        "private chat, then sends the code I reply with here, like <code>/link K7P3QX</code>."
    )


def unlinked_text(link: ChatLink | None, settings: ChatSettings) -> str:
    tr = settings.tr
    if link is None:
        return tr._("That group is not linked any more. Nothing changed.")
    return "🔗 " + tr._(
        "Unlinked: {group} no longer shares the stash. Nothing was deleted.",
        group=group_name(link, settings),
    )


def not_allowed_text(settings: ChatSettings) -> str:
    return settings.tr._(
        "Only the parent whose stash it is, or an admin of this group, can unlink it."
    )


def code_in_private_text(settings: ChatSettings) -> str:
    return settings.tr._(
        "Send that code in your family group, not here: there it links the group to your stash."
    )


def shared_log_text(link: ChatLink, settings: ChatSettings) -> str:
    """Her choice to show her pumping log in the linked group, or not."""
    group = group_name(link, settings)
    if link.shares_log:
        return settings.tr._(
            "Your pumping log now shows in {group} (/today, /last, /week, /month there). "
            "You can hide it again below.",
            group=group,
        )
    return settings.tr._("Your pumping log no longer shows in {group}.", group=group)
