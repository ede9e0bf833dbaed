"""/power: a guided power-pumping hour, after a one-time note on who it is for."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import buttons
from bot.buttons import PWR_NOT_NOW, PWR_START, Pressed
from bot.commands import MenuCommand
from bot.services import PumpApplication, PumpContext
from bot.text.formatting import format_clock
from bot.text.i18n import N_, Translator
from handlers.common import (
    chat_settings,
    command_as_typed,
    edit_tapped,
    out_of_date,
    refused_arguments,
)
from scheduler.power import (
    HOUR,
    ask_power,
    cancel_keyboard,
    cancel_power,
    forget_power,
    move_power,
    start_power,
)

MENU_COMMANDS = [
    MenuCommand("power", N_("A guided power-pumping hour"), nb_name="powerpumping"),
]


def note_keyboard(tr: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(tr._("Start now"), callback_data=PWR_START.data()),
                InlineKeyboardButton(tr._("Not now"), callback_data=PWR_NOT_NOW.data()),
            ]
        ]
    )


def note_text(tr: Translator) -> str:
    return "\n\n".join(
        [
            # TRANSLATORS: source: pumping-guide-nb.txt: "Men hvis du har en sugesvak"
            # TRANSLATORS: source: pumping-guide-nb.txt: "«Power pumping» betyr hyppig pumping"
            # TRANSLATORS: source: pumping-guide-nb.txt: "De fleste opplever at babyen i perioder"
            # TRANSLATORS: source: pumping-guide-nb.txt: "Det finnes ulike fremgangsmåter"
            tr._(
                "<b>Power pumping</b> is worth considering if your baby sucks weakly or is "
                "reluctant to nurse, together with help from health personnel who know "
                "breastfeeding to find out why. For an hour you pump often, the way a baby "
                "sometimes nurses more often than usual, on top of your usual pumping or nursing: "
                "pump 20 minutes, rest 10, pump 10, rest 10, pump 10. I'll tell you at each change."
            ),
            # TRANSLATORS: source: pumping-guide-nb.txt: "Du bør ikke powerpumpe hvis du allerede"
            # TRANSLATORS: source: pumping-guide-nb.txt: "Overproduksjon øker risikoen for"
            tr._(
                "⚠️ If you already have enough milk, skip it: it can lead to making too much, "
                "which raises the risk of mastitis."
            ),
            # TRANSLATORS: source: pumping-guide-nb.txt: "Du kan prøve dette 1-2 ganger om dagen"
            # TRANSLATORS: source: pumping-guide-nb.txt: "Hvis du har for lite melk ut fra"
            tr._(
                "You could try it once or twice a day for 2–4 days and then see whether it "
                "helped. If your baby nurses well, nursing more often is usually the easier way "
                "to more milk."
            ),
        ]
    )


async def power(update: Update, context: PumpContext) -> None:
    """Start a power-pumping hour; the first time, explain who it is for and ask."""
    settings, services = chat_settings(update, context), context.services
    tr = settings.tr
    hint = tr._(
        "I only understand {command} on its own, so nothing started. Send {command} to start "
        "a power-pumping hour.",
        command=command_as_typed(update),
    )
    if await refused_arguments(update, context, hint):
        return
    asked = ask_power(services.db, settings.id, services.clock.now())
    if (started_at := asked.running_since) is not None:
        await update.effective_message.reply_text(
            tr._(
                "A power-pumping hour is already running, until {until}.",
                until=format_clock(started_at + HOUR, settings.tz, tr.locale),
            ),
            reply_markup=cancel_keyboard(asked.plan_id, started_at, settings),
        )
    elif asked.first_time:
        await update.effective_message.reply_text(
            note_text(tr) + "\n\n" + tr._("Start the hour now?"), reply_markup=note_keyboard(tr)
        )
    else:
        await start_power(context.application, settings.id)


async def on_power_button(update: Update, context: PumpContext) -> None:
    """Start or not after the note; cancel a running hour."""
    query = update.callback_query
    settings = chat_settings(update, context)
    tr = settings.tr
    match buttons.parse(query.data):
        case Pressed(buttons.PWR_START, ()):
            if await start_power(context.application, settings.id):
                await query.answer()
                await edit_tapped(query, note_text(tr))
            else:
                await query.answer(tr._("A power-pumping hour is already running."))
        case Pressed(buttons.PWR_NOT_NOW, ()):
            await query.answer()
            await edit_tapped(query, tr._("All right. Send /power whenever you want to start."))
        case Pressed(buttons.PWR_CANCEL, (plan_id, token)):
            # False for another chat's plan, or an hour that is over or not this one.
            if await cancel_power(context.application, settings.id, plan_id, token):
                await query.answer()
                await edit_tapped(query, tr._("Power pumping cancelled."))
            else:
                await out_of_date(query, tr)
        case _:
            await out_of_date(query, tr)


def register(application: PumpApplication) -> None:
    application.add_handler(CommandHandler(["power", "powerpumping"], power))
    application.add_handler(CallbackQueryHandler(on_power_button, pattern=buttons.pattern("pwr")))
    application.bot_data["services"].chat_forgotten_hooks.append(forget_power)
    application.bot_data["services"].chat_moved_hooks.append(move_power)
