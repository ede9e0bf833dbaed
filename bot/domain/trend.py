"""The supply trend: the rolling 24-hour total, its 7-day average, left against right, output
per minute, and the rule-of-thumb comparison of the last 7 days with the 7 before.

Plain functions over sessions, `now` (aware UTC), the chat's zone and the hour its day starts;
no Telegram, no database, no drawing (`bot.text.charts.render_trend_chart` draws what
`supply_trend` returns). Days are parent days (`bot.domain.daybook.parent_day`).

The comparison is the bot's own arithmetic, a rule of thumb: it is made only when each of the
two weeks has at least `MIN_LOGGED_DAYS` logged days, and it averages logged days only, so a
day nobody logged does not read as a day without milk. A *sustained drop* (the last 7 days at
least `DROP_SHARE` under the 7 before, and each of the last `DROP_DAYS_RUNNING` days too) is
flagged for the caller, who says something about it only to a parent who pumps exclusively.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from bot.domain.daybook import parent_day, parent_day_range
from bot.domain.stats import DaySummary, summaries
from bot.storage.models import PumpSession

WEEKS = (2, 4, 6, 8)  # the lengths /trend offers
DEFAULT_WEEKS = 4
MIN_WEEKS, MAX_WEEKS = 2, 8
WEEK_DAYS = 7
MIN_LOGGED_DAYS = 5  # of 7: fewer and a weekly average says more about the logging than the milk
DROP_SHARE = 0.15  # the last 7 days' average this much under the 7 before ...
DROP_DAYS_RUNNING = 3  # ... and each of the last 3 days as well
SAMPLE = timedelta(hours=1)  # the rolling 24-hour total is drawn from one point an hour
WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class TrendDay:
    """One parent day. Volumes in millilitres; `timed_*` only sessions with a duration."""

    summary: DaySummary
    timed_ml: float
    timed_minutes: int
    average_ml: float | None  # the 7-day average ending this day (None: too few logged days)

    @property
    def day(self) -> date:
        return self.summary.day

    @property
    def per_minute_ml(self) -> float | None:
        return self.timed_ml / self.timed_minutes if self.timed_minutes else None


@dataclass(frozen=True)
class Comparison:
    """The last 7 finished days against the 7 before, averaged over logged days."""

    last_ml: float | None  # None: nothing logged in the last 7 days
    previous_ml: float | None
    last_logged_days: int
    previous_logged_days: int

    @property
    def enough(self) -> bool:
        return (
            self.last_logged_days >= MIN_LOGGED_DAYS
            and self.previous_logged_days >= MIN_LOGGED_DAYS
        )

    @property
    def change(self) -> float | None:
        """-0.04 for 4 % under the week before; None without enough data to say."""
        if not self.enough or not self.previous_ml or self.last_ml is None:
            return None
        return self.last_ml / self.previous_ml - 1


@dataclass(frozen=True)
class Trend:
    """What /trend draws and says, for the last `weeks` weeks up to now."""

    weeks: int
    today: date
    days: list[TrendDay]  # oldest first; the last is today, still going
    # (x, ml in the 24 hours up to that moment); None until the log reaches back 24 hours
    rolling: list[tuple[float, float | None]]
    comparison: Comparison
    left_ml: float  # the last 7 finished days, what was logged per side
    right_ml: float
    timed_ml: float  # the last 7 finished days, sessions with a duration
    timed_minutes: int
    sustained_drop: bool

    @property
    def per_minute_ml(self) -> float | None:
        return self.timed_ml / self.timed_minutes if self.timed_minutes else None

    @property
    def has_logs(self) -> bool:
        return any(d.summary.count for d in self.days)


def clamp_weeks(weeks: int | None) -> int:
    """The weeks asked for, kept within 2-8 (4 when none were)."""
    if weeks is None:
        return DEFAULT_WEEKS
    return max(MIN_WEEKS, min(MAX_WEEKS, weeks))


def reach_back(now: datetime, tz: ZoneInfo, day_start: time, weeks: int) -> datetime:
    """The earliest moment `supply_trend` needs sessions from: the chart's first day, less
    the 6 days its first 7-day average reaches back, and at least the two weeks compared."""
    today = parent_day(now, tz, day_start)
    first = today - timedelta(days=max(weeks * WEEK_DAYS, 2 * WEEK_DAYS) + WEEK_DAYS - 1)
    return parent_day_range(first, tz, day_start)[0]


def supply_trend(
    sessions: Iterable[PumpSession],
    now: datetime,
    tz: ZoneInfo,
    day_start: time,
    weeks: int,
    *,
    exclusive_pumping: bool,
) -> Trend:
    """The trend over the last `weeks` weeks (today the last day); `sessions` from
    `reach_back(...)` to now (earlier or later ones are left out)."""
    weeks = clamp_weeks(weeks)
    today = parent_day(now, tz, day_start)
    shown = weeks * WEEK_DAYS
    first_shown = today - timedelta(days=shown - 1)
    first_read = min(first_shown, today - timedelta(days=2 * WEEK_DAYS)) - timedelta(
        days=WEEK_DAYS - 1
    )
    items = sorted(
        (s for s in sessions if s.started_at <= now), key=lambda s: s.started_at.astimezone(UTC)
    )
    read = summaries(items, tz, day_start, first_read, today)
    timed: dict[date, tuple[float, int]] = {}
    for entry in items:
        if entry.duration_min:
            day = parent_day(entry.started_at, tz, day_start)
            ml, minutes = timed.get(day, (0.0, 0))
            timed[day] = (ml + entry.total_ml, minutes + entry.duration_min)

    by_day = {summary.day: summary for summary in read}
    days = [
        TrendDay(
            summary=by_day[day],
            timed_ml=timed.get(day, (0.0, 0))[0],
            timed_minutes=timed.get(day, (0.0, 0))[1],
            average_ml=None if day == today else weekly_average(read, day),
        )
        for day in (first_shown + timedelta(days=i) for i in range(shown))
    ]
    comparison = compare_weeks(read, today)
    last_week = [by_day[today - timedelta(days=i)] for i in range(1, WEEK_DAYS + 1)]
    last_timed = [timed.get(d.day, (0.0, 0)) for d in last_week]
    return Trend(
        weeks=weeks,
        today=today,
        days=days,
        rolling=rolling_totals(items, now, tz, day_start, first_shown),
        comparison=comparison,
        left_ml=sum(d.left_ml for d in last_week),
        right_ml=sum(d.right_ml for d in last_week),
        timed_ml=sum(ml for ml, _ in last_timed),
        timed_minutes=sum(minutes for _, minutes in last_timed),
        sustained_drop=exclusive_pumping and is_sustained_drop(read, today, comparison),
    )


def logged_average(days: Iterable[DaySummary]) -> tuple[float | None, int]:
    """The average total of the logged days among `days`, and how many there were."""
    logged = [d.total_ml for d in days if d.count]
    return (sum(logged) / len(logged) if logged else None), len(logged)


def weekly_average(days: Sequence[DaySummary], last: date) -> float | None:
    """The 7-day average ending on `last` (logged days only), if at least 5 were logged."""
    window = [d for d in days if last - timedelta(days=WEEK_DAYS) < d.day <= last]
    average, logged = logged_average(window)
    return average if logged >= MIN_LOGGED_DAYS else None


def compare_weeks(days: Sequence[DaySummary], today: date) -> Comparison:
    """The 7 finished days before today against the 7 before those."""
    yesterday = today - timedelta(days=1)
    split = yesterday - timedelta(days=WEEK_DAYS)
    last, last_logged = logged_average(d for d in days if split < d.day <= yesterday)
    previous, previous_logged = logged_average(
        d for d in days if split - timedelta(days=WEEK_DAYS) < d.day <= split
    )
    return Comparison(last, previous, last_logged, previous_logged)


def is_sustained_drop(days: Sequence[DaySummary], today: date, comparison: Comparison) -> bool:
    """The last 7 days at least 15 % under the 7 before, and each of the last 3 finished days
    logged and 15 % or more under the 7 before too: a drop that lasts, not one low day."""
    change = comparison.change
    if change is None or change > -DROP_SHARE or not comparison.previous_ml:
        return False
    line = comparison.previous_ml * (1 - DROP_SHARE)
    recent = [d for d in days if today - timedelta(days=DROP_DAYS_RUNNING) <= d.day < today]
    return len(recent) == DROP_DAYS_RUNNING and all(d.count and d.total_ml <= line for d in recent)


def rolling_totals(
    sessions: Sequence[PumpSession], now: datetime, tz: ZoneInfo, day_start: time, first: date
) -> list[tuple[float, float | None]]:
    """The millilitres pumped in the 24 hours up to each whole hour from the start of `first`
    to now, each at x = days since the start of `first` (a day's width is 1 whatever its
    length in hours, so a DST day lines up with its neighbours). None before the log's first
    24 hours are full: a log just begun is not a rising supply. `sessions` sorted by start."""
    moments = [s.started_at.astimezone(UTC) for s in sessions]
    full_from = moments[0] + WINDOW if moments else now
    running = [0.0, *accumulate(s.total_ml for s in sessions)]
    now = now.astimezone(UTC)
    points = []
    index, (day_start_at, day_end_at) = 0, parent_day_range(first, tz, day_start)
    moment = day_start_at
    while moment <= now:
        while moment >= day_end_at:
            index += 1
            day_start_at, day_end_at = parent_day_range(
                first + timedelta(days=index), tz, day_start
            )
        x = index + (moment - day_start_at) / (day_end_at - day_start_at)
        # Sessions in (moment - 24 h, moment]: a session logged on the hour counts at once.
        after = bisect_right(moments, moment - WINDOW)
        total = running[bisect_right(moments, moment)] - running[after]
        points.append((x, total if moment >= full_from else None))
        moment += SAMPLE
    return points
