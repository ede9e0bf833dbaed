"""Gentle nudges: when a chat's logs call for a short, kind note, and which one to send.

Each condition is a plain function of the chat's sessions, `now` (aware UTC), the chat's
time zone and the hour its day starts (`bot.domain.daybook.parent_day`). `due_nudge` picks
at most one, honouring the off switch and the weekly limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta
from enum import StrEnum
from statistics import median
from zoneinfo import ZoneInfo

from bot.domain.daybook import Amounts, day_totals, parent_day, parent_day_range
from bot.domain.presets import Preset
from bot.storage.models import NudgeState

HIGH_DAY_ML = 1000  # about what the hungriest fully fed babies drink in a day, per baby
HIGH_DAYS_RUNNING = 3
BUILDING_MIN_SESSIONS = 6  # the low end of "6-8 times in 24 hours"
DROP_SHARE = 0.6  # recent sessions at 60 % or less of the earlier ones is a drop
DROP_RECENT_MIN = 3
DROP_EARLIER_MIN = 6
DROP_EARLIER_DAYS = 3
NUDGE_INTERVAL = timedelta(days=7)
# Enough history for every condition: four local days plus a margin for the time zone.
LOOKBACK = timedelta(days=5)


class NudgeKind(StrEnum):
    OVERPRODUCTION = "overproduction"
    FEW_SESSIONS = "few_sessions"
    VOLUME_DROP = "volume_drop"


def high_day_ml(babies: int = 1) -> float:
    """The daily amount over which the oversupply nudge speaks: 1000 ml for each baby."""
    return HIGH_DAY_ML * babies


def high_totals_running(
    sessions: Iterable[Amounts],
    now: datetime,
    tz: ZoneInfo,
    day_start: time,
    babies: int = 1,
) -> bool:
    """Over 1000 ml a baby on each of three parent days running, ending today or yesterday."""
    items = list(sessions)
    today = parent_day(now, tz, day_start)

    def total(days_ago: int) -> float:
        start, end = parent_day_range(today - timedelta(days=days_ago), tz, day_start)
        return day_totals(s for s in items if start <= s.started_at < end).total_ml

    totals = [total(days_ago) for days_ago in range(HIGH_DAYS_RUNNING + 1)]
    return any(
        all(t > high_day_ml(babies) for t in totals[first : first + HIGH_DAYS_RUNNING])
        for first in (0, 1)
    )


def few_sessions_while_building(
    sessions: Iterable[Amounts], now: datetime, tz: ZoneInfo, *, on_building_plan: bool
) -> bool:
    """On the building-supply or premature plan, fewer than 6 sessions in the last 24 hours.

    Only once the log reaches back a full day, so a first log does not count as a short day.
    """
    if not on_building_plan:
        return False
    items = [s for s in sessions if s.started_at <= now]
    window_start = now - timedelta(hours=24)
    if not any(s.started_at <= window_start for s in items):
        return False
    return sum(1 for s in items if s.started_at > window_start) < BUILDING_MIN_SESSIONS


def sudden_drop(sessions: Iterable[Amounts], now: datetime, tz: ZoneInfo) -> bool:
    """The last 24 hours' sessions gave clearly less (median 60 % or below) than the three
    days before, with enough sessions on both sides to tell."""
    items = [s for s in sessions if s.started_at <= now]
    split = now - timedelta(hours=24)
    earliest = split - timedelta(days=DROP_EARLIER_DAYS)
    recent = [s.total_ml for s in items if s.started_at > split]
    earlier = [s.total_ml for s in items if earliest <= s.started_at <= split]
    if len(recent) < DROP_RECENT_MIN or len(earlier) < DROP_EARLIER_MIN:
        return False
    before = median(earlier)
    return before > 0 and median(recent) <= DROP_SHARE * before


def conditions(
    sessions: Sequence[Amounts],
    now: datetime,
    tz: ZoneInfo,
    day_start: time,
    *,
    on_building_plan: bool,
    babies: int = 1,
) -> list[NudgeKind]:
    """Every nudge whose condition holds, most important first."""
    checks = (
        (
            NudgeKind.OVERPRODUCTION,
            lambda: high_totals_running(sessions, now, tz, day_start, babies),
        ),
        (
            NudgeKind.FEW_SESSIONS,
            lambda: few_sessions_while_building(
                sessions, now, tz, on_building_plan=on_building_plan
            ),
        ),
        (NudgeKind.VOLUME_DROP, lambda: sudden_drop(sessions, now, tz)),
    )
    return [kind for kind, holds in checks if holds()]


# Which tips topic a nudge's "Read more" opens.
READ_MORE = {
    NudgeKind.OVERPRODUCTION: "overproduction",
    NudgeKind.VOLUME_DROP: "pumped_volume",
}


def read_more_topic(kind: NudgeKind, plan: str | None, *, exclusive: bool = False) -> str:
    """The tips topic that fits this nudge for a chat on reminder `plan` (a preset or None).

    The few-sessions nudge comes on the building-supply or premature plan, whose guidance
    (express often while a baby cannot nurse yet, or in the first weeks) is the premature
    topic's, not the one on raising a low supply: a parent there is not told her supply is low.
    A drop for a chat that pumps exclusively opens "When to get help": for her, a big drop
    despite regular pumping is a reason to contact a lactation consultant or health visitor
    (milk-supply-after-pumping-en.txt), not one to be reassured about.
    """
    if kind == NudgeKind.FEW_SESSIONS:
        return "premature" if plan == Preset.BUILDING else "how_to_pump"
    if kind == NudgeKind.VOLUME_DROP and exclusive:
        return "seek_help"
    return READ_MORE[kind]


def last_sent(state: NudgeState, kind: NudgeKind) -> datetime | None:
    return getattr(state, f"{kind.value}_sent_at")


def may_send(state: NudgeState | None, kind: NudgeKind, now: datetime) -> bool:
    """Nudges on (the default) and this kind not sent in the last seven days."""
    if state is None:
        return True
    if not state.enabled:
        return False
    sent = last_sent(state, kind)
    return sent is None or now - sent >= NUDGE_INTERVAL


def due_nudge(
    sessions: Sequence[Amounts],
    now: datetime,
    tz: ZoneInfo,
    day_start: time,
    state: NudgeState | None,
    *,
    on_building_plan: bool,
    babies: int = 1,
) -> NudgeKind | None:
    """The one nudge to send now, if any."""
    if state is not None and not state.enabled:
        return None
    for kind in conditions(
        sessions, now, tz, day_start, on_building_plan=on_building_plan, babies=babies
    ):
        if may_send(state, kind, now):
            return kind
    return None
