"""Daily stats: per local day the total, sessions, average, longest gap and left/right split.

Plain functions over sessions; no Telegram, no database session. A day is the chat's local
calendar day (`bot.domain.daybook`), so it may be 23 or 25 hours long. Gaps are
measured start to start, the way pumping intervals are counted ("every three hours"), in
real elapsed time, and each gap belongs to the day of the session that ends it: the night's
gap from 23:00 to 04:00 is the next day's first gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.daybook import local_day
from bot.storage.models import PumpSession

# What a baby fed only breast milk usually takes a day from about one to six months of age
# (the Norwegian pumping guide in the project's sources): 750-800 ml, some up to 1000 ml.
GUIDELINE_LOW_ML = 750.0
GUIDELINE_HIGH_ML = 800.0
GUIDELINE_SOME_UP_TO_ML = 1000.0
# The milk can be for twins or triplets: the band is per baby, and for several babies the bot
# adds up one band per baby (its own rule of thumb; each baby's need differs).
MAX_BABIES = 3


def band_range_ml(babies: int = 1) -> tuple[float, float]:
    """The guideline band for `babies` babies fed only breast milk, in millilitres a day."""
    return GUIDELINE_LOW_ML * babies, GUIDELINE_HIGH_ML * babies


@dataclass(frozen=True)
class Gap:
    length: timedelta
    ended_at: datetime  # UTC start of the session that ended the gap


@dataclass(frozen=True)
class DaySummary:
    """One local day. Volumes in millilitres."""

    day: date
    count: int
    total_ml: float
    left_ml: float
    right_ml: float
    longest_gap: Gap | None  # None: no earlier session to measure from

    @property
    def average_ml(self) -> float | None:
        return self.total_ml / self.count if self.count else None

    @property
    def unsided_ml(self) -> float:
        """Logged without saying which side (a plain `120 ml`)."""
        return max(0.0, self.total_ml - self.left_ml - self.right_ml)

    @property
    def left_share(self) -> float | None:
        """Left's share of what was logged per side, 0..1; None when no side was given."""
        sided = self.left_ml + self.right_ml
        return self.left_ml / sided if sided > 0 else None


def _utc(moment: datetime) -> datetime:
    # Subtracting two datetimes that share a zone goes by the wall clock (an hour off across a
    # DST change); in UTC the difference is real elapsed time.
    return moment.astimezone(UTC)


def summaries(
    sessions: Iterable[PumpSession], tz: ZoneInfo, first_day: date, last_day: date
) -> list[DaySummary]:
    """One summary per local day from `first_day` to `last_day` inclusive, days without logs too.

    `sessions` may include sessions outside those days: they count only as the start of a gap
    (pass the last session before `first_day` so the first day's overnight gap is known).
    """
    if last_day < first_day:
        return []
    ordered = sorted(sessions, key=lambda s: (_utc(s.started_at), s.id or 0))
    by_day: dict[date, list[PumpSession]] = {}
    gaps: dict[date, Gap] = {}
    previous: PumpSession | None = None
    for entry in ordered:
        day = local_day(entry.started_at, tz)
        if first_day <= day <= last_day:
            by_day.setdefault(day, []).append(entry)
            if previous is not None:
                ended_at = _utc(entry.started_at)
                gap = Gap(ended_at - _utc(previous.started_at), ended_at)
                if day not in gaps or gap.length > gaps[day].length:
                    gaps[day] = gap
        previous = entry
    result = []
    day = first_day
    while day <= last_day:
        items = by_day.get(day, [])
        result.append(
            DaySummary(
                day=day,
                count=len(items),
                total_ml=sum(s.total_ml for s in items),
                left_ml=sum(s.left_ml or 0 for s in items),
                right_ml=sum(s.right_ml or 0 for s in items),
                longest_gap=gaps.get(day),
            )
        )
        day += timedelta(days=1)
    return result


def day_summary(sessions: Iterable[PumpSession], tz: ZoneInfo, day: date) -> DaySummary:
    """The summary of one local day (for /today: pass the day's sessions and the one before)."""
    return summaries(sessions, tz, day, day)[0]


@dataclass(frozen=True)
class PeriodSummary:
    """Several days together. `daily_average_ml` counts only finished days with logs, so that
    neither today (still going) nor a day nobody logged pulls it down."""

    days: Sequence[DaySummary]
    count: int
    total_ml: float
    left_ml: float
    right_ml: float
    longest_gap: Gap | None
    full_days_with_logs: int
    daily_average_ml: float | None

    @property
    def average_ml(self) -> float | None:
        return self.total_ml / self.count if self.count else None

    @property
    def unsided_ml(self) -> float:
        return max(0.0, self.total_ml - self.left_ml - self.right_ml)


def period_summary(days: Sequence[DaySummary], today: date) -> PeriodSummary:
    """Sum the days; `today` (the chat's local date) is the day still in progress."""
    full = [d for d in days if d.day < today and d.count > 0]
    gaps = [d.longest_gap for d in days if d.longest_gap is not None]
    return PeriodSummary(
        days=days,
        count=sum(d.count for d in days),
        total_ml=sum(d.total_ml for d in days),
        left_ml=sum(d.left_ml for d in days),
        right_ml=sum(d.right_ml for d in days),
        longest_gap=max(gaps, key=lambda g: g.length) if gaps else None,
        full_days_with_logs=len(full),
        daily_average_ml=sum(d.total_ml for d in full) / len(full) if full else None,
    )


class BandPosition(StrEnum):
    UNDER = "under"
    WITHIN = "within"
    OVER = "over"


def band_position(daily_ml: float, babies: int = 1) -> BandPosition:
    """Where a daily amount sits against the guideline band for `babies` babies (a fact, not
    a judgement)."""
    low, high = band_range_ml(babies)
    if daily_ml < low:
        return BandPosition.UNDER
    if daily_ml > high:
        return BandPosition.OVER
    return BandPosition.WITHIN


def band_distance_ml(daily_ml: float, babies: int = 1) -> float:
    """How far outside the band for `babies` babies a daily amount is (0 inside it)."""
    low, high = band_range_ml(babies)
    if daily_ml < low:
        return low - daily_ml
    if daily_ml > high:
        return daily_ml - high
    return 0.0
