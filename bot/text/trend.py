"""The /trend words: the two-line summary under the chart, and the gentle note on a lasting
drop (said only to a parent who pumps exclusively; `bot.domain.trend` decides when)."""

from __future__ import annotations

from babel.numbers import format_percent

from bot.domain.trend import MIN_LOGGED_DAYS, Trend
from bot.domain.units import ml_to_unit
from bot.storage.models import Unit
from bot.text.formatting import format_number, format_volume
from bot.text.i18n import Translator
from bot.text.reports import UNIT_SYMBOLS


def percent(share: float, tr: Translator) -> str:
    """`4%` / `4 %`, whole percent, as the locale writes it."""
    return format_percent(round(abs(share), 2), locale=tr.locale)


def comparison_line(trend: Trend, tr: Translator, unit: Unit) -> str:
    """How the last 7 days compare with the 7 before, or why they cannot be compared yet."""
    comparison = trend.comparison
    if comparison.last_ml is None:
        return tr._("Nothing logged in the 7 days before today.")
    average = format_volume(comparison.last_ml, unit, tr.locale)
    change = comparison.change
    if change is None:
        return tr.ngettext(
            "Last 7 days: {average} a day, over {n} logged day. Not enough logged yet to "
            "compare with the week before: that needs {least} logged days in each week.",
            "Last 7 days: {average} a day, over {n} logged days. Not enough logged yet to "
            "compare with the week before: that needs {least} logged days in each week.",
            comparison.last_logged_days,
            average=average,
            least=MIN_LOGGED_DAYS,
        )
    if round(change, 2) == 0:
        return tr._(
            "Last 7 days: {average} a day, about the same as the 7 days before (a rule-of-thumb "
            "comparison).",
            average=average,
        )
    if change < 0:
        return tr._(
            "Last 7 days: {average} a day, {percent} under the 7 days before (a rule-of-thumb "
            "comparison).",
            average=average,
            percent=percent(change, tr),
        )
    return tr._(
        "Last 7 days: {average} a day, {percent} over the 7 days before (a rule-of-thumb "
        "comparison).",
        average=average,
        percent=percent(change, tr),
    )


def sides_and_rate_line(trend: Trend, tr: Translator, unit: Unit) -> str | None:
    """Left against right, and output per minute, over the last 7 days; None if neither was
    logged."""
    parts = []
    sided = trend.left_ml + trend.right_ml
    if sided > 0:
        parts.append(
            tr._(
                "Left {left}, right {right} of what was logged per side.",
                left=percent(trend.left_ml / sided, tr),
                right=percent(trend.right_ml / sided, tr),
            )
        )
    rate = trend.per_minute_ml
    if rate is not None:
        parts.append(
            tr._(
                "{rate} {unit} a minute in sessions with a duration.",
                rate=format_number(ml_to_unit(rate, unit), tr.locale, 2 if unit == Unit.OZ else 1),
                unit=UNIT_SYMBOLS[unit],
            )
        )
    return " ".join(parts) or None


def trend_caption(trend: Trend, tr: Translator, unit: Unit, *, exclusive_pumping: bool) -> str:
    """The photo's caption: the summary, and the drop note where it applies."""
    lines = ["📈 " + comparison_line(trend, tr, unit)]
    second = sides_and_rate_line(trend, tr, unit)
    if second:
        lines.append(second)
    if exclusive_pumping and trend.sustained_drop and trend.comparison.change is not None:
        lines += ["", drop_note(trend.comparison.change, tr)]
    return "\n".join(lines)


def drop_note(change: float, tr: Translator) -> str:
    """A gentle word on a drop that has lasted several days, for a parent who pumps
    exclusively, with where to turn."""
    # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "If you notice a significant drop"
    # TRANSLATORS: source: pumping-guide-nb.txt: "Husk at du har rett til veiledning og"
    return "💛 " + tr._(
        "Your last 7 days are {percent} under the 7 days before, and each of the last 3 days "
        "was low too. If your supply drops a lot although you pump regularly, a lactation "
        "consultant or your health visitor can help you find out why. If you are worried, "
        "contact your health visitor, your doctor or the maternity ward.",
        percent=percent(change, tr),
    )


def nothing_yet(weeks: int, tr: Translator) -> str:
    return tr.ngettext(
        "Nothing logged in the last {n} week yet. Each session you log shows up in the trend.",
        "Nothing logged in the last {n} weeks yet. Each session you log shows up in the trend.",
        weeks,
    )
