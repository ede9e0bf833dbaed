"""Bottle feeds from the stash: reading a typed feed, choosing the milk a feed takes, how many
days the stash covers at what the baby drinks, and which frozen portions to thaw for a day away.

Which milk a feed takes (`plan_feed`), from the storage facts (shared/sources/
milk-storage-facts-en.md, CDC):

- **Only milk ready to drink**: fresh milk in the fridge and thawed milk, each still within its
  time. Frozen milk is not ready to drink (it thaws overnight in the fridge or under lukewarm
  water first), so a feed never takes it. When the fridge holds too little, the feed takes what
  there is and says how much came from outside the stash, and how much frozen milk could be
  thawed for the next one.
- **Oldest use-by first** across fresh and thawed milk (the fact sheet: use the oldest milk
  first). Thawed milk keeps 24 hours, fresh milk 4 days, so thawed milk usually goes first.
- **A portion used in part keeps its remainder**, now as milk left over from a feed: CDC says
  milk left from a feeding is used within 2 hours after the baby finished. The remainder's
  use-by becomes 2 hours after the feed is logged (never later than it already was); the feed
  is logged when it ends, or soon after, which is the safe side.

Everything takes the time (`now`, aware UTC) as an argument. The days-left figure is a rule of
thumb: the stash's milk within its time divided by what the baby drank a day from the bottle.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.daybook import parent_day
from bot.domain.stash import (
    Amounts,
    Place,
    PortionState,
    is_past_use_by,
    typed_words,
)
from bot.domain.units import Unit
from bot.storage.models import StashPortion

# CDC: milk left over from a feed is used within 2 hours after the feed ends.
LEFTOVER_FOR = timedelta(hours=2)
FEED_MAX_ML = 500  # far more than one bottle; a typo (`fed 900`) is refused, not taken
# A remainder under 1 ml is not worth keeping as a portion (as the stash's own rule).
CRUMB_ML = 1.0
# Days of feeds that make the daily amount, and the fewest hours of feeds worth dividing.
FEED_DAYS = 7
MIN_FEED_SPAN = timedelta(hours=24)


# -- typed feeds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedRequest:
    """A feed as typed: how much the baby was given, in ml."""

    amount_ml: float


# Words are compared folded (`bot.domain.stash.typed_words`: lower case, æ/ø/å as ae/o/a).
FEED_WORDS = frozenset(
    {
        "fed",
        "feed",
        "feeding",
        "gave",
        "bottle",
        "bottled",
        "ga",
        "gitt",
        "flaske",
        "flaska",
        "flasken",
        "matet",
        "mata",
        "mat",
    }
)
# Small words around the amount: "gave her 90 ml", "ga en flaske på 90", "fed the baby 90".
FEED_FILLER = frozenset(
    {
        "a",
        "the",
        "her",
        "him",
        "baby",
        "of",
        "from",
        "stash",
        "en",
        "ei",
        "pa",
        "henne",
        "ham",
        "han",
        "babyen",
        "fra",
        "lageret",
    }
)


def _read_amount(words: Sequence[str], unit: Unit) -> tuple[float | None, bool] | None:
    """(amount in ml, whether a feed word was seen), or None when a word is neither an
    amount, a unit, a feed word nor a small filler word, or there is more than one amount."""
    amounts = Amounts()
    fed = False
    for word in words:
        if word in FEED_WORDS:
            fed = True
        elif not amounts.take(word) and word not in FEED_FILLER:
            return None
    if len(amounts.values) > 1:
        return None
    amount = amounts.ml(unit)
    return amount, fed


def parse_feed_text(text: str, unit: Unit) -> FeedRequest | None:
    """A free-text bottle feed (`fed 90`, `gave 90 ml`, `ga 90 ml`, `flaske 90`, `fed 3 oz`),
    or None: anything else is for the other readers. Strict like the stash reader: a feed word,
    one amount, and only small filler words."""
    words = typed_words(text)
    if not words or len(words) > 8:
        return None
    read = _read_amount(words, unit)
    if read is None or read[0] is None or not read[1]:
        return None
    return FeedRequest(read[0])


def parse_feed_args(text: str, unit: Unit) -> FeedRequest | None:
    """What follows /feed (/mat): `90`, `90 ml`, `3 oz`, `gave 90`. None when unreadable."""
    words = typed_words(text)
    if not words or len(words) > 8:
        return None
    read = _read_amount(words, unit)
    if read is None or read[0] is None:
        return None
    return FeedRequest(read[0])


def feed_amount_ok(amount_ml: float) -> bool:
    return math.isfinite(amount_ml) and 1 <= round(amount_ml) <= FEED_MAX_ML


# -- which milk a feed takes -----------------------------------------------------------------


@dataclass(frozen=True)
class Take:
    """Milk a feed takes from one portion; `amount_ml` below the portion's is a split."""

    portion: StashPortion
    amount_ml: float

    @property
    def whole(self) -> bool:
        return self.amount_ml >= self.portion.amount_ml


@dataclass(frozen=True)
class FeedPlan:
    amount_ml: float
    takes: tuple[Take, ...]
    # Frozen milk within its time, which a later feed could have once thawed.
    frozen_ml: float = 0.0

    @property
    def from_stash_ml(self) -> float:
        return sum(take.amount_ml for take in self.takes)

    @property
    def outside_ml(self) -> float:
        """What the baby had that did not come from the stash (0 when the stash had enough)."""
        return max(0.0, self.amount_ml - self.from_stash_ml)


def is_ready(portion: StashPortion, now: datetime) -> bool:
    """Milk a feed may take: stored in the fridge (fresh or thawed), within its time."""
    return (
        portion.state == PortionState.STORED
        and portion.place == Place.FRIDGE
        and not is_past_use_by(portion, now)
    )


def feed_order(portions: Iterable[StashPortion]) -> list[StashPortion]:
    """Soonest use-by first; the same use-by, the earliest pumped."""
    return sorted(portions, key=lambda p: (p.use_by, p.pumped_at, p.id or 0))


def plan_feed(
    portions: Iterable[StashPortion], amount_ml: float, now: datetime, frozen_ml: float = 0.0
) -> FeedPlan:
    """Which ready portions a feed of `amount_ml` takes, and how much of each (see the module
    docstring); portions that are not ready are passed over."""
    takes: list[Take] = []
    left = amount_ml
    for portion in feed_order(p for p in portions if is_ready(p, now)):
        if left < CRUMB_ML / 2:
            break
        part = min(portion.amount_ml, left)
        if portion.amount_ml - part < CRUMB_ML:
            part = portion.amount_ml
        takes.append(Take(portion, round(part, 1)))
        left -= part
    return FeedPlan(amount_ml, tuple(takes), frozen_ml)


def leftover_use_by(portion: StashPortion, fed_at: datetime) -> datetime:
    """The use-by of what is left of a portion a feed used in part."""
    return min(portion.use_by, fed_at + LEFTOVER_FOR)


# -- how long the stash lasts ----------------------------------------------------------------


@dataclass(frozen=True)
class DailyFeeds:
    """What the baby drank a day from the bottle over the last days, and over how many."""

    ml_a_day: float
    days: float


def daily_feeds(
    feeds: Iterable[tuple[datetime, float]], first_fed_at: datetime | None, now: datetime
) -> DailyFeeds | None:
    """The average a day of the feeds over the last `FEED_DAYS` days (or since the first feed
    ever logged, when that is more recent); None with less than a day of feeds to go on, or
    none at all."""
    if first_fed_at is None:
        return None
    start = max(now - timedelta(days=FEED_DAYS), first_fed_at)
    span = now - start
    if span < MIN_FEED_SPAN:
        return None
    total = sum(amount for fed_at, amount in feeds if start <= fed_at <= now)
    if total <= 0:
        return None
    days = span / timedelta(days=1)
    return DailyFeeds(total / days, days)


def fed_by_day(
    feeds: Iterable[tuple[datetime, float]], tz: ZoneInfo, day_start: time
) -> dict[date, float]:
    """The millilitres given from the bottle on each of the parent's days (for the report)."""
    days: dict[date, float] = {}
    for fed_at, amount in feeds:
        day = parent_day(fed_at, tz, day_start)
        days[day] = days.get(day, 0.0) + amount
    return days


def good_ml(portions: Iterable[StashPortion], now: datetime) -> float:
    """The stored milk still within its time, fridge and freezer."""
    return sum(
        p.amount_ml
        for p in portions
        if p.state == PortionState.STORED and not is_past_use_by(p, now)
    )


def days_left(total_ml: float, ml_a_day: float) -> int:
    """Whole days the milk covers at `ml_a_day` (rounded down: the last part-day is not a
    day); 0 when it is less than a day."""
    if ml_a_day <= 0:
        return 0
    return math.floor(total_ml / ml_a_day + 1e-9)


# -- thawing for a day away ------------------------------------------------------------------


@dataclass(frozen=True)
class ThawPlan:
    """For milk needed tomorrow: what is in the fridge still good then, which frozen portions
    to thaw tonight (oldest first), and what is still missing."""

    needed_ml: float
    in_fridge: tuple[StashPortion, ...]
    to_thaw: tuple[StashPortion, ...]

    @property
    def fridge_ml(self) -> float:
        return sum(p.amount_ml for p in self.in_fridge)

    @property
    def thaw_ml(self) -> float:
        return sum(p.amount_ml for p in self.to_thaw)

    @property
    def short_ml(self) -> float:
        return max(0.0, self.needed_ml - self.fridge_ml - self.thaw_ml)


def thaw_plan(
    portions: Iterable[StashPortion], needed_ml: float, good_until: datetime, now: datetime
) -> ThawPlan:
    """Milk for tomorrow's hours away: fridge milk still good at `good_until` (the end of the
    time away) first, soonest use-by first; then whole frozen portions, oldest pumped first
    (the fact sheet: thaw the oldest milk first). Thawed tonight, they keep 24 hours."""
    stored = [p for p in portions if p.state == PortionState.STORED]
    fridge = [p for p in feed_order(stored) if p.place == Place.FRIDGE and p.use_by > good_until]
    in_fridge: list[StashPortion] = []
    have = 0.0
    for portion in fridge:
        if have >= needed_ml:
            break
        in_fridge.append(portion)
        have += portion.amount_ml
    frozen = sorted(
        (p for p in stored if p.place == Place.FREEZER and not is_past_use_by(p, now)),
        key=lambda p: (p.pumped_at, p.id or 0),
    )
    to_thaw: list[StashPortion] = []
    for portion in frozen:
        if have >= needed_ml:
            break
        to_thaw.append(portion)
        have += portion.amount_ml
    return ThawPlan(needed_ml, tuple(in_fridge), tuple(to_thaw))
