"""Local days: where a chat's day starts and ends in UTC, and what was pumped in it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.storage.models import PumpSession


def local_day_range(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day, in UTC; 23 or 25 hours long on DST days.

    In UTC because Python subtracts two datetimes of the same zone by wall clock, not real time.
    """
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def today_range(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return local_day_range(local_day(now, tz), tz)


@dataclass(frozen=True)
class DayTotals:
    count: int
    total_ml: float
    left_ml: float
    right_ml: float


def day_totals(sessions: Iterable[PumpSession]) -> DayTotals:
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
