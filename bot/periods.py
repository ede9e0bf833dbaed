"""A chat's numbers over its last days: the /week and /month text, the chart with its
caption, and the /trend chart with its summary.

Plain functions over the database and a chat's settings, no Telegram objects. Each reads the
log once and may take tens of milliseconds (a chart a few hundred): handlers run them on a
worker thread; the chart itself is drawn in a process of its own (`chart_renderer`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from multiprocessing import get_context

from bot.domain.chats import ChatSettings
from bot.domain.daybook import parent_day
from bot.domain.guideline import BandDecision, BandView, band_decision
from bot.domain.stats import DaySummary, period_summary, summaries
from bot.domain.trend import Trend, reach_back, supply_trend
from bot.logviews import sessions_for_days
from bot.storage.db import Database
from bot.storage.models import PumpSession
from bot.storage.repo import SessionRepo
from bot.text.formatting import format_volume
from bot.text.reports import band_note, period_text
from bot.text.trend import nothing_yet, trend_caption

WEEK, MONTH = 7, 30
RENDER_NICENESS = 10  # added to the chart process's nice value (lower priority)


@dataclass(frozen=True)
class Days:
    """The last parent days of a chat's log, today included, each summed up."""

    today: date
    days: list[DaySummary]
    band: BandDecision
    sessions: list[PumpSession]  # as read: the days' sessions, and the one before them


def last_days(db: Database, settings: ChatSettings, now: datetime, n_days: int) -> Days:
    tz, day_start = settings.tz, settings.day_start
    today = parent_day(now, tz, day_start)
    first = today - timedelta(days=n_days - 1)
    with db.session() as session:
        sessions = sessions_for_days(SessionRepo(session, settings.id), settings, first, today)
    days = summaries(sessions, tz, day_start, first, today)
    band = band_decision(settings.exclusive_pumping, days, today, settings.babies)
    return Days(today, days, band, sessions)


def period_report(db: Database, settings: ChatSettings, now: datetime, n_days: int) -> str:
    """The /week or /month reply: the last `n_days` parent days, today included."""
    last = last_days(db, settings, now, n_days)
    return period_text(
        period_summary(last.days, last.today),
        settings.tr,
        settings.unit,
        settings.tz,
        today=last.today,
        band=last.band,
    )


_renderer: ProcessPoolExecutor | None = None
_renderer_lock = threading.Lock()


def chart_renderer() -> ProcessPoolExecutor:
    """One worker process that draws charts, started on the first chart.

    Drawing is a few hundred milliseconds of Python and C holding the GIL: on a thread it
    halved the event loop's share of the CPU, and parents' confirmations waited seconds behind
    one chat's charts on a busy machine (`python -m bench --only contention`). In a process of
    its own it runs beside the event loop. Spawned, not forked: the bot has threads running.
    matplotlib is imported there, on the first chart, not at every start of the bot."""
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            _renderer = ProcessPoolExecutor(
                max_workers=1, mp_context=get_context("spawn"), initializer=draw_when_idle
            )
        return _renderer


def draw_when_idle() -> None:
    """The chart process yields the CPU to the bot: on a busy machine (2 cores, shared) a chart
    drawn at the same priority took a core from the event loop and held parents'
    confirmations back; a chart can wait a few milliseconds more."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(RENDER_NICENESS)


def period_chart(last: Days, settings: ChatSettings) -> bytes:
    """The PNG of `bot.text.charts.render_daily_chart` for these days, drawn in the chart
    process (call it from a worker thread: it waits for the drawing)."""
    from bot.text.charts import render_in_language

    job = chart_renderer().submit(
        render_in_language,
        [d.day for d in last.days],
        [d.total_ml for d in last.days],
        settings.tr.language,
        settings.unit,
        last.today,
        last.band.view == BandView.COMPARE,
        last.band.babies,
    )
    return job.result()


def chart(db: Database, settings: ChatSettings, now: datetime, n_days: int) -> tuple[bytes, str]:
    """The chart of the last `n_days` daily totals as a PNG, and its caption."""
    tr = settings.tr
    last = last_days(db, settings, now, n_days)
    png = period_chart(last, settings)
    period = period_summary(last.days, last.today)
    if period.daily_average_ml is not None:
        caption = tr.ngettext(
            "Daily average: {average} (over {n} full day with logs)",
            "Daily average: {average} (over {n} full days with logs)",
            period.full_days_with_logs,
            average=format_volume(period.daily_average_ml, settings.unit, tr.locale),
        )
    else:
        caption = tr._("No full day logged in this period yet.")
    note = band_note(last.band, tr, settings.unit)
    if note:
        caption += "\n\n" + note
    return png, caption


def supply_trend_of(db: Database, settings: ChatSettings, now: datetime, weeks: int) -> Trend:
    """The chat's supply trend over the last `weeks` weeks (`bot.domain.trend`)."""
    tz, day_start = settings.tz, settings.day_start
    start = reach_back(now, tz, day_start, weeks)
    with db.session() as session:
        sessions = SessionRepo(session, settings.id).between(start, now + timedelta(seconds=1))
    return supply_trend(
        sessions, now, tz, day_start, weeks, exclusive_pumping=settings.exclusive_pumping
    )


def trend_chart(trend: Trend, settings: ChatSettings) -> bytes:
    """The PNG of `bot.text.charts.render_trend_chart`, drawn in the chart process (call it
    from a worker thread: it waits for the drawing)."""
    from bot.text.charts import render_trend_in_language

    return (
        chart_renderer()
        .submit(render_trend_in_language, trend, settings.tr.language, settings.unit)
        .result()
    )


def trend_report(db: Database, settings: ChatSettings, now: datetime, weeks: int) -> TrendReply:
    """The /trend reply: the chart and its caption, or only a text when nothing was logged."""
    tr = settings.tr
    trend = supply_trend_of(db, settings, now, weeks)
    if not trend.has_logs:
        return TrendReply(trend, None, nothing_yet(trend.weeks, tr))
    caption = trend_caption(trend, tr, settings.unit, exclusive_pumping=settings.exclusive_pumping)
    return TrendReply(trend, trend_chart(trend, settings), caption)


@dataclass(frozen=True)
class TrendReply:
    trend: Trend
    png: bytes | None  # None: nothing logged in those weeks, so no chart
    text: str
