"""Parent days: which day a moment counts to, where that day starts and ends in UTC, and what
was pumped in it.

A parent's day starts at her own hour (`day_start`: midnight unless she chose 04:00, 05:00 or
06:00 in /settings), so a night session at 01:00 can close the day before instead of opening
the next. `parent_day` is the one rule that decides it; /today, /week, /month, /trend, the
report, the export's day column and the nudges all cut days with it (or with
`parent_day_range`, its other side).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

MIDNIGHT = time(0)
# The hours a day may start at (/settings offers them): night sessions before 04:00-06:00
# belong to the evening before for many parents who pump.
DAY_STARTS = (MIDNIGHT, time(4), time(5), time(6))


def parent_day(moment: datetime, tz: ZoneInfo, day_start: time) -> date:
    """The day `moment` counts to: its local date, or the date before when the local clock
    shows an earlier time than `day_start`. By the wall clock, so 04:00 stays 04:00 across a
    DST change (`parent_day_range` draws the same line)."""
    local = moment.astimezone(tz)
    day = local.date()
    return day - timedelta(days=1) if local.time() < day_start else day


def parent_day_range(day: date, tz: ZoneInfo, day_start: time) -> tuple[datetime, datetime]:
    """[start, end) of a parent day, in UTC: 23 or 25 hours long when a DST change falls in it.

    In UTC because Python subtracts two datetimes of the same zone by wall clock, not real time.
    """
    return wall_time(day, day_start, tz), wall_time(day + timedelta(days=1), day_start, tz)


def today_range(now: datetime, tz: ZoneInfo, day_start: time) -> tuple[datetime, datetime]:
    """[start, end) of the parent day `now` is in."""
    return parent_day_range(parent_day(now, tz, day_start), tz, day_start)


def calendar_day(moment: datetime, tz: ZoneInfo) -> date:
    """The date on the wall calendar, for words about a clock time ("yesterday at 23:00",
    "tomorrow at 06:00"); not for counting what belongs to a day (that is `parent_day`)."""
    return moment.astimezone(tz).date()


class Amounts(Protocol):
    """What a day's sums and the nudges read of a logged session: a stored `PumpSession`, or
    a plain row of one (a typed log's recent sessions are read without the ORM)."""

    @property
    def id(self) -> int | None: ...

    @property
    def started_at(self) -> datetime: ...

    @property
    def total_ml(self) -> float: ...

    @property
    def left_ml(self) -> float | None: ...

    @property
    def right_ml(self) -> float | None: ...


@dataclass(frozen=True)
class DayTotals:
    count: int
    total_ml: float
    left_ml: float
    right_ml: float


def day_totals(sessions: Iterable[Amounts]) -> DayTotals:
    items = list(sessions)
    return DayTotals(
        count=len(items),
        total_ml=sum(s.total_ml for s in items),
        left_ml=sum(s.left_ml or 0 for s in items),
        right_ml=sum(s.right_ml or 0 for s in items),
    )


def wall_time(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` on local `day`, in UTC. fold=0: a time in the spring gap keeps the winter offset
    (so it lands after the gap); a time that happens twice in autumn means the first one."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
