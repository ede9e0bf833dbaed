"""Rendering quick tips and the /away answer in the chat's language and unit."""

from __future__ import annotations

import html
import re

from bot.domain.tips import (
    MARGIN_MIN_ML,
    ML_PER_HOUR_AWAY,
    VOLUMES_ML,
    AwayMilk,
    Topic,
    shown_total_ml,
)
from bot.domain.units import Unit
from bot.text.formatting import format_minutes, format_volume
from bot.text.i18n import Translator


def tip_volumes(unit: Unit, tr: Translator) -> dict[str, str]:
    return {name: format_volume(ml, unit, tr.locale) for name, ml in VOLUMES_ML.items()}


def topic_text(topic: Topic, tr: Translator, unit: Unit, *, help_first: bool = False) -> str:
    """The answer as the chat reads it: title, body with figures in the chat's unit, and the
    line pointing to health personnel where the topic has one; with `help_first` (thoughts of
    self-harm) that line comes right under the title, in bold, before anything else."""
    parts = [f"<b>{topic.icon} {html.escape(tr._(topic.title))}</b>"]
    if help_first and topic.care:
        parts.append(f"<b>{tr._(topic.care)}</b>")
    parts.append(tr._(topic.body, **tip_volumes(unit, tr)))
    if topic.care and not help_first:
        parts.append(f"<i>{tr._(topic.care)}</i>")
    return "\n\n".join(parts)


def topic_words(topic: Topic, tr: Translator) -> int:
    """How many words the reader gets: body and closing line (the title is a heading)."""
    text = (
        tr._(topic.body, **tip_volumes(Unit.ML, tr))
        + " "
        + (tr._(topic.care) if topic.care else "")
    )
    return len(re.findall(r"\w+(?:['’–-]\w+)*", text))


def away_text(milk: AwayMilk, tr: Translator) -> str:
    """The answer to /away, in the chat's language and unit."""
    # TRANSLATORS: source: pumping-guide-nb.txt: "Som utgangspunkt kan du derfor beregne"
    # TRANSLATORS: source: pumping-guide-nb.txt: "Det er individuelle variasjoner"
    # The margin (a quarter, at least 30 ml) is pumpbot's own rule, and the text says so.
    return tr._(
        "If you are away for {hours}, leave about <b>{total}</b>:\n"
        "• {base} for the time itself ({per_hour} an hour, a usual starting point)\n"
        "• {margin} extra in case your baby eats more than usual or some goes to waste\n\n"
        "The extra is my own rule of thumb: a quarter on top, at least {margin_min}. Every "
        "baby is different, so adjust to what yours usually drinks.",
        hours=format_minutes(milk.hours * 60, tr),
        total=format_volume(shown_total_ml(milk), milk.unit, tr.locale),
        base=format_volume(milk.base_ml, milk.unit, tr.locale),
        margin=format_volume(milk.margin_ml, milk.unit, tr.locale),
        per_hour=format_volume(ML_PER_HOUR_AWAY, milk.unit, tr.locale),
        margin_min=format_volume(MARGIN_MIN_ML, milk.unit, tr.locale),
    )
