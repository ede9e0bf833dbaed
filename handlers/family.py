"""/link (/koble): a parent links her family group to her stash with a one-time code, and
unlinks it with one tap, from the group or from her private chat.

Every change goes through `bot.family`; this module reads the update, calls it and shows the
result.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import buttons
from bot.buttons import LINK_DROP, LINK_LOG, LINK_OFF
from bot.commands import MenuCommand
from bot.domain.chats import ChatSettings
from bot.domain.family import typed_code
from bot.family import (
    Linked,
    groups_of,
    link_group,
    link_of,
    new_code,
    parent_settings,
    share_log,
    unlink_group,
)
from bot.groups import may_delete_shared_log
from bot.services import PumpApplication, PumpContext
from bot.storage.models import ChatLink
from bot.text.family import (
    bad_code_text,
    code_in_private_text,
    code_text,
    group_name,
    how_to_link_text,
    linked_text,
    not_allowed_text,
    parent_told_text,
    shared_log_text,
    unlinked_text,
)
from bot.text.i18n import N_, Translator
from handlers.common import chat_settings, edit_tapped, out_of_date, unchanged_is_fine

log = logging.getLogger(__name__)

MENU_COMMANDS = [
    MenuCommand("link", N_("Share your stash with a family group"), nb_name="koble"),
]


def unlink_here_keyboard(tr: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("🔓 " + tr._("Unlink"), callback_data=LINK_OFF.data())]]
    )


def family_keyboard(links: list[ChatLink], settings: ChatSettings) -> InlineKeyboardMarkup | None:
    """In the parent's private chat, for each linked group: unlink it; show her pumping log
    there, or stop showing it."""
    tr = settings.tr
    rows = []
    for link in links:
        group, group_id = group_name(link, settings), link.group_chat_id
        if link.shares_log:
            share = InlineKeyboardButton(
                "🙈 " + tr._("Hide my log from {group}", group=group),
                callback_data=LINK_LOG.data(group_id, 0),
            )
        else:
            share = InlineKeyboardButton(
                "👁 " + tr._("Show my log in {group}", group=group),
                callback_data=LINK_LOG.data(group_id, 1),
            )
        drop = InlineKeyboardButton(
            "🔓 " + tr._("Unlink {group}", group=group), callback_data=LINK_DROP.data(group_id)
        )
        rows += [[drop], [share]]
    return InlineKeyboardMarkup(rows) if rows else None


async def link_command(update: Update, context: PumpContext) -> None:
    """In a private chat: a one-time code (and the groups linked now). In a group: `/link
    CODE` links it; alone, how to link it (or unlink it)."""
    settings = chat_settings(update, context)
    message = update.effective_message
    services = context.services
    now = services.clock.now()
    typed = " ".join(context.args or [])
    if message.chat.type == ChatType.PRIVATE:
        if typed_code(typed) is not None:
            await message.reply_text(code_in_private_text(settings))
            return
        code, expires = new_code(services.db, settings.id, now)
        links = list(groups_of(services.db, settings.id))
        await message.reply_text(
            code_text(code, expires, links, settings, now),
            reply_markup=family_keyboard(links, settings),
        )
        return
    code = typed_code(typed)
    if code is None:
        link = link_of(services.db, settings.id)
        keyboard = unlink_here_keyboard(settings.tr) if link is not None else None
        await message.reply_text(how_to_link_text(settings, link), reply_markup=keyboard)
        return
    outcome = link_group(services.db, settings.id, message.chat.title, code, now)
    if outcome.kind is not Linked.LINKED or outcome.link is None:
        await message.reply_text(bad_code_text(settings))
        return
    sender = update.effective_user.first_name if update.effective_user else None
    await message.reply_text(
        linked_text(sender, settings), reply_markup=unlink_here_keyboard(settings.tr)
    )
    await tell_parent(context, outcome.link)


async def tell_parent(context: PumpContext, link: ChatLink) -> None:
    """A line in the parent's private chat, with the one-tap unlink there too."""
    parent = parent_settings(context.services.db, link)
    if parent is None:
        return
    try:
        await context.bot.send_message(
            link.parent_chat_id,
            parent_told_text(link, parent),
            reply_markup=family_keyboard([link], parent),
        )
    except TelegramError as error:  # she may have blocked the bot: the link stands
        log.info("Could not tell chat %s about its new link: %s", link.parent_chat_id, error)


async def on_button(update: Update, context: PumpContext) -> None:
    """Unlink: in the group (its parent or an admin), or from the parent's private chat."""
    query = update.callback_query
    settings = chat_settings(update, context)
    pressed = buttons.parse(query.data)
    message = query.message
    if pressed is None or not isinstance(message, Message):
        await out_of_date(query, settings.tr)
        return
    db = context.services.db
    if pressed.button is LINK_LOG:
        group_id, shares = pressed.values
        link = share_log(db, group_id, settings.id, bool(shares)) if shares in (0, 1) else None
        if link is None:
            await query.answer(unlinked_text(None, settings), show_alert=True)
            return
        await query.answer(shared_log_text(link, settings), show_alert=True)
        links = list(groups_of(db, settings.id))
        with unchanged_is_fine():
            await query.edit_message_reply_markup(family_keyboard(links, settings))
        return
    if pressed.button is LINK_DROP:
        removed = unlink_group(db, pressed.values[0], parent_chat_id=settings.id)
    elif pressed.button is LINK_OFF:
        link = link_of(db, settings.id)
        user = query.from_user
        is_parent = link is not None and user is not None and user.id == link.parent_chat_id
        if link is not None and not is_parent:
            sender_chat = getattr(message, "sender_chat", None)
            if not await may_delete_shared_log(context.bot, message.chat, user, sender_chat):
                await query.answer(not_allowed_text(settings), show_alert=True)
                return
        removed = unlink_group(db, settings.id)
    else:
        await out_of_date(query, settings.tr)
        return
    if removed is None:
        await query.answer(unlinked_text(None, settings), show_alert=True)
        return
    await query.answer()
    await edit_tapped(query, unlinked_text(removed, settings))


def register(application: PumpApplication) -> None:
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler(["link", "koble"], link_command, new_messages))
    application.add_handler(CallbackQueryHandler(on_button, pattern=buttons.pattern("link")))
