"""/exclusive, /export and /forget: what the chat tells the bot about itself, and its right to
take its data away or delete it.

A button never creates a chat: tapped after /forget, it finds nothing to act on. Only the
person who asked for /forget can confirm it, and in a group only an admin
(`bot.groups.may_delete_shared_log`); the deleting is `bot.forget.forget_chat`.
"""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import buttons
from bot.buttons import STATS_EXCLUSIVE, STATS_FORGET, STATS_KEEP
from bot.commands import MenuCommand
from bot.domain.chats import ChatSettings
from bot.domain.export import export_filename
from bot.domain.feed_export import feeds_filename
from bot.domain.guideline import MIN_FULL_DAYS, MIN_SESSIONS_A_DAY
from bot.domain.settings_export import settings_csv, settings_filename
from bot.domain.stash_export import stash_filename
from bot.feedbook import export_feeds
from bot.forget import forget_chat
from bot.groups import may_delete_shared_log
from bot.logviews import export_log, session_count
from bot.services import PumpApplication, PumpContext
from bot.stashbook import export_stash
from bot.stepping import current_plan, status_of
from bot.text.i18n import N_, Translator
from bot.text.reports import band_text
from bot.text.settings import settings_caption
from bot.text.timer import timer_status_line
from bot.timers import current_timer
from handlers.common import (
    ask_babies_once,
    chat_settings,
    command_as_typed,
    edit_tapped,
    known_chat_settings,
    out_of_date,
    refuse_tap,
    refused_arguments,
    update_chat,
    user_translator,
)

MENU_COMMANDS = [
    MenuCommand("exclusive", N_("Tell me whether you pump exclusively"), nb_name="fullpumping"),
    MenuCommand("export", N_("Download your log as a CSV file"), nb_name="eksport"),
    MenuCommand("forget", N_("Delete all your data"), nb_name="slett"),
]


# -- export --------------------------------------------------------------------------------------


async def send_export(update: Update, context: PumpContext) -> None:
    """The settings (with the session timer and the step-down plan), then the whole log as a
    CSV document, and the milk stash and the bottle feeds as more, if there are any."""
    settings = chat_settings(update, context)
    tr = settings.tr
    services = context.services
    # The whole log, read and written out on a worker thread: a year is over 100 ms.
    count, data = await asyncio.to_thread(export_log, services.db, settings)
    portions, stash_data = await asyncio.to_thread(export_stash, services.db, settings)
    feeds, feeds_data = await asyncio.to_thread(export_feeds, services.db, settings)
    timer = await asyncio.to_thread(current_timer, services.db, settings.id)
    plan = await asyncio.to_thread(current_plan, services.db, settings.id)
    if not count and not portions and not feeds and timer is None and plan is None:
        await update.effective_message.reply_text(tr._("There's nothing to export yet."))
        return
    now = services.clock.now()
    # The settings first: the day's start (the log's day column) and the babies say how to read
    # the files that follow; a running timer or step-down plan is the parent's data too.
    more = [timer_status_line(timer, settings, now)] if timer is not None else []
    more += [status_of(plan, settings)] if plan is not None else []
    await update.effective_message.reply_document(
        settings_csv(settings, timer, plan.plan if plan is not None else None),
        filename=settings_filename(now, settings.tz),
        caption=settings_caption(settings, more),
    )
    if count:
        caption = tr.ngettext(
            "Your log: {n} session, times in your time zone ({zone}), amounts in millilitres.",
            "Your log: {n} sessions, times in your time zone ({zone}), amounts in millilitres.",
            count,
            zone=settings.timezone,
        )
        await update.effective_message.reply_document(
            data, filename=export_filename(now, settings.tz), caption=caption
        )
    if portions:
        caption = tr.ngettext(
            "Your milk stash: {n} portion, stored, used or thrown out, times in your time zone "
            "({zone}), amounts in millilitres.",
            "Your milk stash: {n} portions, stored, used or thrown out, times in your time zone "
            "({zone}), amounts in millilitres.",
            portions,
            zone=settings.timezone,
        )
        await update.effective_message.reply_document(
            stash_data, filename=stash_filename(now, settings.tz), caption=caption
        )
    if feeds:
        caption = tr.ngettext(
            "Your bottle feeds: {n} feed, times in your time zone ({zone}), amounts in "
            "millilitres.",
            "Your bottle feeds: {n} feeds, times in your time zone ({zone}), amounts in "
            "millilitres.",
            feeds,
            zone=settings.timezone,
        )
        await update.effective_message.reply_document(
            feeds_data, filename=feeds_filename(now, settings.tz), caption=caption
        )


# -- exclusive pumping ---------------------------------------------------------------------------


def exclusive_keyboard(settings: ChatSettings) -> InlineKeyboardMarkup:
    tr = settings.tr
    yes, no = tr._("Yes, I pump exclusively"), tr._("No, not exclusively")
    mark = "✓ "
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    (mark if settings.exclusive_pumping else "") + yes,
                    callback_data=STATS_EXCLUSIVE.data(1),
                )
            ],
            [
                InlineKeyboardButton(
                    ("" if settings.exclusive_pumping else mark) + no,
                    callback_data=STATS_EXCLUSIVE.data(0),
                )
            ],
        ]
    )


def guideline_band(settings: ChatSettings) -> str:
    return band_text(settings.tr, settings.unit, settings.babies)


async def ask_exclusive(update: Update, context: PumpContext) -> None:
    """Ask whether pumped milk is all the breast milk the baby gets."""
    settings = chat_settings(update, context)
    tr = settings.tr
    # TRANSLATORS: source: pumping-guide-nb.txt: "Barnets behov for morsmelk øker gradvis"
    # TRANSLATORS: source: pumping-guide-nb.txt: "Fram til barnet er seks måneder"
    # TRANSLATORS: source: pumping-guide-nb.txt: "Det kalles fullamming selv om du fullpumper"
    text = tr._(
        "Do you pump exclusively, so that pumped milk is all the breast milk your baby gets? "
        "Then /week, /month and /chart also show the {band} a day that such a baby usually "
        "takes, for comparison. If your baby also feeds at the breast, that band says "
        "nothing about your milk, so I leave it out.",
        band=guideline_band(settings),
    )
    await update.effective_message.reply_text(text, reply_markup=exclusive_keyboard(settings))


def exclusive_noted(settings: ChatSettings) -> str:
    tr = settings.tr
    if settings.exclusive_pumping:
        # TRANSLATORS: source: pumping-guide-nb.txt: "Barnets behov for morsmelk øker gradvis"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Fram til barnet er seks måneder"
        return tr._(
            "Noted: you pump exclusively. Once a week holds {days} finished days with at "
            "least {sessions} logged sessions each, /week, /month and /chart compare your "
            "daily amount with the {band} band.",
            band=guideline_band(settings),
            days=MIN_FULL_DAYS,
            sessions=MIN_SESSIONS_A_DAY,
        )
    return tr._("Noted: you don't pump exclusively, so I leave the guideline band out.")


async def on_exclusive_button(update: Update, context: PumpContext) -> None:
    """Yes or no to /exclusive."""
    query = update.callback_query
    settings = known_chat_settings(update, context)
    pressed = buttons.parse(query.data)
    value = pressed.values[0] if pressed is not None else None
    if settings is None or value not in (0, 1):
        await refuse_tap(update, context, settings)
        return
    settings = update_chat(context, settings.id, exclusive_pumping=value == 1)
    await query.answer()
    await edit_tapped(query, exclusive_noted(settings), exclusive_keyboard(settings))
    if isinstance(query.message, Message):
        await ask_babies_once(query.message, settings, context)


# -- forget --------------------------------------------------------------------------------------


def admins_only_text(tr: Translator) -> str:
    return tr._(
        "In a group, only an admin can delete the shared log, since it belongs to everyone "
        "here. Ask one of the group's admins to send /forget. Nothing was deleted."
    )


async def may_forget(update: Update, context: PumpContext) -> bool:
    message = update.effective_message
    return await may_delete_shared_log(
        context.bot,
        update.effective_chat,
        update.effective_user,
        message.sender_chat if message is not None else None,
    )


def forget_question(
    settings: ChatSettings, count: int, user_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    tr = settings.tr
    text = (
        tr.ngettext(
            "This deletes everything I keep for this chat: {n} logged session, the settings, "
            "plans and reminders.",
            "This deletes everything I keep for this chat: {n} logged sessions, the settings, "
            "plans and reminders.",
            count,
        )
        + " "
        + tr._("It can't be undone. Want a copy first? Use /export.")
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr._("Delete everything"), callback_data=STATS_FORGET.data(user_id)
                )
            ],
            [InlineKeyboardButton(tr._("Keep my data"), callback_data=STATS_KEEP.data())],
        ]
    )
    return text, keyboard


async def ask_forget(update: Update, context: PumpContext) -> None:
    """Say what /forget deletes, and ask for a tap to confirm (in a group, only an admin)."""
    settings = chat_settings(update, context)
    hint = settings.tr._(
        "I only understand {command} on its own, so nothing was deleted. Send {command} to "
        "delete everything I keep about this chat (you confirm with a tap first).",
        command=command_as_typed(update),
    )
    if await refused_arguments(update, context, hint):
        return
    if not await may_forget(update, context):
        await update.effective_message.reply_text(admins_only_text(settings.tr))
        return
    count = session_count(context.services.db, settings.id)
    # An admin writing anonymously (as the group) has no id of their own to check at the tap:
    # 0 lets any admin confirm, and the tap asks Telegram again whether they are one.
    message = update.effective_message
    anonymous = message.sender_chat is not None and message.sender_chat.id == settings.id
    user_id = update.effective_user.id if update.effective_user and not anonymous else 0
    text, keyboard = forget_question(settings, count, user_id)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


async def on_forget_button(update: Update, context: PumpContext) -> None:
    """ "Delete everything" (only by whoever asked) or "Keep my data"."""
    query = update.callback_query
    # The language is read before the rows go; replying must not create the chat again.
    settings = known_chat_settings(update, context)
    tr = settings.tr if settings is not None else user_translator(update, context)
    pressed = buttons.parse(query.data)
    if pressed is None:
        await out_of_date(query, tr)
    elif pressed.button is STATS_KEEP:
        await query.answer()
        await edit_tapped(query, tr._("Nothing was deleted."))
    elif pressed.values[0] not in (0, query.from_user.id):
        await query.answer(tr._("Only the person who asked can confirm this."), show_alert=True)
    elif settings is None:
        await query.answer()
        await edit_tapped(query, tr._("There's nothing of this chat left to delete."))
    elif not await may_forget(update, context):  # asked again: admins change
        await query.answer(admins_only_text(tr), show_alert=True)
    else:
        await forget_chat(context.application, settings.id)
        await query.answer()
        await edit_tapped(
            query,
            tr._(
                "Done. I've deleted everything I kept for this chat: logs, settings, plans and "
                "reminders. If you write to me again, I'll start afresh."
            ),
        )


def register(application: PumpApplication) -> None:
    application.add_handler(CommandHandler(["export", "eksport"], send_export))
    application.add_handler(CommandHandler(["exclusive", "fullpumping"], ask_exclusive))
    application.add_handler(CommandHandler(["forget", "slett"], ask_forget))
    exclusive = buttons.pattern("stats", STATS_EXCLUSIVE)
    application.add_handler(CallbackQueryHandler(on_exclusive_button, pattern=exclusive))
    forget = buttons.pattern("stats", STATS_FORGET, STATS_KEEP)
    application.add_handler(CallbackQueryHandler(on_forget_button, pattern=forget))
