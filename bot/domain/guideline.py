"""When the stats may compare pumped milk with the 750–800 ml a day guideline band.

The band (what a baby fed only breast milk usually takes a day from about one to six months)
says something about pumped milk only when pumped milk is all the breast milk the baby gets.
So the comparison needs two things, decided here and nowhere else:

- **The chat said yes to /exclusive.** Nothing is inferred: not from the building-supply plan
  (for the first weeks and premature babies, whose need only grows towards the band by about
  four weeks, a comparison would be the most alarming and the least true), and an explicit
  "not exclusively" always wins.
- **Enough of a log to compare.** At least `MIN_FULL_DAYS` finished local days in the period
  with at least `MIN_SESSIONS_A_DAY` logged sessions each, and only those days go into the
  average that is compared. Why 5: the sources advise pumping at least 6–8 times in 24 hours
  while building supply, and the bot's established plan reminds about 6 times a day; a day
  with fewer than 5 logged sessions is far more likely a day where not every session got
  logged than a whole day's milk, and comparing it would tell a parent she pumps too little
  when she only logged too little. A parent who truly pumps 4 times a day gets no comparison:
  we prefer saying nothing to a false alarm. Three days, so that one odd day is not the verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.stats import DaySummary

MIN_FULL_DAYS = 3
MIN_SESSIONS_A_DAY = 5


class BandView(StrEnum):
    HIDDEN = "hidden"  # not pumping exclusively (or never said): no band, no note
    WAITING = "waiting"  # exclusive, but the log is too thin to compare yet
    COMPARE = "compare"  # exclusive, with enough complete days


@dataclass(frozen=True)
class BandDecision:
    view: BandView
    complete_days: int  # finished days with at least MIN_SESSIONS_A_DAY logged sessions
    daily_average_ml: float | None = None  # over those days; set only to COMPARE
    babies: int = 1  # how many babies the milk is for: the band is one per baby


def is_complete_day(day: DaySummary, today: date) -> bool:
    """A finished local day with a realistic number of logged sessions."""
    return day.day < today and day.count >= MIN_SESSIONS_A_DAY


def band_decision(
    exclusive: bool, days: Sequence[DaySummary], today: date, babies: int = 1
) -> BandDecision:
    """Whether the period's stats show the band (for `babies` babies), wait for more days, or
    compare."""
    complete = [day for day in days if is_complete_day(day, today)]
    if not exclusive:
        return BandDecision(BandView.HIDDEN, len(complete), babies=babies)
    if len(complete) < MIN_FULL_DAYS:
        return BandDecision(BandView.WAITING, len(complete), babies=babies)
    average = sum(day.total_ml for day in complete) / len(complete)
    return BandDecision(BandView.COMPARE, len(complete), average, babies)
