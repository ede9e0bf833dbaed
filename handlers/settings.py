"""/language, /timezone, /units and /settings: the chat's own settings, stored per chat, and
the hour the chat's day starts (buttons under /settings)."""

from __future__ import annotations

import html
from datetime import datetime, time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import buttons
from bot.buttons import SET_DAY_START, SET_LANGUAGE, SET_UNIT, SET_ZONE, Pressed
from bot.commands import MenuCommand
from bot.domain.chats import ChatSettings, find_timezone
from bot.domain.daybook import DAY_STARTS
from bot.domain.units import Unit
from bot.nudging import nudges_enabled
from bot.services import PumpApplication, PumpContext
from bot.text.formatting import format_clock
from bot.text.i18n import LANGUAGE_NAMES, LANGUAGES, N_
from bot.text.settings import babies_line, day_start_line, day_start_name
from handlers.common import (
    babies_keyboard,
    babies_noted,
    chat_settings,
    edit_tapped,
    out_of_date,
    update_chat,
)

MENU_COMMANDS = [
    MenuCommand("settings", N_("Your settings"), nb_name="innstillinger"),
    MenuCommand("language", N_("Change language"), nb_name="sprak"),
    MenuCommand("timezone", N_("Set your time zone"), nb_name="tidssone"),
    MenuCommand("units", N_("Millilitres or ounces"), nb_name="enheter"),
]

COMMON_ZONES = ("Europe/Oslo", "Europe/London", "Europe/Berlin", "America/New_York", "UTC")
UNIT_NAMES = {Unit.ML: N_("Millilitres (ml)"), Unit.OZ: N_("Ounces (oz)")}


def settings_summary(settings: ChatSettings, now: datetime) -> str:
    tr = settings.tr
    return (
        tr._(
            "Language: {language}\nTime zone: {zone} (your time now: {time})\nUnit: {unit}",
            language=LANGUAGE_NAMES[settings.language],
            zone=settings.timezone,
            time=format_clock(now, settings.tz, tr.locale),
            unit=tr._(UNIT_NAMES[settings.unit]),
        )
        + "\n"
        + babies_line(settings)
    )


def day_start_keyboard(settings: ChatSettings) -> InlineKeyboardMarkup:
    """The hours a day may start at, the chosen one ticked."""
    tr = settings.tr

    def label(start: time) -> str:
        name = day_start_name(start, tr)
        return f"✓ {name}" if start == settings.day_start else name

    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label(start), callback_data=SET_DAY_START.data(start))
                for start in DAY_STARTS
            ]
        ]
    )


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(LANGUAGE_NAMES[lang], callback_data=SET_LANGUAGE.data(lang))]
            for lang in LANGUAGES
        ]
    )


def unit_keyboard(settings: ChatSettings) -> InlineKeyboardMarkup:
    tr = settings.tr
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(tr._(UNIT_NAMES[unit]), callback_data=SET_UNIT.data(unit.value))]
            for unit in Unit
        ]
    )


def zone_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(zone, callback_data=SET_ZONE.data(zone))] for zone in COMMON_ZONES]
    )


async def show_settings(update: Update, context: PumpContext) -> None:
    """Show the chat's settings and how to change them."""
    settings = chat_settings(update, context)
    tr = settings.tr
    on = nudges_enabled(context.services.db, settings.id)
    text = "\n".join(
        [
            settings_summary(settings, context.services.clock.now()),
            day_start_line(settings),
            tr._("Gentle nudges from your logs: on")
            if on
            else tr._("Gentle nudges from your logs: off"),
            "",
            tr._(
                "Change them with /language, /timezone, /units and /nudges, and how many "
                "babies your milk is for with the buttons below."
            ),
            tr._(
                "A night session before the hour your day starts counts to the day before in "
                "/today, /week, /trend and the report. Pick the hour below."
            ),
        ]
    )
    keyboard = InlineKeyboardMarkup(
        [
            *babies_keyboard(settings).inline_keyboard,
            *day_start_keyboard(settings).inline_keyboard,
        ]
    )
    await update.effective_message.reply_text(text, reply_markup=keyboard)


async def ask_language(update: Update, context: PumpContext) -> None:
    """Offer the languages as buttons."""
    tr = chat_settings(update, context).tr
    await update.effective_message.reply_text(
        tr._("Which language should I use?"), reply_markup=language_keyboard()
    )


async def ask_unit(update: Update, context: PumpContext) -> None:
    """Offer ml and oz as buttons."""
    settings = chat_settings(update, context)
    await update.effective_message.reply_text(
        settings.tr._("Which unit should I use for amounts?"),
        reply_markup=unit_keyboard(settings),
    )


async def set_timezone(update: Update, context: PumpContext) -> None:
    """`/timezone Europe/Oslo` sets the zone; `/timezone` alone shows it and common choices."""
    settings = chat_settings(update, context)
    tr = settings.tr
    now = context.services.clock.now()
    typed = " ".join(context.args or [])
    if not typed:
        text = tr._(
            "Your time zone is {zone}; your time now is {time}.\n"
            "Pick one below, or send it like <code>/timezone Europe/Oslo</code>.",
            zone=settings.timezone,
            time=format_clock(now, settings.tz, tr.locale),
        )
        await update.effective_message.reply_text(text, reply_markup=zone_keyboard())
        return
    zone = find_timezone(typed)
    if zone is None:
        await update.effective_message.reply_text(
            tr._(
                "I don't know the time zone “{typed}”, so nothing was changed. Use a name like "
                "<code>Europe/Oslo</code>, <code>Europe/London</code> or "
                "<code>America/New_York</code>.",
                typed=html.escape(typed[:64]),
            )
        )
        return
    await update.effective_message.reply_text(await timezone_saved(context, settings.id, zone, now))


async def timezone_saved(context: PumpContext, chat_id: int, zone: str, now: datetime) -> str:
    settings = update_chat(context, chat_id, timezone=zone)
    # Fixed times and quiet hours are local: the next reminder moves with the zone.
    await context.services.chat_changed(context.application, chat_id)
    tr = settings.tr
    return tr._(
        "Time zone set to {zone}. Your time now is {time}.",
        zone=zone,
        time=format_clock(now, settings.tz, tr.locale),
    )


async def on_setting_button(update: Update, context: PumpContext) -> None:
    """A tap on a language, unit or time zone button."""
    query = update.callback_query
    chat_settings(update, context)
    chat_id = update.effective_chat.id
    now = context.services.clock.now()
    match buttons.parse(query.data):
        case Pressed(buttons.SET_LANGUAGE, (language,)) if language in LANGUAGES:
            tr = update_chat(context, chat_id, language=language).tr
            text = tr._("Done! I'll speak English from now on.")
        case Pressed(buttons.SET_UNIT, (unit,)) if unit in {u.value for u in Unit}:
            settings = update_chat(context, chat_id, unit=Unit(unit))
            tr = settings.tr
            text = tr._("Done! I'll show amounts in {unit}.", unit=tr._(UNIT_NAMES[settings.unit]))
        case Pressed(buttons.SET_ZONE, (typed,)) if zone := find_timezone(typed):
            text = await timezone_saved(context, chat_id, zone, now)
        case Pressed(buttons.SET_DAY_START, (start,)) if start in DAY_STARTS:
            settings = update_chat(context, chat_id, day_start_min=start.hour * 60 + start.minute)
            tr = settings.tr
            text = "\n".join(
                [
                    tr._("Done!"),
                    day_start_line(settings),
                    tr._(
                        "Sessions before then count to the day before in /today, /week, "
                        "/month, /trend, the report and the export."
                    ),
                ]
            )
        case Pressed(buttons.SET_BABIES, (babies,)):
            settings = update_chat(context, chat_id, babies=babies)
            await query.answer()
            await edit_tapped(query, babies_noted(settings), babies_keyboard(settings))
            return
        case _:
            await out_of_date(query, chat_settings(update, context).tr)
            return
    await query.answer()
    await edit_tapped(query, text)


def register(application: PumpApplication) -> None:
    application.add_handler(CommandHandler(["settings", "innstillinger"], show_settings))
    application.add_handler(CommandHandler(["language", "sprak"], ask_language))
    application.add_handler(CommandHandler(["timezone", "tidssone"], set_timezone))
    application.add_handler(CommandHandler(["units", "enheter"], ask_unit))
    application.add_handler(CallbackQueryHandler(on_setting_button, pattern=buttons.pattern("set")))
