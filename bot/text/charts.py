"""The chart of daily totals: a bar per local day, as PNG bytes.

Drawn with matplotlib's object API on an Agg canvas (no pyplot, no display, no global state),
so it renders the same on a server and is safe to run in a worker thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from babel.dates import format_skeleton
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.domain.stats import band_range_ml
from bot.domain.units import Unit, ml_to_unit
from bot.text.formatting import format_number
from bot.text.i18n import Translator, translator
from bot.text.reports import UNIT_SYMBOLS, band_text

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 150  # 1200 x 675 pixels: sharp on a phone, small to send
BAR = "#4f7cac"
BAR_TODAY = "#a9c1dc"
BAND = "#7bb77b"
TEXT = "#333333"


def chart_size() -> tuple[int, int]:
    """The PNG's width and height in pixels."""
    return round(WIDTH_IN * DPI), round(HEIGHT_IN * DPI)


def render_daily_chart(
    days: Sequence[date],
    totals_ml: Sequence[float],
    *,
    tr: Translator,
    unit: Unit,
    today: date,
    show_band: bool,
    babies: int = 1,
) -> bytes:
    """A bar chart of the daily totals, oldest day left; today's bar lighter (still going).

    The guideline band is drawn only with `show_band` (the chat pumps exclusively): for a baby
    also fed at the breast, pumped milk says nothing about how much the baby gets.
    """
    if len(days) != len(totals_ml):
        raise ValueError("one total per day")
    locale = tr.locale
    decimals = 1 if unit == Unit.OZ else 0
    values = [ml_to_unit(ml, unit) for ml in totals_ml]
    positions = list(range(len(days)))

    # Fixed margins rather than a layout engine: the labels' sizes are known, and constrained
    # layout would draw the figure an extra time (a third of the render).
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    figure.subplots_adjust(left=0.1, right=0.985, top=0.92, bottom=0.19)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    colours = [BAR_TODAY if day == today else BAR for day in days]
    bars = axes.bar(positions, values, color=colours, width=0.7, zorder=3)

    top = max([*values, ml_to_unit(100, unit)])
    legend = []
    if show_band:
        low, high = (ml_to_unit(ml, unit) for ml in band_range_ml(babies))
        axes.axhspan(low, high, color=BAND, alpha=0.3, zorder=1, linewidth=0)
        top = max(top, high)
        legend.append(
            Patch(
                color=BAND,
                alpha=0.3,
                # TRANSLATORS: source: pumping-guide-nb.txt: "Barnets behov for morsmelk øker"
                # TRANSLATORS: source: pumping-guide-nb.txt: "Fram til barnet er seks måneder"
                label=tr.ngettext(
                    "Usual daily need of a baby fed only breast milk, 1–6 months: {band}",
                    "Usual daily need of {n} babies fed only breast milk, 1–6 months: {band} "
                    "(a rule of thumb)",
                    babies,
                    band=band_text(tr, unit, babies),
                ),
            )
        )
    if today in days:
        legend.append(Patch(color=BAR_TODAY, label=tr._("Today, so far")))
    axes.set_ylim(0, top * 1.18)

    if len(days) <= 10:
        labels = [
            format_skeleton("EEE", d, locale=locale)
            + "\n"
            + format_skeleton("MMMd", d, locale=locale)
            for d in days
        ]
        axes.bar_label(
            bars,
            labels=[format_number(v, locale, decimals) if v > 0 else "" for v in values],
            padding=3,
            fontsize=9,
            color=TEXT,
        )
    else:
        # Every third day, counted back from the newest, so the newest day is always labelled.
        positions = positions[::-1][::3][::-1]
        labels = [format_skeleton("MMMd", days[i], locale=locale) for i in positions]
    axes.set_xticks(positions, labels, fontsize=9, color=TEXT)
    axes.tick_params(axis="x", length=0)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    axes.yaxis.set_major_formatter(
        FuncFormatter(lambda value, _pos: format_number(value, locale, decimals))
    )
    axes.set_ylabel(tr._("Pumped per day ({unit})", unit=UNIT_SYMBOLS[unit]), color=TEXT)
    axes.set_title(
        tr.ngettext(
            "Pumped milk per day, the last {n} day",
            "Pumped milk per day, the last {n} days",
            len(days),
        ),
        color=TEXT,
        loc="left",
    )
    axes.grid(axis="y", color="#dddddd", zorder=0)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if legend:
        # Under the dates, outside the bars, so it never hides one.
        figure.legend(
            handles=legend, loc="lower center", ncols=len(legend), fontsize=9, frameon=False
        )

    buffer = io.BytesIO()
    # Light compression: a little bigger, noticeably faster to write.
    figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


def render_in_language(
    days: Sequence[date],
    totals_ml: Sequence[float],
    language: str,
    unit: Unit,
    today: date,
    show_band: bool,
    babies: int = 1,
) -> bytes:
    """`render_daily_chart` from plain values, for a worker process (a Translator stays home)."""
    return render_daily_chart(
        days,
        totals_ml,
        tr=translator(language),
        unit=unit,
        today=today,
        show_band=show_band,
        babies=babies,
    )
