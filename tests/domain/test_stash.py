"""The stash's rules as plain functions: use-by times over days and across both clock changes
in Oslo, the morning note's timing, the thaw rule, taking amounts, and reading typed messages."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.stash import (
    PORTION_MAX_ML,
    Action,
    Place,
    Problem,
    StashProblem,
    StashRequest,
    add_months,
    days_covered,
    freeze_problem,
    in_night,
    morning_before,
    note_due,
    noted_on,
    parse_stash_args,
    parse_stash_text,
    stash_view,
    take_amount,
    thaw_problem,
    use_by,
)
from bot.domain.units import Unit
from bot.storage.models import StashPortion

OSLO = ZoneInfo("Europe/Oslo")
SIX = time(6, 0)


def oslo(*args: int) -> datetime:
    """A local Oslo wall time, in UTC."""
    return datetime(*args, tzinfo=OSLO).astimezone(UTC)  # type: ignore[misc]


def portion(
    place: Place,
    pumped_at: datetime,
    amount: float = 100,
    *,
    thawed_at: datetime | None = None,
    state: str = "stored",
    id: int = 1,
) -> StashPortion:
    return StashPortion(
        id=id,
        chat_id=1,
        place=place,
        state=state,
        amount_ml=amount,
        pumped_at=pumped_at,
        thawed_at=thawed_at,
        use_by=use_by(place, pumped_at, thawed_at, OSLO),
    )


# -- use-by ----------------------------------------------------------------------------------


def test_fresh_fridge_milk_keeps_4_days_of_real_time_also_across_the_spring_change() -> None:
    pumped = oslo(2026, 3, 10, 9, 40)
    assert use_by(Place.FRIDGE, pumped, None, OSLO) == oslo(2026, 3, 14, 9, 40)
    # Pumped Saturday 28 March at 10:00 CET; the clocks go forward that night: 96 hours later
    # the wall clock shows 11:00 CEST.
    before_change = oslo(2026, 3, 28, 10, 0)
    due = use_by(Place.FRIDGE, before_change, None, OSLO)
    assert due - before_change == timedelta(hours=96)
    assert due == oslo(2026, 4, 1, 11, 0)


def test_fresh_fridge_milk_across_the_autumn_change_shows_an_hour_earlier() -> None:
    pumped = oslo(2026, 10, 23, 10, 0)  # Friday, CEST; the clocks go back on Sunday 25 Oct
    due = use_by(Place.FRIDGE, pumped, None, OSLO)
    assert due - pumped == timedelta(hours=96)
    assert due == oslo(2026, 10, 27, 9, 0)


def test_thawed_milk_keeps_24_hours_from_thawing_whenever_it_was_pumped() -> None:
    pumped = oslo(2026, 1, 5, 8, 0)
    thawed = oslo(2026, 10, 24, 12, 0)  # the day before the autumn change
    due = use_by(Place.FRIDGE, pumped, thawed, OSLO)
    assert due - thawed == timedelta(hours=24)
    assert due == oslo(2026, 10, 25, 11, 0)  # 12:00 CEST + 24 h is 11:00 CET


@pytest.mark.parametrize(
    ("pumped", "best_by"),
    [
        (oslo(2026, 3, 15, 10, 0), oslo(2026, 9, 15, 10, 0)),  # winter to summer time
        (oslo(2026, 8, 31, 7, 30), oslo(2027, 2, 28, 7, 30)),  # no 31 February
        (oslo(2027, 8, 31, 7, 30), oslo(2028, 2, 29, 7, 30)),  # a leap year
        (oslo(2026, 10, 1, 23, 59), oslo(2027, 4, 1, 23, 59)),
    ],
)
def test_frozen_milk_is_best_within_6_calendar_months(pumped: datetime, best_by: datetime) -> None:
    assert use_by(Place.FREEZER, pumped, None, OSLO) == best_by


def test_add_months_in_the_spring_gap_lands_after_it() -> None:
    # 02:30 on 29 March 2026 does not exist in Oslo: the same reading as the reminders'.
    assert add_months(oslo(2025, 9, 29, 2, 30), 6, OSLO) == oslo(2026, 3, 29, 3, 30)


# -- the thaw rule and other checks ----------------------------------------------------------


def test_thawed_milk_never_goes_back_to_the_freezer_and_thaws_once() -> None:
    now = oslo(2026, 3, 10, 12, 0)
    frozen = portion(Place.FREEZER, oslo(2026, 2, 1, 9, 0))
    assert thaw_problem(frozen) is None
    thawed = portion(Place.FRIDGE, frozen.pumped_at, thawed_at=now)
    assert thaw_problem(thawed) == StashProblem(Problem.ALREADY_THAWED)
    assert freeze_problem(thawed, now) == StashProblem(Problem.NO_REFREEZE)
    fresh = portion(Place.FRIDGE, now - timedelta(hours=5))
    assert thaw_problem(fresh) == StashProblem(Problem.NOT_FROZEN)
    assert freeze_problem(fresh, now) is None
    assert freeze_problem(fresh, now + timedelta(days=4)) == StashProblem(Problem.PAST_USE_BY)
    assert freeze_problem(frozen, now) == StashProblem(Problem.ALREADY_FROZEN)
    used = portion(Place.FREEZER, now, state="used")
    assert thaw_problem(used) == freeze_problem(used, now) == StashProblem(Problem.GONE)
    assert thaw_problem(None) == StashProblem(Problem.GONE)


def test_taking_an_amount_uses_good_milk_oldest_first_and_never_more_than_there_is() -> None:
    now = oslo(2026, 3, 14, 12, 0)
    expired = portion(Place.FRIDGE, oslo(2026, 3, 10, 8, 0), 40, id=1)  # past 4 days
    older = portion(Place.FRIDGE, oslo(2026, 3, 12, 8, 0), 90, id=2)
    newer = portion(Place.FRIDGE, oslo(2026, 3, 13, 8, 0), 60, id=3)
    shelf = stash_view([newer, expired, older]).fridge
    assert [p.id for p in shelf.portions] == [1, 2, 3]  # oldest first
    assert shelf.oldest_usable(now) is older
    taken = take_amount(shelf, 100, now)
    assert isinstance(taken, list)
    assert [(p.id, part) for p, part in taken] == [(2, 90), (3, 10)]
    assert take_amount(shelf, 200, now) == StashProblem(
        Problem.NOT_ENOUGH, available_ml=190, place=Place.FRIDGE
    )
    assert take_amount(shelf, 0, now) == StashProblem(Problem.AMOUNT_RANGE)
    assert take_amount(shelf, float("nan"), now) == StashProblem(Problem.AMOUNT_RANGE)


@given(st.lists(st.integers(1, 500), min_size=1, max_size=8), st.data())
def test_what_is_taken_adds_up_to_what_was_asked(amounts: list[int], data: st.DataObject) -> None:
    now = oslo(2026, 3, 10, 12, 0)
    items = [
        portion(Place.FRIDGE, now - timedelta(hours=i), amount, id=i + 1)
        for i, amount in enumerate(amounts)
    ]
    shelf = stash_view(items).fridge
    wanted = data.draw(st.integers(1, min(sum(amounts), PORTION_MAX_ML)))
    taken = take_amount(shelf, wanted, now)
    assert isinstance(taken, list)
    assert sum(part for _p, part in taken) == pytest.approx(wanted, abs=1)
    assert all(0 < part <= p.amount_ml for p, part in taken)


def test_days_covered_is_a_rule_of_thumb_at_750_to_800_ml() -> None:
    assert days_covered(500) is None
    assert days_covered(800) == (1, 1)
    assert days_covered(2400) == (3, 3)
    assert days_covered(3900) == (5, 5)
    assert days_covered(5000) == (6, 7)


# -- the morning note ------------------------------------------------------------------------


def test_the_note_morning_is_the_last_end_of_night_before_the_use_by_time() -> None:
    assert morning_before(oslo(2026, 3, 14, 9, 40), SIX, OSLO) == oslo(2026, 3, 14, 6, 0)
    assert morning_before(oslo(2026, 3, 14, 6, 0), SIX, OSLO) == oslo(2026, 3, 13, 6, 0)
    assert morning_before(oslo(2026, 3, 14, 2, 0), SIX, OSLO) == oslo(2026, 3, 13, 6, 0)
    # 06:00 local, an hour earlier in UTC once summer time has begun.
    assert morning_before(oslo(2026, 3, 29, 12, 0), SIX, OSLO) == datetime(
        2026, 3, 29, 4, 0, tzinfo=UTC
    )
    assert morning_before(oslo(2026, 3, 28, 12, 0), SIX, OSLO) == datetime(
        2026, 3, 28, 5, 0, tzinfo=UTC
    )
    assert morning_before(oslo(2026, 10, 25, 12, 0), SIX, OSLO) == datetime(
        2026, 10, 25, 5, 0, tzinfo=UTC
    )


def test_notes_over_several_days_across_the_spring_change() -> None:
    """Portions pumped on Thursday to Saturday before the clocks go forward: each is noted once,
    on the morning before it runs out, at 06:00 local summer and winter."""
    pumped = [oslo(2026, 3, 26, 20, 0), oslo(2026, 3, 27, 8, 0), oslo(2026, 3, 28, 15, 0)]
    items = [portion(Place.FRIDGE, p, 100 + i, id=i + 1) for i, p in enumerate(pumped)]
    # Use-by: Mon 30 Mar 21:00, Tue 31 Mar 09:00, Wed 1 Apr 16:00 (96 real hours, summer time).
    assert [p.use_by for p in items] == [
        oslo(2026, 3, 30, 21, 0),
        oslo(2026, 3, 31, 9, 0),
        oslo(2026, 4, 1, 16, 0),
    ]
    now, sent_for, notes = oslo(2026, 3, 27, 9, 0), None, []
    while (due := note_due(items, sent_for, now, SIX, OSLO)) is not None:
        now = max(now, due)
        notes.append((due, [p.id for p in noted_on(items, due, now, SIX, OSLO)]))
        sent_for = due
    assert notes == [
        (datetime(2026, 3, 30, 4, 0, tzinfo=UTC), [1]),  # Mon 06:00 CEST
        (datetime(2026, 3, 31, 4, 0, tzinfo=UTC), [2]),
        (datetime(2026, 4, 1, 4, 0, tzinfo=UTC), [3]),
    ]


def test_notes_across_the_autumn_change_come_at_six_local() -> None:
    thawed = oslo(2026, 10, 24, 18, 0)  # Saturday evening, summer time
    item = portion(Place.FRIDGE, oslo(2026, 5, 1, 9, 0), thawed_at=thawed)
    assert item.use_by == oslo(2026, 10, 25, 17, 0)  # 24 real hours: 17:00 winter time
    due = note_due([item], None, thawed, SIX, OSLO)
    assert due == datetime(2026, 10, 25, 5, 0, tzinfo=UTC)  # Sunday 06:00 CET


def test_nothing_is_noted_twice_nor_once_it_has_run_out() -> None:
    item = portion(Place.FRIDGE, oslo(2026, 3, 10, 9, 40))
    morning = oslo(2026, 3, 14, 6, 0)
    assert note_due([item], None, oslo(2026, 3, 10, 10, 0), SIX, OSLO) == morning
    assert note_due([item], morning, oslo(2026, 3, 14, 6, 0), SIX, OSLO) is None
    assert note_due([item], None, oslo(2026, 3, 14, 9, 40), SIX, OSLO) is None
    used = portion(Place.FRIDGE, oslo(2026, 3, 10, 9, 40), state="used")
    assert note_due([used], None, oslo(2026, 3, 10, 10, 0), SIX, OSLO) is None


def test_night_is_the_chats_window_across_midnight() -> None:
    assert in_night(oslo(2026, 3, 10, 23, 30), time(23), SIX, OSLO)
    assert in_night(oslo(2026, 3, 10, 5, 59), time(23), SIX, OSLO)
    assert not in_night(oslo(2026, 3, 10, 6, 0), time(23), SIX, OSLO)
    assert in_night(oslo(2026, 3, 10, 1, 0), time(0, 30), time(7), OSLO)


# -- typed messages and buttons --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place", "amount"),
    [
        ("froze 120", Place.FREEZER, 120),
        ("Frozen 120 ml", Place.FREEZER, 120),
        ("freezer 90ml", Place.FREEZER, 90),
        ("🧊 60", Place.FREEZER, 60),
        ("fridge 90", Place.FRIDGE, 90),
        ("put 60 ml in the fridge", Place.FRIDGE, 60),
        ("fryste 120", Place.FREEZER, 120),
        ("frys 85,5", Place.FREEZER, 85.5),
        ("kjøleskap 90", Place.FRIDGE, 90),
        ("la 90 ml i kjøleskapet", Place.FRIDGE, 90),
        ("Kjoleskap 90.", Place.FRIDGE, 90),
        ("fryser 120", Place.FREEZER, 120),
        ("frosset 120", Place.FREEZER, 120),
        ("kjøl 90", Place.FRIDGE, 90),
        ("kjøleskapet 90", Place.FRIDGE, 90),
    ],
)
def test_stash_texts_in_both_languages(text: str, place: Place, amount: float) -> None:
    assert parse_stash_text(text, Unit.ML) == StashRequest(Action.ADD, place, amount)


def test_ounces_are_stored_in_millilitres() -> None:
    request = parse_stash_text("froze 4 oz", Unit.ML)
    assert request is not None and request.amount_ml == pytest.approx(118.294)
    request = parse_stash_text("fridge 4", Unit.OZ)
    assert request is not None and request.amount_ml == pytest.approx(118.294)


@pytest.mark.parametrize(
    "text",
    [
        "120 ml",
        "L 60 R 70 20min",
        "froze",
        "fridge 90 and freezer 120",
        "froze 120 and 90",
        "120 ml #fridge",
        "how long does milk keep in the fridge?",
        "the fridge is broken 90",
        "",
    ],
)
def test_other_texts_are_left_for_logging_and_tips(text: str) -> None:
    assert parse_stash_text(text, Unit.ML) is None


def test_stash_command_arguments() -> None:
    assert parse_stash_args("add 120 freezer", Unit.ML) == StashRequest(
        Action.ADD, Place.FREEZER, 120
    )
    assert parse_stash_args("legg til 90 kjøleskap", Unit.ML) == StashRequest(
        Action.ADD, Place.FRIDGE, 90
    )
    assert parse_stash_args("use", Unit.ML) == StashRequest(Action.USE, None, None)
    assert parse_stash_args("bruk 60 fryser", Unit.ML) == StashRequest(
        Action.USE, Place.FREEZER, 60
    )
    assert parse_stash_args("add 120", Unit.ML) is None  # where?
    assert parse_stash_args("eat it all", Unit.ML) is None
