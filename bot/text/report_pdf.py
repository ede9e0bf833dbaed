"""The /report PDF: one A4 document a parent can hand to a health visitor or lactation consultant.

fpdf2 lays it out and embeds DejaVu Sans (the TrueType font matplotlib ships, so no font file
lives in this repository, and æøå and the dashes come out right in any viewer). The chart is the
same PNG /chart sends. Everything is plain data in, PDF bytes out: no database, no Telegram;
the caller passes the days' summaries, the noted sessions and the plan already described.
Numbers, dates and times follow the chat's locale (Babel), in the chat's unit and time zone.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton
from fpdf import FPDF
from fpdf.enums import Align

from bot.domain.stats import DaySummary, PeriodSummary
from bot.domain.units import Unit
from bot.storage.models import PumpSession
from bot.text.charts import TREND_HEIGHT_IN, WIDTH_IN
from bot.text.formatting import format_clock, format_number, format_volume, ml_to_unit
from bot.text.i18n import Translator
from bot.text.reports import UNIT_SYMBOLS, clock_gap, short_day, summary_lines

FONT = "DejaVu"
MARGIN_MM = 15
GREY = (90, 90, 90)
HEADER_FILL = (226, 234, 243)
STRIPE_FILL = (245, 247, 250)
RULE = (200, 205, 212)
ROW_MM = 5.6
TREND_ASPECT = TREND_HEIGHT_IN / WIDTH_IN


@cache
def font_files() -> tuple[Path, Path]:
    """DejaVu Sans, regular and bold, from matplotlib's own data folder."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class ReportContent:
    """What one report shows. Volumes in millilitres; `days` oldest first."""

    days: Sequence[DaySummary]
    period: PeriodSummary
    today: date
    noted: Sequence[PumpSession]  # the period's sessions that have a note, oldest first
    plan: str | None  # the reminder plan in use, described in words; None: no reminders
    guideline: str | None  # the guideline band's sentence, where it applies
    chart_png: bytes
    trend_png: bytes | None  # the /trend chart; None when nothing was logged in its weeks
    trend_lines: Sequence[str]  # its summary in words
    made_at: datetime
    # Millilitres given from the bottle per local day, when any feed was logged in the period.
    fed_ml: Mapping[date, float] | None = None


class _ReportPDF(FPDF):
    """FPDF with the page footer: the disclaimer's short form and the page number."""

    def __init__(self, tr: Translator) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.tr = tr

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*GREY)
        self.cell(
            0,
            5,
            self.tr._("Page {page} of {pages}", page=self.page_no(), pages="{nb}"),
            align=Align.R,
        )


def render_report(content: ReportContent, *, tr: Translator, unit: Unit, tz: ZoneInfo) -> bytes:
    """The PDF's bytes."""
    locale = tr.locale
    days = list(content.days)
    first, last = days[0].day, days[-1].day
    regular, bold = font_files()

    pdf = _ReportPDF(tr)
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font(FONT, "", str(regular))
    pdf.add_font(FONT, "B", str(bold))
    pdf.set_lang(tr.language)
    title = tr._("Pumping log")
    pdf.set_title(title)
    pdf.set_creator("pumpbot")
    pdf.set_creation_date(content.made_at)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: float = 13) -> None:
        pdf.set_font(FONT, "B", size)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(width, size * 0.5, text, align=Align.L, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    def paragraph(text: str, *, size: float = 10, grey: bool = False) -> None:
        pdf.set_font(FONT, "", size)
        pdf.set_text_color(*(GREY if grey else (0, 0, 0)))
        pdf.multi_cell(width, size * 0.5, text, align=Align.L, new_x="LMARGIN", new_y="NEXT")

    # -- title, period, what this is --------------------------------------------------------
    heading(title, 18)
    paragraph(
        tr.ngettext(
            "{first} to {last} ({n} day), made {made}",
            "{first} to {last} ({n} days), made {made}",
            len(days),
            first=format_date(first, format="long", locale=locale),
            last=format_date(last, format="long", locale=locale),
            made=format_date(content.made_at.astimezone(tz).date(), format="long", locale=locale),
        ),
        size=11,
    )
    pdf.ln(1)
    paragraph(
        tr._(
            "This is the parent's own log, kept with the pumpbot Telegram bot. It is not a "
            "clinical record: amounts and times are as the parent logged them."
        ),
        size=9,
        grey=True,
    )
    pdf.ln(4)

    # -- the period in numbers --------------------------------------------------------------
    period = content.period
    heading(tr._("Summary"))
    if period.count == 0:
        paragraph(tr._("Nothing was logged in this period."))
    else:
        for line in summary_lines(period, tr, unit, tz):
            paragraph(line)
    if content.guideline:
        pdf.ln(1.5)
        paragraph(content.guideline, size=9, grey=True)
    pdf.ln(3)

    # -- the chart ----------------------------------------------------------------------------
    pdf.image(io.BytesIO(content.chart_png), w=width)
    pdf.ln(3)

    # -- a row per day ------------------------------------------------------------------------
    heading(tr._("Day by day"))
    day_table(pdf, days, tr, unit, content.today, content.fed_ml)
    pdf.ln(1.5)
    paragraph(
        tr._(
            "Amounts in {unit}. Sessions: how many were logged. Longest gap: the longest time "
            "between the starts of two sessions, in hours and minutes, counted on the day it "
            "ended. Left/right: the share of what was logged per side.",
            unit=UNIT_SYMBOLS[unit],
        ),
        size=8,
        grey=True,
    )
    if content.fed_ml:
        paragraph(
            tr._("Bottles: what the baby was given from the bottle that day, as logged."),
            size=8,
            grey=True,
        )
    if content.today in (d.day for d in days):
        paragraph(tr._("* today, still going when the report was made."), size=8, grey=True)
    pdf.ln(4)

    # -- the supply trend ---------------------------------------------------------------------
    if content.trend_png is not None:
        trend_width = width * 0.85  # narrower than the page: the panels fit with the heading
        trend_height = trend_width * TREND_ASPECT
        if pdf.will_page_break(trend_height + 30):  # the heading and summary with the chart
            pdf.add_page()
        heading(tr._("Supply trend"))
        for line in content.trend_lines:
            paragraph(line)
        pdf.ln(2)
        pdf.image(io.BytesIO(content.trend_png), w=trend_width, x=Align.C)
        pdf.ln(4)

    # -- notes ---------------------------------------------------------------------------------
    heading(tr._("Notes"))
    if not content.noted:
        paragraph(tr._("No notes in this period."))
    for entry in content.noted:
        moment = entry.started_at
        paragraph(
            tr._(
                "{day} {time} · {total}: {note}",
                day=short_day(moment.astimezone(tz).date(), locale),
                time=format_clock(moment, tz, locale),
                total=format_volume(entry.total_ml, unit, locale),
                note=entry.note or "",
            )
        )
    pdf.ln(4)

    # -- reminders -----------------------------------------------------------------------------
    heading(tr._("Reminder plan"))
    paragraph(content.plan or tr._("No reminders are set."))

    return bytes(pdf.output())


def day_table(
    pdf: FPDF,
    days: Sequence[DaySummary],
    tr: Translator,
    unit: Unit,
    today: date,
    fed_ml: Mapping[date, float] | None = None,
) -> None:
    """Day, total, sessions, average, longest gap, left/right (and the bottles given, when
    feeds were logged): one row per day, oldest first, the header again at the top of a new
    page. Plain cells rather than fpdf2's `table()`,
    which measures every cell as a paragraph and took half the report's time."""
    loc = tr.locale
    decimals = 1 if unit == Unit.OZ else 0
    symbol = UNIT_SYMBOLS[unit]

    def amount(ml: float) -> str:
        return format_number(ml_to_unit(ml, unit), loc, decimals)

    headers = [
        tr._("Day"),
        tr._("Total ({unit})", unit=symbol),
        tr._("Sessions"),
        tr._("Average ({unit})", unit=symbol),
        tr._("Longest gap"),
        tr._("Left/right"),
    ]
    shares = (0.24, 0.14, 0.10, 0.14, 0.19, 0.19)
    if fed_ml is not None:
        headers.append(tr._("Bottles ({unit})", unit=symbol))
        shares = (0.21, 0.12, 0.10, 0.12, 0.16, 0.15, 0.14)
    widths = [pdf.epw * share for share in shares]
    aligns = [Align.L] + [Align.R] * (len(shares) - 1)

    def bottles(day: date) -> list[str]:
        if fed_ml is None:
            return []
        return [amount(fed_ml[day]) if fed_ml.get(day) else "–"]

    def row(cells: list[str], *, bold: bool = False, fill: tuple[int, int, int] | None = None):
        pdf.set_font(FONT, "B" if bold else "", 9)
        if fill:
            pdf.set_fill_color(*fill)
        for text, cell_width, align in zip(cells, widths, aligns, strict=True):
            pdf.cell(cell_width, ROW_MM, text, align=align, fill=fill is not None, border="B")
        pdf.ln(ROW_MM)

    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(*RULE)
    row(headers, bold=True, fill=HEADER_FILL)
    for index, day in enumerate(days):
        if pdf.will_page_break(ROW_MM):
            pdf.add_page()
            row(headers, bold=True, fill=HEADER_FILL)
        label = format_skeleton("yMMMEd", day.day, locale=loc)
        label += "*" if day.day == today else ""
        stripe = STRIPE_FILL if index % 2 else None
        if day.count == 0:
            row([label, "–", "0", "–", "–", "–", *bottles(day.day)], fill=stripe)
            continue
        share = day.left_share
        row(
            [
                label,
                amount(day.total_ml),
                str(day.count),
                amount(day.average_ml or 0),
                clock_gap(day.longest_gap.length) if day.longest_gap else "–",
                f"{round(share * 100)}/{100 - round(share * 100)}" if share is not None else "–",
                *bottles(day.day),
            ],
            fill=stripe,
        )
