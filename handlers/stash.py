"""/stash (/lager), typed stash messages (`froze 120`, `kjøleskap 90`) and the stash buttons.

Every change goes through `bot.stashbook.change_stash`; this module reads the update, calls it
and shows the result. The free-text handler must be registered before the logging feature's
catch-all, so `froze 120` is stored milk, never a pumping session.
"""

from __future__ import annotations

import re
from datetime import datetime

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import buttons
from bot.buttons import (
    STASH_FREEZE,
    STASH_LIST,
    STASH_PICK,
    STASH_PUT,
    STASH_SHOW,
    STASH_THAW,
    STASH_TOSS,
    STASH_USE,
)
from bot.commands import MenuCommand
from bot.domain.chats import ChatSettings
from bot.domain.routing import Decision, Kind
from bot.domain.stash import (
    Action,
    Place,
    PortionState,
    StashRequest,
    StashView,
    freeze_problem,
    parse_stash_args,
    thaw_problem,
)
from bot.family import stash_settings
from bot.services import PumpApplication, PumpContext
from bot.stashbook import (
    Change,
    StashChange,
    StashResult,
    change_stash,
    get_portion,
    overview,
    stash_page,
)
from bot.storage.models import StashPortion
from bot.text.formatting import day_text, format_volume
from bot.text.i18n import N_, Translator
from bot.text.stash import ICONS, pick_text, portion_text, unreadable_text
from handlers.common import ask_babies_once, chat_settings, edit_tapped, out_of_date
from scheduler.stash_notes import forget_note, move_note, rebuild_note_jobs, schedule_note

MENU_COMMANDS = [
    MenuCommand("stash", N_("Your milk in the fridge and freezer"), nb_name="lager"),
]
STASH_COMMAND = re.compile(r"^/(?:stash|lager)(?:@\w+)?(?=\s|$)", re.IGNORECASE)
MAX_PICK = 24  # portions offered as buttons: enough for a full freezer drawer, fits a phone
PORTION_CHANGES = {
    STASH_USE: Change.USE,
    STASH_THAW: Change.THAW,
    STASH_FREEZE: Change.FREEZE,
    STASH_TOSS: Change.DISCARD,
}
ALERT_MAX_CHARS = 200  # Telegram's limit for a callback answer


# -- keyboards -------------------------------------------------------------------------------


def stash_keyboard(
    view: StashView, settings: ChatSettings, now: datetime
) -> InlineKeyboardMarkup | None:
    """Use the oldest in the fridge, thaw the oldest frozen, or pick one."""
    tr = settings.tr
    first_row = []
    usable = view.fridge.oldest_usable(now)
    if usable is not None:
        first_row.append(
            InlineKeyboardButton(
                "🍼 " + tr._("Use the oldest: {amount}", amount=amount_of(usable, settings)),
                callback_data=STASH_USE.data(usable.id),
            )
        )
    if view.freezer.portions:
        frozen = view.freezer.portions[0]
        first_row.append(
            InlineKeyboardButton(
                "💧 " + tr._("Thaw the oldest: {amount}", amount=amount_of(frozen, settings)),
                callback_data=STASH_THAW.data(frozen.id),
            )
        )
    rows = [first_row] if first_row else []
    if not view.empty:
        rows.append(
            [InlineKeyboardButton("📋 " + tr._("Pick a portion"), callback_data=STASH_PICK.data())]
        )
    return InlineKeyboardMarkup(rows) if rows else None


def button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def amount_of(portion: StashPortion, settings: ChatSettings) -> str:
    return format_volume(portion.amount_ml, settings.unit, settings.tr.locale)


def pick_keyboard(view: StashView, settings: ChatSettings, now: datetime) -> InlineKeyboardMarkup:
    """One button per portion, fridge then freezer, oldest first; then back."""
    rows = []
    for shelf in view.shelves:
        for portion in shelf.portions:
            label = f"{ICONS[shelf.place]} {amount_of(portion, settings)} · " + day_text(
                portion.pumped_at, settings, now
            )
            rows.append([InlineKeyboardButton(label, callback_data=STASH_SHOW.data(portion.id))])
    rows = rows[:MAX_PICK]
    rows.append([back_button(settings.tr, STASH_LIST)])
    return InlineKeyboardMarkup(rows)


def back_button(tr: Translator, to: buttons.Button) -> InlineKeyboardButton:
    return InlineKeyboardButton("« " + tr._("Back"), callback_data=to.data())


def portion_keyboard(
    portion: StashPortion, settings: ChatSettings, now: datetime
) -> InlineKeyboardMarkup:
    """What can be done with one portion: only the moves the rules allow are offered."""
    tr = settings.tr
    first = [InlineKeyboardButton("🍼 " + tr._("Use"), callback_data=STASH_USE.data(portion.id))]
    if thaw_problem(portion) is None:
        first.append(
            InlineKeyboardButton("💧 " + tr._("Thaw"), callback_data=STASH_THAW.data(portion.id))
        )
    if freeze_problem(portion, now) is None:
        first.append(
            InlineKeyboardButton(
                "🧊 " + tr._("Freeze"), callback_data=STASH_FREEZE.data(portion.id)
            )
        )
    toss = InlineKeyboardButton("🗑 " + tr._("Throw out"), callback_data=STASH_TOSS.data(portion.id))
    return InlineKeyboardMarkup([first, [toss], [back_button(tr, STASH_PICK)]])


# -- commands and typed messages -------------------------------------------------------------


def user_name(update: Update) -> str | None:
    return update.effective_user.full_name if update.effective_user else None


def change_for(request: StashRequest, update: Update, stash_chat_id: int) -> StashChange:
    """The change a typed message asks for, keyed by the message (handled once). A linked
    family group's message changes the parent's stash, whose handled-message mark counts her
    own chat's message ids: that one is not keyed."""
    message = update.effective_message
    message_id = message.message_id if message.chat_id == stash_chat_id else None
    if request.action == Action.ADD:
        return StashChange(
            Change.ADD,
            place=request.place,
            amount_ml=request.amount_ml,
            added_by_name=user_name(update),
            source_message_id=message_id,
        )
    if request.amount_ml is None:
        return StashChange(Change.USE, place=request.place, source_message_id=message_id)
    return StashChange(
        Change.USE_AMOUNT,
        place=request.place,
        amount_ml=request.amount_ml,
        source_message_id=message_id,
    )


async def show_stash(update: Update, context: PumpContext) -> None:
    """`/stash` shows the stash; `/stash add 120 freezer`, `/stash use 60` change it. In a
    linked family group, the parent's stash."""
    services = context.services
    settings = stash_settings(services.db, chat_settings(update, context))
    message = update.effective_message
    typed = STASH_COMMAND.sub("", message.text or "", count=1).strip()
    if typed:
        request = parse_stash_args(typed, settings.unit)
        if request is None:
            await message.reply_text(unreadable_text(settings))
            return
        change = change_for(request, update, settings.id)
        result = await change_stash(context.application, settings, change)
        await message.reply_text(result.text)
        return
    now = services.clock.now()
    text, view = overview(services.db, settings, now)
    await message.reply_text(text, reply_markup=stash_keyboard(view, settings, now))
    # The days-covered line showed: it counts one band per baby. Asked in her own chat only
    # (a linked family group shows her stash, and her answer is hers to give).
    if not view.empty and settings.id == message.chat_id:
        await ask_babies_once(message, settings, context)


async def on_stash_text(
    update: Update, context: PumpContext, settings: ChatSettings, decision: Decision
) -> None:
    """`froze 120` in a private chat: a new portion, never a logged session."""
    assert decision.stash is not None
    change = change_for(decision.stash, update, settings.id)
    result = await change_stash(context.application, settings, change)
    await update.effective_message.reply_text(result.text)


async def on_edited_stash_text(
    update: Update, context: PumpContext, settings: ChatSettings, _decision: Decision
) -> None:
    """An edited `froze 120`: not a log either; the stash itself is changed with /stash."""
    await update.effective_message.reply_text(
        settings.tr._(
            "I don't change stored milk from an edited message. /stash shows your portions, "
            "with buttons to use one or throw it out."
        )
    )


# -- buttons ---------------------------------------------------------------------------------


async def show_after(
    query: CallbackQuery, result: StashResult, context: PumpContext, settings: ChatSettings
) -> None:
    """The change, then the stash as it is now, in place of the tapped message."""
    now = context.services.clock.now()
    page, view = stash_page(context.services.db, settings, now)
    await edit_tapped(query, result.text + "\n\n" + page, stash_keyboard(view, settings, now))


async def refuse(query: CallbackQuery, message: Message, text: str) -> None:
    """Say why nothing changed: in a pop-up, or as a reply when too long for one."""
    if len(text) <= ALERT_MAX_CHARS:
        await query.answer(text, show_alert=True)
        return
    await query.answer()
    await message.reply_text(text)


async def on_button(update: Update, context: PumpContext) -> None:
    """Every `stash:` button: store a session's milk, use, thaw, freeze, throw out, pick."""
    query = update.callback_query
    services = context.services
    settings = stash_settings(services.db, chat_settings(update, context))
    pressed = buttons.parse(query.data)
    message = query.message
    if pressed is None or not isinstance(message, Message):
        await out_of_date(query, settings.tr)
        return
    button, values, now = pressed.button, pressed.values, services.clock.now()
    if button is STASH_PUT:
        place, session_id = values
        change = StashChange(
            Change.ADD,
            place=Place(place),
            session_id=session_id,
            added_by_name=query.from_user.full_name if query.from_user else None,
        )
        result = await change_stash(context.application, settings, change)
        if not result.changed:
            await refuse(query, message, result.text)
            return
        await query.answer()
        await message.reply_text(result.text)
    elif button in (STASH_LIST, STASH_PICK):
        page, view = stash_page(services.db, settings, now)
        await query.answer()
        if button is STASH_PICK and not view.empty:
            await edit_tapped(query, pick_text(settings), pick_keyboard(view, settings, now))
        else:
            await edit_tapped(query, page, stash_keyboard(view, settings, now))
    elif button is STASH_SHOW:
        portion = get_portion(services.db, settings.id, values[0])
        if portion is None or portion.state != PortionState.STORED:
            await query.answer(settings.tr._("That portion is no longer in the stash."))
            return
        await query.answer()
        await edit_tapped(
            query, portion_text(portion, settings, now), portion_keyboard(portion, settings, now)
        )
    else:
        change = StashChange(PORTION_CHANGES[button], portion_id=values[0])
        result = await change_stash(context.application, settings, change)
        if not result.changed:
            await refuse(query, message, result.text)
            return
        await query.answer()
        await show_after(query, result, context, settings)


# -- wiring ----------------------------------------------------------------------------------


async def on_startup(application: PumpApplication) -> None:
    """Arm the morning notes of chats whose milk runs out soon, and their sweep."""
    await rebuild_note_jobs(application)


def register(application: PumpApplication) -> None:
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler(["stash", "lager"], show_stash, new_messages))
    application.add_handler(CallbackQueryHandler(on_button, pattern=buttons.pattern("stash")))
    services = application.bot_data["services"]
    services.acts_on(Kind.STASH, on_stash_text)
    services.acts_on(Kind.STASH, on_edited_stash_text, edits=True)
    services.follow_stash(schedule_note)
    services.chat_forgotten_hooks.append(forget_note)
    services.chat_moved_hooks.append(move_note)
