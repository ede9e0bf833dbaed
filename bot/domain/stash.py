"""The milk stash: use-by times, what /stash shows, which portions a change touches, the
morning note's timing, and reading typed stash messages.

Times are CDC's for a healthy baby born at term (shared/sources/milk-storage-facts-en.md):

- fresh milk in the fridge: up to 4 days, counted from when it was pumped;
- frozen milk: best within 6 months (12 is still acceptable), counted from when it was pumped
  (the source counts from the first freezing; pumping comes first, so this errs on the safe side);
- thawed milk, kept in the fridge: up to 24 hours from thawing, and it is never frozen again.

Fridge and thawed times are real elapsed hours (96 and 24, also across a clock change: bacteria
do not read the clock); the freezer's six months are calendar months in the chat's zone.

Every function takes the time (`now`, aware UTC) and the chat's `ZoneInfo` as arguments.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.daybook import calendar_day, wall_time
from bot.domain.parsing import SESSION_MAX_ML
from bot.domain.stats import band_range_ml
from bot.domain.units import Unit, unit_to_ml
from bot.domain.vocabulary import OUNCE_WORDS, VOLUME_WORDS, plain_letters
from bot.storage.models import StashPortion

FRIDGE_FOR = timedelta(days=4)
THAWED_FOR = timedelta(hours=24)
FREEZER_BEST_MONTHS = 6
FREEZER_ACCEPTABLE_MONTHS = 12
PORTION_MAX_ML = SESSION_MAX_ML
# The morning note goes out at the end of the night; a chat without its own night window uses
# the reminders' default one.
DEFAULT_NIGHT_START = time(23, 0)
DEFAULT_NIGHT_END = time(6, 0)


class Place(StrEnum):
    FRIDGE = "fridge"
    FREEZER = "freezer"


class PortionState(StrEnum):
    STORED = "stored"
    USED = "used"
    DISCARDED = "discarded"


class Problem(StrEnum):
    """Why a stash change cannot be made; nothing is changed."""

    AMOUNT_RANGE = "amount_range"  # not between 1 ml and PORTION_MAX_ML
    NOT_ENOUGH = "not_enough"  # using more than there is in that place
    NOTHING_TO_USE = "nothing_to_use"
    GONE = "gone"  # used, thrown out, or not this chat's (forged button data)
    SESSION_GONE = "session_gone"
    ALREADY_STORED = "already_stored"  # that session's milk is in the stash already
    ALREADY_THAWED = "already_thawed"
    NOT_FROZEN = "not_frozen"  # fresh fridge milk: nothing to thaw
    NO_REFREEZE = "no_refreeze"  # thawed milk never goes back to the freezer
    ALREADY_FROZEN = "already_frozen"
    PAST_USE_BY = "past_use_by"  # fridge milk past its time is not frozen or stored


@dataclass(frozen=True)
class StashProblem:
    kind: Problem
    # For NOT_ENOUGH: how much there is; for ALREADY_STORED: where the milk is.
    available_ml: float | None = None
    place: Place | None = None


# -- use-by ----------------------------------------------------------------------------------


def add_months(moment: datetime, months: int, tz: ZoneInfo) -> datetime:
    """The same local wall time `months` calendar months later (31 Aug + 6 = 28/29 Feb), UTC."""
    local = moment.astimezone(tz)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    later = datetime.combine(local.date().replace(year=year, month=month, day=day), local.time())
    return later.replace(tzinfo=tz).astimezone(UTC)


def use_by(place: Place, pumped_at: datetime, thawed_at: datetime | None, tz: ZoneInfo) -> datetime:
    """When a portion should be used by (UTC), from the CDC times in the module docstring."""
    if thawed_at is not None:
        return thawed_at + THAWED_FOR
    if place is Place.FREEZER:
        return add_months(pumped_at, FREEZER_BEST_MONTHS, tz)
    return pumped_at + FRIDGE_FOR


def is_past_use_by(portion: StashPortion, now: datetime) -> bool:
    return now >= portion.use_by


# -- what /stash shows -----------------------------------------------------------------------


@dataclass(frozen=True)
class Shelf:
    """The stored portions of one place, oldest first, and their total."""

    place: Place
    portions: tuple[StashPortion, ...]

    @property
    def total_ml(self) -> float:
        return sum(p.amount_ml for p in self.portions)

    def oldest_usable(self, now: datetime) -> StashPortion | None:
        return next((p for p in self.portions if not is_past_use_by(p, now)), None)


@dataclass(frozen=True)
class StashView:
    fridge: Shelf
    freezer: Shelf

    @property
    def shelves(self) -> tuple[Shelf, Shelf]:
        return (self.fridge, self.freezer)

    @property
    def total_ml(self) -> float:
        return self.fridge.total_ml + self.freezer.total_ml

    @property
    def empty(self) -> bool:
        return not self.fridge.portions and not self.freezer.portions


def oldest_first(portions: Iterable[StashPortion]) -> list[StashPortion]:
    return sorted(portions, key=lambda p: (p.pumped_at, p.id or 0))


def stash_view(portions: Iterable[StashPortion]) -> StashView:
    """Stored portions grouped by place, each place oldest (pumped earliest) first."""
    stored = oldest_first(p for p in portions if p.state == PortionState.STORED)
    return StashView(
        fridge=Shelf(Place.FRIDGE, tuple(p for p in stored if p.place == Place.FRIDGE)),
        freezer=Shelf(Place.FREEZER, tuple(p for p in stored if p.place == Place.FREEZER)),
    )


def days_covered(total_ml: float, babies: int = 1) -> tuple[int, int] | None:
    """About how many days of milk, as a rule of thumb, for `babies` babies fed only breast
    milk, each taking 750-800 ml a day: (fewest, most) whole days; None when it is less than a
    day."""
    low, high = band_range_ml(babies)
    most_days = total_ml / low
    if most_days < 1:
        return None
    fewest = max(1, round(total_ml / high))
    return fewest, max(fewest, round(most_days))


# -- changes ---------------------------------------------------------------------------------


def amount_problem(amount_ml: float | None) -> StashProblem | None:
    if amount_ml is None or not math.isfinite(amount_ml):
        return StashProblem(Problem.AMOUNT_RANGE)
    if not 1 <= round(amount_ml) <= PORTION_MAX_ML:
        return StashProblem(Problem.AMOUNT_RANGE)
    return None


def thaw_problem(portion: StashPortion | None) -> StashProblem | None:
    """Only a stored frozen portion can be thawed."""
    if portion is None or portion.state != PortionState.STORED:
        return StashProblem(Problem.GONE)
    if portion.thawed_at is not None:
        return StashProblem(Problem.ALREADY_THAWED)
    if portion.place != Place.FREEZER:
        return StashProblem(Problem.NOT_FROZEN)
    return None


def freeze_problem(portion: StashPortion | None, now: datetime) -> StashProblem | None:
    """Fresh fridge milk may go to the freezer; thawed milk never does."""
    if portion is None or portion.state != PortionState.STORED:
        return StashProblem(Problem.GONE)
    if portion.thawed_at is not None:
        return StashProblem(Problem.NO_REFREEZE)
    if portion.place == Place.FREEZER:
        return StashProblem(Problem.ALREADY_FROZEN)
    if is_past_use_by(portion, now):
        return StashProblem(Problem.PAST_USE_BY)
    return None


def gone_with_session(portions: Iterable[StashPortion]) -> list[StashPortion]:
    """What leaves the stash when the session it came from is undone or deleted: the portions
    still stored (fresh, frozen or thawed), since a log removed as a mistake never gave that
    milk. Milk already used or thrown out stays, as the stash's history."""
    return [p for p in portions if p.state == PortionState.STORED]


def take_amount(
    shelf: Shelf, amount_ml: float, now: datetime
) -> list[tuple[StashPortion, float]] | StashProblem:
    """Which portions `amount_ml` is taken from, and how much from each: portions still within
    their time first, oldest first, the last one perhaps only in part. More than the place holds
    is a problem."""
    if (problem := amount_problem(amount_ml)) is not None:
        return problem
    available = shelf.total_ml
    if amount_ml > available + 0.5:
        return StashProblem(Problem.NOT_ENOUGH, available_ml=available, place=shelf.place)
    order = sorted(shelf.portions, key=lambda p: is_past_use_by(p, now))  # stable: oldest first
    taken: list[tuple[StashPortion, float]] = []
    left = amount_ml
    for portion in order:
        if left <= 0.5:
            break
        part = min(portion.amount_ml, left)
        # A remainder under 1 ml is not worth keeping as a portion.
        if portion.amount_ml - part < 1:
            part = portion.amount_ml
        taken.append((portion, part))
        left -= part
    return taken


# -- the morning note ------------------------------------------------------------------------


def morning_before(moment: datetime, night_end: time, tz: ZoneInfo) -> datetime:
    """The last end of the night (local `night_end`) strictly before `moment`, in UTC: the
    morning whose note is the last chance to hear that the portion runs out."""
    for days_back in range(3):
        candidate = wall_time(calendar_day(moment - timedelta(days=days_back), tz), night_end, tz)
        if candidate < moment:
            return candidate
    raise AssertionError("a night ends every day")


def note_due(
    portions: Iterable[StashPortion],
    sent_for: datetime | None,
    now: datetime,
    night_end: time,
    tz: ZoneInfo,
) -> datetime | None:
    """The morning of the next expiry note (UTC; in the past if one was missed), or None.

    Each stored portion is noted on the last morning before its use-by time, so the note lists
    what runs out before the next one; a morning already noted (`sent_for`) is not noted again.
    """
    use_bys = (p.use_by for p in portions if p.state == PortionState.STORED)
    return next_note_morning(use_bys, sent_for, now, night_end, tz)


def next_note_morning(
    use_bys: Iterable[datetime],
    sent_for: datetime | None,
    now: datetime,
    night_end: time,
    tz: ZoneInfo,
) -> datetime | None:
    """`note_due` from the stored portions' use-by times alone (what a large stash needs read)."""
    mornings = [morning_before(u, night_end, tz) for u in use_bys if u > now]
    return min((m for m in mornings if sent_for is None or m > sent_for), default=None)


def noted_on(
    portions: Iterable[StashPortion],
    morning: datetime,
    now: datetime,
    night_end: time,
    tz: ZoneInfo,
) -> list[StashPortion]:
    """The portions the note of `morning` lists: still good now, running out before the next
    morning's note. Soonest first."""
    found = [
        p
        for p in portions
        if p.state == PortionState.STORED
        and p.use_by > now
        and morning_before(p.use_by, night_end, tz) == morning
    ]
    return sorted(found, key=lambda p: (p.use_by, p.id or 0))


def in_night(moment: datetime, night_start: time, night_end: time, tz: ZoneInfo) -> bool:
    local = moment.astimezone(tz).time().replace(tzinfo=None)
    if night_start <= night_end:
        return night_start <= local < night_end
    return local >= night_start or local < night_end


# -- typed messages --------------------------------------------------------------------------


class Action(StrEnum):
    ADD = "add"
    USE = "use"


@dataclass(frozen=True)
class StashRequest:
    """A typed stash message as understood. For USE, `amount_ml` None means the oldest portion."""

    action: Action
    place: Place | None
    amount_ml: float | None = None


# Words are compared after `plain_letters` (lower case, æ/ø/å as ae/o/a, no accents).
PLACE_WORDS = {
    **dict.fromkeys(
        (
            "freezer",
            "froze",
            "frozen",
            "freeze",
            "freezing",
            "🧊",
            "fryser",
            "fryseren",
            "fryste",
            "frys",
            "fryse",
            "frosset",
            "frossen",
            "frosne",
        ),
        Place.FREEZER,
    ),
    **dict.fromkeys(
        (
            "fridge",
            "fridged",
            "refrigerator",
            "kjoleskap",
            "kjoleskapet",
            "kjol",
            "kjolen",
            "kjolte",
        ),
        Place.FRIDGE,
    ),
}
# Small words around the place and amount: "put 120 ml in the freezer", "la 90 i kjøleskapet".
FILLER = {
    "in",
    "into",
    "the",
    "to",
    "put",
    "stored",
    "store",
    "i",
    "inn",
    "til",
    "la",
    "lagt",
    "satte",
    "satt",
    "puttet",
    "putta",
}
ADD_WORDS = {"add", "new", "legg", "ny", "nytt"}
USE_WORDS = {"use", "used", "bruk", "brukte", "brukt"}
# The shared vocabulary's words for millilitres and ounces.
ML_WORDS = {word for word, ml in VOLUME_WORDS.items() if ml == 1}
OZ_WORDS = OUNCE_WORDS
AMOUNT = re.compile(r"^(\d{1,5}(?:[.,]\d{1,2})?)(ml|oz)?$")


def typed_words(text: str) -> list[str]:
    """The words of a typed message as the stash and feed readers compare them: folded
    (`plain_letters`), with trailing punctuation trimmed."""
    return [w.strip(".,!:;") or w for w in plain_letters(text).split()]


class Amounts:
    """The amounts and unit words of a typed message, read word by word: the part the stash and
    feed readers share (`120`, `4oz`, `90 ml`), so both read amounts by one rule."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.unit: Unit | None = None

    def take(self, word: str) -> bool:
        """Whether `word` is an amount or a unit word (and note it)."""
        if (match := AMOUNT.match(word)) is not None:
            self.values.append(float(match.group(1).replace(",", ".")))
            if match.group(2):
                self.unit = Unit.OZ if match.group(2) == "oz" else Unit.ML
        elif word in ML_WORDS:
            self.unit = Unit.ML
        elif word in OZ_WORDS:
            self.unit = Unit.OZ
        else:
            return False
        return True

    def ml(self, unit: Unit) -> float | None:
        """The one amount in millilitres (in the chat's `unit` unless one was typed)."""
        return unit_to_ml(self.values[0], self.unit or unit) if self.values else None


def _read(
    words: Sequence[str], unit: Unit, *, need_place: bool
) -> tuple[Place | None, float | None] | None:
    """(place, amount in ml) from the words, or None if any word is not a stash word."""
    places: set[Place] = set()
    amounts = Amounts()
    for word in words:
        if word in PLACE_WORDS:
            places.add(PLACE_WORDS[word])
        elif not amounts.take(word) and word not in FILLER:
            return None
    if len(places) > 1 or len(amounts.values) > 1 or (need_place and not places):
        return None
    amount = amounts.ml(unit)
    return (next(iter(places), None), amount)


def parse_stash_text(text: str, unit: Unit) -> StashRequest | None:
    """A free-text message that puts milk in the stash (`froze 120`, `fridge 90`, `fryste 4 oz`,
    `kjøleskap 90`, `put 120 ml in the freezer`), or None: anything else is left for logging.

    Strict like the log parser: one place word, one amount, and only small filler words.
    """
    words = typed_words(text)
    if not words or len(words) > 8:
        return None
    read = _read(words, unit, need_place=True)
    if read is None or read[1] is None:
        return None
    return StashRequest(Action.ADD, read[0], read[1])


def parse_stash_args(text: str, unit: Unit) -> StashRequest | None:
    """What follows /stash (/lager): `add 120 freezer`, `legg til 90 kjøleskap`, `120 freezer`,
    `use`, `use 90`, `bruk 60 fryser`. None when it cannot be read."""
    words = typed_words(text)
    if not words:
        return None
    if words[0] in USE_WORDS:
        read = _read(words[1:], unit, need_place=False)
        return None if read is None else StashRequest(Action.USE, read[0], read[1])
    if words[0] in ADD_WORDS:
        words = words[1:]
    read = _read(words, unit, need_place=True)
    if read is None or read[1] is None:
        return None
    return StashRequest(Action.ADD, read[0], read[1])
