"""The charts, as PNG bytes: daily totals (a bar per parent day) for /chart and the report,
and the supply trend for /trend.

Drawn with matplotlib's object API on an Agg canvas (no pyplot, no display, no global state),
so it renders the same on a server and is safe to run in a worker thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from babel.dates import format_skeleton
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.domain.stats import band_range_ml
from bot.domain.trend import Trend
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


# -- the supply trend (/trend) ----------------------------------------------------------------

TREND_HEIGHT_IN = 6.72  # three panels, 1000 x 840 pixels at TREND_DPI
# A little less sharp than /chart's: Telegram shows a photo about this wide on a phone, and
# the fewer pixels are a quarter of the drawing time.
TREND_DPI = 125
ROLLING = "#9bb5d3"
AVERAGE = "#1f4e79"
LEFT = "#c0504d"
RIGHT = "#4f7cac"
RATE = "#5b8c5a"


def trend_chart_size() -> tuple[int, int]:
    return round(WIDTH_IN * TREND_DPI), round(TREND_HEIGHT_IN * TREND_DPI)


def render_trend_chart(trend: Trend, *, tr: Translator, unit: Unit) -> bytes:
    """The /trend picture: the rolling 24-hour total with its 7-day average line, left against
    right per day, and output per minute per day where durations were logged (that panel only
    when some were). x counts days from the first one shown; today is shaded (still going)."""
    locale = tr.locale
    decimals = 1 if unit == Unit.OZ else 0
    symbol = UNIT_SYMBOLS[unit]
    n_days = len(trend.days)
    timed = any(d.per_minute_ml is not None for d in trend.days)
    panels = 3 if timed else 2

    figure = Figure(figsize=(WIDTH_IN, TREND_HEIGHT_IN), dpi=TREND_DPI)
    figure.subplots_adjust(left=0.1, right=0.965, top=0.95, bottom=0.08, hspace=0.42)
    FigureCanvasAgg(figure)
    axes_list = [figure.add_subplot(panels, 1, i + 1) for i in range(panels)]
    nan = float("nan")

    def volume(ml: float | None) -> float:
        return nan if ml is None else ml_to_unit(ml, unit)

    def style(axes: Axes, title: str) -> None:
        # A plain text above the panel: `set_title` measures every tick label to place the
        # title, a third of the drawing time with three panels.
        axes.text(0, 1.05, title, transform=axes.transAxes, color=TEXT, fontsize=10)
        axes.set_xlim(0, n_days)
        axes.axvspan(n_days - 1, n_days, color="#eeeeee", zorder=0, linewidth=0)
        axes.grid(axis="y", color="#dddddd", zorder=0)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.tick_params(labelsize=8, colors=TEXT)

    # 1. The rolling 24-hour total and its 7-day average, drawn at the end of each day.
    top = axes_list[0]
    top.plot(
        [x for x, _ in trend.rolling],
        [volume(ml) for _, ml in trend.rolling],
        color=ROLLING,
        linewidth=1,
        label=tr._("Pumped in the last 24 hours"),
    )
    top.plot(
        [i + 1 for i in range(n_days)],
        [volume(d.average_ml) for d in trend.days],
        color=AVERAGE,
        linewidth=2.2,
        marker="o",
        markersize=2.5,
        label=tr._("7-day average per day"),
    )
    top.set_ylim(bottom=0)
    top.yaxis.set_major_formatter(
        FuncFormatter(lambda value, _pos: format_number(value, locale, decimals))
    )
    style(top, tr._("Pumped milk in 24 hours ({unit})", unit=symbol))
    top.legend(loc="lower left", fontsize=8, frameon=False, ncols=2)

    # 2. Left against right, per day (what was logged per side).
    sides = axes_list[1]
    # Finished days only: today's half a day would read as a fall.
    middles = [i + 0.5 for i in range(n_days - 1)]
    finished = trend.days[:-1]
    sided = [d.summary.left_ml + d.summary.right_ml > 0 for d in finished]
    for values, colour, label in (
        ([d.summary.left_ml for d in finished], LEFT, tr._("Left")),
        ([d.summary.right_ml for d in finished], RIGHT, tr._("Right")),
    ):
        sides.plot(
            middles,
            [volume(v) if has else nan for v, has in zip(values, sided, strict=True)],
            color=colour,
            linewidth=1.5,
            marker="o",
            markersize=2.5,
            label=label,
        )
    sides.set_ylim(bottom=0)
    sides.yaxis.set_major_formatter(
        FuncFormatter(lambda value, _pos: format_number(value, locale, decimals))
    )
    style(sides, tr._("Left and right per day ({unit})", unit=symbol))
    sides.legend(loc="lower left", fontsize=8, frameon=False, ncols=2)

    # 3. Output per minute, on days with durations.
    if timed:
        rate = axes_list[2]
        rate.plot(
            middles,
            [volume(d.per_minute_ml) for d in finished],
            color=RATE,
            linewidth=1.5,
            marker="o",
            markersize=2.5,
        )
        rate.set_ylim(bottom=0)
        rate.yaxis.set_major_formatter(
            FuncFormatter(lambda value, _pos: format_number(value, locale, 1))
        )
        style(
            rate, tr._("Pumped per minute, where a duration was logged ({unit}/min)", unit=symbol)
        )

    # A date under every 7th day, counted back from today, so today's week is labelled.
    ticks = list(range(n_days - 1, -1, -7))[::-1]
    labels = [format_skeleton("MMMd", trend.days[i].day, locale=locale) for i in ticks]
    for axes in axes_list[:-1]:
        axes.set_xticks([])
    axes_list[-1].set_xticks([i + 0.5 for i in ticks], labels)
    axes_list[-1].tick_params(axis="x", length=0)

    buffer = io.BytesIO()
    # The fastest compression: a third bigger than level 3, and the send is not the slow part.
    figure.savefig(buffer, format="png", dpi=TREND_DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def render_trend_in_language(trend: Trend, language: str, unit: Unit) -> bytes:
    """`render_trend_chart` for a worker process (a Translator stays home)."""
    return render_trend_chart(trend, tr=translator(language), unit=unit)
