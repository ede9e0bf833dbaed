"""/tips, free-text questions and worries, /away and gentle nudges: kind guidance from the
catalogues.

Typed questions and worries reach this feature through the one text router
(`bot.domain.routing`): a tip that fits is answered (`Kind.QUESTION`); a question no tip fits,
or text that is neither a question nor a log, gets the topic menu (`Kind.MENU`).
"""

from __future__ import annotations

import html
import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import buttons
from bot.buttons import (
    TIP_AWAY,
    TIP_GROUP,
    TIP_MENU,
    TIP_NUDGES,
    TIP_NUDGES_OFF_UNDER,
    TIP_TOPIC,
    Pressed,
)
from bot.commands import MenuCommand
from bot.domain.chats import ChatSettings
from bot.domain.nudges import HIGH_DAY_ML, NudgeKind, high_day_ml
from bot.domain.questions import find_topic
from bot.domain.routing import Decision, Kind
from bot.domain.tips import (
    MAX_HOURS_AWAY,
    TOPIC_GROUPS,
    AwayMilk,
    Topic,
    TopicGroup,
    milk_for_time_away,
    parse_hours,
    shown_total_ml,
    topic,
    topic_group,
    topics_in,
)
from bot.domain.understanding import normalise
from bot.domain.warnings import warning_sign_in, warning_topic
from bot.family import stash_settings
from bot.nudging import DueNudge, forget_nudges, nudges_enabled, set_nudges, take_due_nudge
from bot.services import PumpApplication, PumpContext, Services
from bot.stashbook import thaw_for_away
from bot.text.feeds import thaw_text
from bot.text.formatting import format_minutes, format_volume
from bot.text.i18n import N_, Translator
from bot.text.reports import band_text
from bot.text.tips import away_text, topic_text
from handlers.common import chat_settings, edit_tapped, out_of_date, topic_button

log = logging.getLogger(__name__)

MENU_COMMANDS = [
    MenuCommand("tips", N_("Quick tips on pumping and milk")),
    MenuCommand("away", N_("How much milk to leave when you are away"), nb_name="borte"),
    MenuCommand("nudges", N_("Gentle nudges from your logs: on or off"), nb_name="hint"),
]

AWAY_CHOICES = (2, 4, 6, 8, 10, 12)
NUDGE_KINDS = {kind.value for kind in NudgeKind}
SWITCH_WORDS = {"on": True, "pa": True, "off": False, "av": False}

# -- keyboards -------------------------------------------------------------------------------


def menu_keyboard(tr: Translator) -> InlineKeyboardMarkup:
    """The groups of topics, one a row: short enough to see at a glance on a phone."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{group.icon} {tr._(group.title)}", callback_data=TIP_GROUP.data(group.id)
                )
            ]
            for group in TOPIC_GROUPS
            if topics_in(group)
        ]
    )


def group_keyboard(group: TopicGroup, tr: Translator) -> InlineKeyboardMarkup:
    """A group's topics, one a row (titles stay whole), then the way back to the groups."""
    rows = [[topic_button(item, tr)] for item in topics_in(group)]
    return InlineKeyboardMarkup([*rows, [back_button(tr)]])


def group_text(group: TopicGroup, tr: Translator) -> str:
    return f"<b>{group.icon} {html.escape(tr._(group.title))}</b>\n" + tr._(
        "Pick a topic, or ask me in your own words."
    )


def back_button(tr: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(tr._("« All tips"), callback_data=TIP_MENU.data())


def answer_keyboard(item: Topic, tr: Translator) -> InlineKeyboardMarkup:
    """Related topics, one a row, then the way back to the menu."""
    rows = [[topic_button(related, tr)] for related in map(topic, item.related) if related]
    return InlineKeyboardMarkup([*rows, [back_button(tr)]])


def menu_text(tr: Translator) -> str:
    return tr._(
        "💡 <b>Quick tips</b>\n"
        "Pick a topic, or simply ask me in your own words, like "
        "<i>how much milk does my baby need?</i>\n\n"
        "I'm here for support and advice, not diagnosis: for worries, talk to your health "
        "visitor or a lactation consultant."
    )


# -- /tips and questions -----------------------------------------------------------------------


async def show_tips(update: Update, context: PumpContext) -> None:
    """`/tips` shows the topics; `/tips blood in milk` answers straight away."""
    settings = chat_settings(update, context)
    tr = settings.tr
    asked = " ".join(context.args or [])
    # A warning sign always gets the tip with its help line, whatever else the words match.
    sign = warning_sign_in(asked)
    found = topic(warning_topic(sign)) if sign else None
    if found is None and asked:
        found = find_topic(asked, settings.language)
    if found is not None:
        await send_topic(update.effective_message, found, settings)
        return
    await update.effective_message.reply_text(menu_text(tr), reply_markup=menu_keyboard(tr))


async def send_topic(
    message: Message,
    item: Topic,
    settings: ChatSettings,
    *,
    unsaved_note: bool = False,
    help_first: bool = False,
) -> None:
    tr = settings.tr
    text = topic_text(item, tr, settings.unit, help_first=help_first)
    if unsaved_note:
        # A number in a message that is no log: say so, or she may believe it was logged.
        text += (
            "\n\n<i>"
            + tr._(
                "Nothing from this message was logged. To log a session, send it on its own, "
                "like <code>120 ml</code>."
            )
            + "</i>"
        )
    await message.reply_text(text, reply_markup=answer_keyboard(item, tr))


async def answer_question(
    update: Update, context: PumpContext, settings: ChatSettings, decision: Decision
) -> None:
    """A question or worry a tip answers."""
    assert decision.topic is not None
    message = update.effective_message
    await send_topic(
        message,
        decision.topic,
        settings,
        unsaved_note=decision.unlogged_number,
        help_first=decision.help_first,
    )


async def answer_chatter(
    update: Update, context: PumpContext, settings: ChatSettings, decision: Decision
) -> None:
    """Thanks, hello, ok: a kind word back and what the bot can do, nothing stored."""
    tr = settings.tr
    await update.effective_message.reply_text(
        tr._(
            "💛 I'm here whenever you need me. Log a session like <code>120 ml</code>, or ask "
            "me anything about pumping."
        ),
        reply_markup=menu_keyboard(tr),
    )


async def offer_menu(
    update: Update, context: PumpContext, settings: ChatSettings, decision: Decision
) -> None:
    """A question no tip fits well, or text that is neither a question nor a log: the menu, or
    when the model was unsure of a topic, its two likeliest topics and the way to all."""
    tr = settings.tr
    if decision.asked:
        text = tr._(
            "I don't have a tip on exactly that, but one of these topics may help. "
            "You can also ask again in other words."
        )
    else:
        text = tr._(
            "I'm not sure what you mean, so nothing was saved. If it is a question or a worry, "
            "one of these topics may help, or ask again in other words. To log a session, "
            "send it like <code>120 ml</code> or <code>L 60 R 70 20min</code>."
        )
    # Unsure of a topic: the two likeliest first, and the way to all of them.
    likely = [item for item in map(topic, decision.likely) if item is not None]
    keyboard = (
        InlineKeyboardMarkup([*([topic_button(item, tr)] for item in likely), [back_button(tr)]])
        if likely
        else menu_keyboard(tr)
    )
    await update.effective_message.reply_text(text, reply_markup=keyboard)


# -- /away -------------------------------------------------------------------------------------


def away_keyboard(tr: Translator) -> InlineKeyboardMarkup:
    choices = [
        InlineKeyboardButton(format_minutes(hours * 60, tr), callback_data=TIP_AWAY.data(hours))
        for hours in AWAY_CHOICES
    ]
    return InlineKeyboardMarkup([choices[:3], choices[3:]])


def away_answer_keyboard(tr: Translator) -> InlineKeyboardMarkup:
    rows = [[topic_button(item, tr)] for item in map(topic, ("time_away", "how_much")) if item]
    return InlineKeyboardMarkup(rows)


async def away(update: Update, context: PumpContext) -> None:
    """`/away 8h`: how much milk to leave; alone, offers common lengths as buttons."""
    settings = chat_settings(update, context)
    tr = settings.tr
    typed = " ".join(context.args or [])
    if not typed:
        await update.effective_message.reply_text(
            tr._("How long will you be away? Pick below, or send it like <code>/away 8h</code>."),
            reply_markup=away_keyboard(tr),
        )
        return
    hours = parse_hours(typed)
    if hours is None or not 0 < hours <= MAX_HOURS_AWAY:
        await update.effective_message.reply_text(
            tr._(
                "I couldn't read “{typed}” as a time away. Send it like <code>/away 8h</code> "
                "or <code>/away 2.5h</code>, up to {limit}.",
                typed=html.escape(typed[:32]),
                limit=format_minutes(MAX_HOURS_AWAY * 60, tr),
            )
        )
        return
    milk = milk_for_time_away(hours, settings.unit)
    await update.effective_message.reply_text(
        away_reply(milk, settings, context), reply_markup=away_answer_keyboard(tr)
    )


def away_reply(milk: AwayMilk, settings: ChatSettings, context: PumpContext) -> str:
    """How much milk to leave, and, when the chat has a stash (in a linked family group, the
    parent's), which of it to thaw tonight."""
    services = context.services
    now = services.clock.now()
    stash = stash_settings(services.db, settings)
    plan = thaw_for_away(services.db, stash, shown_total_ml(milk), now)
    from_stash = thaw_text(plan, settings, now)
    text = away_text(milk, settings.tr)
    return f"{text}\n\n{from_stash}" if from_stash else text


# -- nudges ------------------------------------------------------------------------------------


def nudges_status(enabled: bool, settings: ChatSettings) -> str:
    tr = settings.tr
    if enabled:
        # TRANSLATORS: source: pumping-guide-nb.txt: "Etter dette trenger en fullammet baby"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Hvis du ikke har barnet ditt hos deg"
        return tr._(
            "🔔 Gentle nudges are on. Now and then I send a short note when your logs show "
            "something worth knowing: more than {limit} a day three days running, few logged "
            "sessions on the plan for a baby who can't nurse yet, or a sudden drop in what you "
            "pump. Each kind comes at most once a week.",
            limit=format_volume(high_day_ml(settings.babies), settings.unit, tr.locale),
        )
    return tr._("🔕 Gentle nudges are off. I won't send notes based on your logs.")


def nudges_keyboard(enabled: bool, tr: Translator) -> InlineKeyboardMarkup:
    if enabled:
        button = InlineKeyboardButton(
            tr._("🔕 Turn nudges off"), callback_data=TIP_NUDGES.data("off")
        )
    else:
        button = InlineKeyboardButton(
            tr._("🔔 Turn nudges on"), callback_data=TIP_NUDGES.data("on")
        )
    return InlineKeyboardMarkup([[button]])


async def nudges_command(update: Update, context: PumpContext) -> None:
    """`/nudges off` or `/nudges on` (`/hint av`, `/hint på`); alone, the state and a switch."""
    settings = chat_settings(update, context)
    services = context.services
    wanted = SWITCH_WORDS.get(normalise(" ".join(context.args or [])))
    if wanted is not None:
        set_nudges(services.db, settings.id, wanted)
    enabled = nudges_enabled(services.db, settings.id)
    await update.effective_message.reply_text(
        nudges_status(enabled, settings), reply_markup=nudges_keyboard(enabled, settings.tr)
    )


def nudge_text(kind: NudgeKind, settings: ChatSettings, sessions_last_day: int) -> str:
    tr = settings.tr
    if kind == NudgeKind.OVERPRODUCTION:
        # TRANSLATORS: source: pumping-guide-nb.txt: "Etter dette trenger en fullammet baby"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Overproduksjon øker risikoen for"
        # TRANSLATORS: source: pumping-guide-nb.txt: "For noen kan det være vanskelig å finne"
        note = tr.ngettext(
            "💛 A gentle note: you have pumped more than {limit} a day three days running. "
            "That is a lot of milk: a baby fed only breast milk usually needs {band} a day, "
            "some up to {limit}. Making much more than your baby needs raises the risk of "
            "mastitis, so it can be wise to step down gradually. Your health visitor or a "
            "lactation consultant can help you plan it.",
            "💛 A gentle note: you have pumped more than {limit} a day three days running. "
            "That is a lot of milk: {n} babies fed only breast milk usually need {band} a day "
            "together ({each} each, some up to {most}). Making much more than your babies need "
            "raises the risk of mastitis, so it can be wise to step down gradually. Your "
            "health visitor or a lactation consultant can help you plan it.",
            settings.babies,
            limit=format_volume(high_day_ml(settings.babies), settings.unit, tr.locale),
            band=band_text(tr, settings.unit, settings.babies),
            each=band_text(tr, settings.unit),
            most=format_volume(HIGH_DAY_ML, settings.unit, tr.locale),
        )
    elif kind == NudgeKind.FEW_SESSIONS:
        # About the log and the guidance, never a verdict on her milk: she may have pumped
        # more than she logged.
        note = (
            tr.ngettext(
                "💛 A gentle note: your log has {n} session in the last 24 hours.",
                "💛 A gentle note: your log has {n} sessions in the last 24 hours.",
                sessions_last_day,
            )
            + " "
            # TRANSLATORS: source: pumping-guide-nb.txt: "Hvis du ikke har barnet ditt hos deg"
            # TRANSLATORS: source: pumping-guide-nb.txt: "Har du allerede gjort alt du kan"
            + tr._(
                "If you pumped more than you logged, never mind this note. If that was all and "
                "your baby cannot nurse yet, the guidance is to express about every 2–3 hours, "
                "at least 6–8 times in 24 hours. Do what you can; rest counts too."
            )
        )
    elif settings.exclusive_pumping:
        # She said pumped milk is all her baby gets: a drop despite regular pumping is a
        # reason to get help (the English source), never something to be talked out of.
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "If you notice a significant drop"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Tidspunktet for pumping spiller også"
        note = tr._(
            "💛 A note: your last sessions gave clearly less than the days before. Since you "
            "pump exclusively: if your amounts stay much lower although you pump regularly, "
            "contact a lactation consultant, your health visitor or a doctor; they can help "
            "find out why. Amounts also vary with the time of day, so one short day can "
            "happen."
        )
    else:
        # TRANSLATORS: source: pumping-guide-nb.txt: "At du plutselig pumper ut mindre enn før"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Tidspunktet for pumping spiller også"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Å engste seg for hvor mye som eventuelt"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Du må i stedet stole på babyen"
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "If you notice a significant drop"
        note = tr._(
            "💛 A gentle note: your last sessions gave less than the days before. A drop like "
            "this does not mean you are losing your milk; more likely your supply has settled "
            "at what your baby needs. Pumped amounts can also change with the time of day and "
            "with worry. Your baby's nappies and growth tell you more than the bottle. If your "
            "baby gets only pumped milk and the amounts stay much lower although you pump "
            "regularly, contact a lactation consultant or your health visitor."
        )
    return note + "\n\n" + tr._("You can turn these nudges off with /nudges off.")


def read_more_row(topic_id: str, tr: Translator) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(tr._("📖 Read more"), callback_data=TIP_TOPIC.data(topic_id))]


def nudge_keyboard(kind: NudgeKind, topic_id: str, tr: Translator) -> InlineKeyboardMarkup:
    # The kind tells the switch which note it sits under.
    off = TIP_NUDGES_OFF_UNDER.data("off", kind.value)
    return InlineKeyboardMarkup(
        [
            read_more_row(topic_id, tr),
            [InlineKeyboardButton(tr._("🔕 Turn nudges off"), callback_data=off)],
        ]
    )


def is_switch(button: InlineKeyboardButton) -> bool:
    pressed = buttons.parse(str(button.callback_data or ""))
    return pressed is not None and pressed.button in (TIP_NUDGES, TIP_NUDGES_OFF_UNDER)


def without_switch(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup:
    """A nudge's buttons once nudges are off: the "Read more" it had, not the switch."""
    rows = markup.inline_keyboard if markup is not None else ()
    return InlineKeyboardMarkup([row for row in rows if not any(map(is_switch, row))])


async def send_due_nudge(application: Any, chat_id: int, due: DueNudge | None) -> None:
    """After the chat's sessions changed: the nudge `take_due_nudge` found due, if any."""
    if due is None:
        return
    try:
        await application.bot.send_message(
            chat_id,
            nudge_text(due.kind, due.settings, due.sessions_last_day),
            reply_markup=nudge_keyboard(due.kind, due.read_more, due.settings.tr),
        )
    except TelegramError as error:
        log.warning("Could not send a %s nudge: %s", due.kind.value, error.__class__.__name__)


async def forget_chat_nudges(application: Any, chat_id: int) -> None:
    """After /forget: the chat's nudge history goes too."""
    services: Services = application.bot_data["services"]
    forget_nudges(services.db, chat_id)


# -- buttons -----------------------------------------------------------------------------------


async def on_tip_button(update: Update, context: PumpContext) -> None:
    """A topic, the menu, a time away, or the nudge switch."""
    query = update.callback_query
    settings = chat_settings(update, context)
    tr = settings.tr
    if not isinstance(query.message, Message):  # too old to touch
        await out_of_date(query, tr)
        return
    match buttons.parse(query.data):
        case Pressed(buttons.TIP_MENU, ()):
            await query.answer()
            await edit_tapped(query, menu_text(tr), menu_keyboard(tr))
        case Pressed(buttons.TIP_GROUP, (group_id,)) if (
            group := topic_group(group_id)
        ) is not None:
            await query.answer()
            await edit_tapped(query, group_text(group, tr), group_keyboard(group, tr))
        case Pressed(buttons.TIP_TOPIC, (topic_id,)) if (item := topic(topic_id)) is not None:
            await query.answer()
            await edit_tapped(query, topic_text(item, tr, settings.unit), answer_keyboard(item, tr))
        case Pressed(buttons.TIP_AWAY, (hours,)) if hours in AWAY_CHOICES:
            await query.answer()
            milk = milk_for_time_away(hours, settings.unit)
            text = away_reply(milk, settings, context)
            await edit_tapped(query, text, away_answer_keyboard(tr))
        case Pressed(buttons.TIP_NUDGES, (switch,)) if switch in ("on", "off"):
            enabled = switch == "on"
            set_nudges(context.services.db, settings.id, enabled)
            await query.answer()
            await edit_tapped(query, nudges_status(enabled, settings), nudges_keyboard(enabled, tr))
        case Pressed(buttons.TIP_NUDGES_OFF_UNDER, ("off", kind)) if kind in NUDGE_KINDS:
            # Under a nudge: keep the note, drop the switch, and say how to undo it.
            set_nudges(context.services.db, settings.id, False)
            await query.answer(tr._("Nudges are off. /nudges on turns them back on."))
            markup = without_switch(query.message.reply_markup)
            await query.message.edit_reply_markup(reply_markup=markup)
        case _:
            await out_of_date(query, tr)


def register(application: PumpApplication) -> None:
    application.add_handler(CommandHandler(["tips", "rad"], show_tips))
    application.add_handler(CommandHandler(["away", "borte"], away))
    application.add_handler(CommandHandler(["nudges", "hint", "hints"], nudges_command))
    application.add_handler(CallbackQueryHandler(on_tip_button, pattern=buttons.pattern("tip")))
    services: Services = application.bot_data["services"]
    services.acts_on(Kind.QUESTION, answer_question)
    services.acts_on(Kind.MENU, offer_menu)
    services.acts_on(Kind.CHATTER, answer_chatter)
    services.follow_sessions(send_due_nudge, prepare=take_due_nudge)
    services.chat_forgotten_hooks.append(forget_chat_nudges)
