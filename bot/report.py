"""The /report document: a chat's last 7, 14 or 30 days as PDF bytes, and its file name.

The same days, summaries and guideline-band decision as /week and the chart
(`bot.periods.last_days`), the same chart, the /trend chart and summary (over at least the
report's weeks), the bottles fed each day beside the milk pumped (when feeds were logged), the
period's notes, and the reminder plan as the caller describes it (reminder texts live in
`scheduler`, above this package). Blocking: a 30-day report is a few hundred milliseconds of
CPU, so handlers run it on a worker thread.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.chats import ChatSettings
from bot.domain.daybook import parent_day, parent_day_range
from bot.domain.stats import period_summary
from bot.domain.trend import WEEK_DAYS, clamp_weeks
from bot.feedbook import fed_in
from bot.periods import last_days, period_chart, supply_trend_of, trend_chart
from bot.storage.db import Database
from bot.text.reports import band_note
from bot.text.trend import comparison_line, sides_and_rate_line

PERIODS = (7, 14, 30)
DEFAULT_PERIOD = 14


def report_filename(now: datetime, settings: ChatSettings) -> str:
    return f"pumpbot-report-{parent_day(now, settings.tz, settings.day_start).isoformat()}.pdf"


def build_report(
    db: Database, settings: ChatSettings, now: datetime, n_days: int, *, plan: str | None
) -> bytes:
    """The PDF of the last `n_days` parent days, today included. `plan`: the reminder plan in
    use, in words (None: no reminders)."""
    from bot.text.report_pdf import ReportContent, render_report  # fpdf2, on first use

    tr, tz = settings.tr, settings.tz
    last = last_days(db, settings, now, n_days)
    start = parent_day_range(last.days[0].day, tz, settings.day_start)[0]
    noted = [entry for entry in last.sessions if entry.note and entry.started_at >= start]
    chart = period_chart(last, settings)
    # The supply trend over at least the report's days (two weeks at the least, to compare).
    trend = supply_trend_of(db, settings, now, clamp_weeks(-(-n_days // WEEK_DAYS)))
    trend_lines = [comparison_line(trend, tr, settings.unit)]
    trend_lines += [line for line in [sides_and_rate_line(trend, tr, settings.unit)] if line]
    end = parent_day_range(last.days[-1].day, tz, settings.day_start)[1]
    fed = fed_in(db, settings, start, end)
    content = ReportContent(
        days=last.days,
        period=period_summary(last.days, last.today),
        today=last.today,
        noted=noted,
        plan=plan,
        guideline=band_note(last.band, tr, settings.unit) or None,
        chart_png=chart,
        trend_png=trend_chart(trend, settings) if trend.has_logs else None,
        trend_lines=trend_lines,
        made_at=now,
        fed_ml=fed or None,
    )
    return render_report(content, tr=tr, unit=settings.unit, tz=tz)
