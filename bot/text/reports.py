"""The stats as text: the /week and /month table, the guideline band note, /history entries.

Plain functions from summaries to HTML strings in the chat's language and unit. Whether the
guideline band appears in /week and /month is `bot.domain.guideline.band_decision`'s call; the
band is worded as information to compare with, never as a verdict.
"""

from __future__ import annotations

import html
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton

from bot.domain.guideline import MIN_FULL_DAYS, MIN_SESSIONS_A_DAY, BandDecision, BandView
from bot.domain.stats import (
    GUIDELINE_SOME_UP_TO_ML,
    BandPosition,
    DaySummary,
    PeriodSummary,
    band_distance_ml,
    band_position,
    band_range_ml,
)
from bot.domain.units import Method, Unit
from bot.storage.models import PumpSession
from bot.text.formatting import (
    format_clock,
    format_duration,
    format_minutes,
    format_number,
    format_volume,
    minutes_in,
    ml_to_unit,
)
from bot.text.i18n import N_, Translator

METHOD_NAMES = {Method.PUMP: N_("Pump"), Method.HAND: N_("By hand")}
UNIT_SYMBOLS = {Unit.ML: "ml", Unit.OZ: "oz"}


def short_day(day: date, locale: Locale) -> str:
    """`Tue, Mar 10` / `tir. 10. mars`."""
    return format_skeleton("MMMEd", day, locale=locale)


def clock_gap(gap: timedelta) -> str:
    """`4:10` for four hours and ten minutes (the table's compact form)."""
    hours, minutes = divmod(minutes_in(gap), 60)
    return f"{hours}:{minutes:02d}"


def side_split(
    left_ml: float, right_ml: float, unsided_ml: float, tr: Translator, unit: Unit
) -> str:
    """The left/right line, or an empty string when no side was ever given."""
    if left_ml + right_ml <= 0:
        return ""
    loc = tr.locale
    line = tr._(
        "Left {left}, right {right}",
        left=format_volume(left_ml, unit, loc),
        right=format_volume(right_ml, unit, loc),
    )
    if unsided_ml > 0.5:
        line += "\n" + tr._(
            "Logged without a side: {volume}", volume=format_volume(unsided_ml, unit, loc)
        )
    return line


# -- the guideline band --------------------------------------------------------------------


def band_text(tr: Translator, unit: Unit, babies: int = 1) -> str:
    """`750–800 ml` (or `25.4–27.1 oz`) in the chat's unit; for twins `1,500–1,600 ml`."""
    decimals = 1 if unit == Unit.OZ else 0
    low, high = (
        format_number(ml_to_unit(ml, unit), tr.locale, decimals) for ml in band_range_ml(babies)
    )
    return f"{low}–{high}\u00a0{UNIT_SYMBOLS[unit]}"


def guideline_note(
    tr: Translator, unit: Unit, *, daily_average_ml: float, days: int, babies: int = 1
) -> str:
    """How the daily average over `days` complete days compares with the band (one per
    baby), as information, never as a verdict."""
    loc = tr.locale
    values = {
        "amount": format_volume(daily_average_ml, unit, loc),
        "difference": format_volume(band_distance_ml(daily_average_ml, babies), unit, loc),
        "band": band_text(tr, unit, babies),
        "each": band_text(tr, unit),
        "most": format_volume(GUIDELINE_SOME_UP_TO_ML, unit, loc),
    }
    return (
        _comparison(tr, band_position(daily_average_ml, babies), babies, **values)
        + " "
        + tr._(
            "Counted over the {n} finished days with at least {sessions} logged sessions each.",
            n=days,
            sessions=MIN_SESSIONS_A_DAY,
        )
        + " "
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det er individuelle variasjoner"
        # TRANSLATORS: source: pumping-guide-nb.txt: "I slike situasjoner er det viktig å følge med"
        + tr._(
            "It's a general guide, not a target: babies differ, and your health visitor can tell "
            "you what your baby needs."
        )
    )


def waiting_note(tr: Translator, unit: Unit, complete_days: int, babies: int = 1) -> str:
    """Why there is no comparison yet, and what it needs (exclusive pumping, a thin log)."""
    values = {
        "band": band_text(tr, unit, babies),
        "each": band_text(tr, unit),
        "days": MIN_FULL_DAYS,
        "sessions": MIN_SESSIONS_A_DAY,
        "complete": complete_days,
    }
    # TRANSLATORS: source: pumping-guide-nb.txt: "Barnets behov for morsmelk øker gradvis"
    # TRANSLATORS: source: pumping-guide-nb.txt: "Fram til barnet er seks måneder"
    return tr.ngettext(
        "I'll compare your daily amount with the {band} a day that a baby fed only breast milk "
        "usually takes once this period has {days} finished days with at least {sessions} "
        "logged sessions each; so far it has {complete}. Until then a comparison would say "
        "more about what got logged than about your milk.",
        "I'll compare your daily amount with the {band} a day that {n} babies fed only breast "
        "milk usually take together ({each} each, a rule of thumb) once this period has {days} "
        "finished days with at least {sessions} logged sessions each; so far it has "
        "{complete}. Until then a comparison would say more about what got logged than about "
        "your milk.",
        babies,
        **values,
    )


def band_note(decision: BandDecision, tr: Translator, unit: Unit) -> str:
    """The guideline lines under /week, /month and the chart; empty when the band is hidden."""
    if decision.view == BandView.HIDDEN:
        return ""
    if decision.view == BandView.WAITING:
        return waiting_note(tr, unit, decision.complete_days, decision.babies)
    assert decision.daily_average_ml is not None
    return guideline_note(
        tr,
        unit,
        daily_average_ml=decision.daily_average_ml,
        days=decision.complete_days,
        babies=decision.babies,
    )


def _comparison(tr: Translator, position: BandPosition, babies: int, **values: str) -> str:
    if position == BandPosition.UNDER:
        # TRANSLATORS: source: pumping-guide-nb.txt: "Barnets behov for morsmelk øker gradvis"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Fram til barnet er seks måneder"
        return tr.ngettext(
            "Your daily average, {amount}, is {difference} under the {band} a day that a "
            "baby fed only breast milk usually takes from about one to six months of age.",
            "Your daily average, {amount}, is {difference} under the {band} a day that {n} "
            "babies fed only breast milk usually take together from about one to six months "
            "of age ({each} each, a rule of thumb).",
            babies,
            **values,
        )
    if position == BandPosition.OVER:
        # TRANSLATORS: source: pumping-guide-nb.txt: "Barnets behov for morsmelk øker gradvis"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Fram til barnet er seks måneder"
        return tr.ngettext(
            "Your daily average, {amount}, is {difference} over the {band} a day that a "
            "baby fed only breast milk usually takes from about one to six months of age; "
            "some babies take up to {most}.",
            "Your daily average, {amount}, is {difference} over the {band} a day that {n} "
            "babies fed only breast milk usually take together from about one to six months "
            "of age ({each} each, a rule of thumb); some babies take up to {most}.",
            babies,
            **values,
        )
    # TRANSLATORS: source: pumping-guide-nb.txt: "Barnets behov for morsmelk øker gradvis"
    # TRANSLATORS: source: pumping-guide-nb.txt: "Fram til barnet er seks måneder"
    return tr.ngettext(
        "Your daily average, {amount}, is within the {band} a day that a baby fed only "
        "breast milk usually takes from about one to six months of age.",
        "Your daily average, {amount}, is within the {band} a day that {n} babies fed only "
        "breast milk usually take together from about one to six months of age ({each} each, "
        "a rule of thumb).",
        babies,
        **values,
    )


# -- several days (/week, /month) ---------------------------------------------------------------

TABLE_HEADERS = (N_("Day"), N_("Total"), N_("No."), N_("Avg"), N_("Gap"), N_("L/R"))


def table_rows(days: list[DaySummary], tr: Translator, unit: Unit, today: date) -> list[list[str]]:
    loc = tr.locale
    decimals = 1 if unit == Unit.OZ else 0
    rows = [[tr._(header) for header in TABLE_HEADERS]]
    for day in days:
        label = short_day(day.day, loc) + ("*" if day.day == today else "")
        if day.count == 0:
            rows.append([label, "–", "–", "–", "–", "–"])
            continue
        share = day.left_share
        rows.append(
            [
                label,
                format_number(ml_to_unit(day.total_ml, unit), loc, decimals),
                str(day.count),
                format_number(ml_to_unit(day.average_ml or 0, unit), loc, decimals),
                clock_gap(day.longest_gap.length) if day.longest_gap else "–",
                f"{round(share * 100)}/{100 - round(share * 100)}" if share is not None else "–",
            ]
        )
    return rows


def render_table(rows: list[list[str]]) -> str:
    """Columns padded to a common width: the day left-aligned, numbers right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append(" ".join(cells).rstrip())
    return "\n".join(lines)


def summary_lines(period: PeriodSummary, tr: Translator, unit: Unit, tz: ZoneInfo) -> list[str]:
    """The period's summary, a line each: /week, /month and the PDF report show the same."""
    loc = tr.locale
    lines = [
        tr._("Total: {total}", total=format_volume(period.total_ml, unit, loc)),
        tr._("Sessions: {count}", count=period.count),
        tr._(
            "Average per session: {average}",
            average=format_volume(period.average_ml or 0, unit, loc),
        ),
    ]
    if period.daily_average_ml is not None:
        lines.append(
            tr.ngettext(
                "Daily average: {average} (over {n} full day with logs)",
                "Daily average: {average} (over {n} full days with logs)",
                period.full_days_with_logs,
                average=format_volume(period.daily_average_ml, unit, loc),
            )
        )
    if period.longest_gap is not None:
        ended = period.longest_gap.ended_at
        lines.append(
            tr._(
                "Longest gap: {gap}, ending {day} at {time}",
                gap=format_duration(period.longest_gap.length, tr),
                day=short_day(ended.astimezone(tz).date(), loc),
                time=format_clock(ended, tz, loc),
            )
        )
    split = side_split(period.left_ml, period.right_ml, period.unsided_ml, tr, unit)
    if split:
        lines.extend(split.split("\n"))
    return lines


def period_text(
    period: PeriodSummary,
    tr: Translator,
    unit: Unit,
    tz: ZoneInfo,
    *,
    today: date,
    band: BandDecision,
) -> str:
    """The /week and /month reply: a title, one table row per day, then the period's summary."""
    n_days = len(period.days)
    title = "<b>" + tr.ngettext("The last {n} day", "The last {n} days", n_days) + "</b>"
    if period.count == 0:
        return (
            title
            + "\n\n"
            + tr._(
                "Nothing logged in this period yet. Each session you log shows up here, day by day."
            )
        )
    table = render_table(table_rows(list(period.days), tr, unit, today))
    legend = tr._(
        "* today, so far. Amounts in {unit}. No.: sessions. Avg: average per session. "
        "Gap: the longest time between the starts of two sessions, in hours and minutes. "
        "L/R: left and right in percent.",
        unit=UNIT_SYMBOLS[unit],
    )
    lines = [
        title,
        f"<pre>{html.escape(table)}</pre>",
        f"<i>{html.escape(legend)}</i>",
        "",
    ]
    lines.extend(summary_lines(period, tr, unit, tz))
    note = band_note(band, tr, unit)
    if note:
        lines.append("")
        lines.append(note)
    return "\n".join(lines)


# -- single entries (/history) -------------------------------------------------------------------


def entry_label(entry: PumpSession, tr: Translator, unit: Unit, tz: ZoneInfo) -> str:
    """A history button: `Tue, Mar 10, 14:30 · 130 ml`."""
    loc = tr.locale
    return tr._(
        "{day}, {time} · {total}",
        day=short_day(entry.started_at.astimezone(tz).date(), loc),
        time=format_clock(entry.started_at, tz, loc),
        total=format_volume(entry.total_ml, unit, loc),
    )


def entry_text(entry: PumpSession, tr: Translator, unit: Unit, tz: ZoneInfo) -> str:
    """Everything about one entry, for the delete-or-fix view."""
    loc = tr.locale
    moment = entry.started_at
    lines = [
        "<b>"
        + tr._(
            "{day} at {time}",
            day=format_skeleton("yMMMEd", moment.astimezone(tz).date(), locale=loc),
            time=format_clock(moment, tz, loc),
        )
        + "</b>",
        tr._("Total: {total}", total=format_volume(entry.total_ml, unit, loc)),
    ]
    split = side_split(entry.left_ml or 0, entry.right_ml or 0, 0, tr, unit)
    if split:
        lines.append(split)
    if entry.duration_min is not None:
        lines.append(tr._("Duration: {duration}", duration=format_minutes(entry.duration_min, tr)))
    lines.append(tr._("Method: {method}", method=tr._(METHOD_NAMES[Method(entry.method)])))
    if entry.note:
        lines.append(tr._("Note: {note}", note=html.escape(entry.note)))
    if entry.logged_by_name:
        lines.append(tr._("Logged by: {name}", name=html.escape(entry.logged_by_name)))
    return "\n".join(lines)
