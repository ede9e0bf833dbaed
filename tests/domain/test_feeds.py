"""Reading a typed feed, choosing the milk a feed takes, the days the stash covers at real
feeds, and what to thaw for a day away: plain functions with a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.feeds import (
    FeedRequest,
    daily_feeds,
    days_left,
    leftover_use_by,
    parse_feed_args,
    parse_feed_text,
    plan_feed,
    thaw_plan,
)
from bot.domain.units import Unit
from bot.storage.models import StashPortion

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def portion(
    n: int,
    amount: float,
    *,
    place: str = "fridge",
    hours_ago: float = 10,
    use_by_in: float = 48,
    thawed: bool = False,
    state: str = "stored",
) -> StashPortion:
    pumped = NOW - timedelta(hours=hours_ago)
    return StashPortion(
        id=n,
        chat_id=1,
        place=place,
        state=state,
        amount_ml=amount,
        pumped_at=pumped,
        thawed_at=NOW - timedelta(hours=1) if thawed else None,
        use_by=NOW + timedelta(hours=use_by_in),
    )


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("fed 90", 90.0),
        ("gave 90 ml", 90.0),
        ("Ga 90 ml", 90.0),
        ("flaske 90", 90.0),
        ("fed 3 oz", 3 * 29.5735),
        ("gave her 90ml", 90.0),
        ("ga en flaske på 120", 120.0),
        ("matet 60", 60.0),
    ],
)
def test_typed_feeds_are_read(text: str, amount: float) -> None:
    assert parse_feed_text(text, Unit.ML) == FeedRequest(pytest.approx(amount))


@pytest.mark.parametrize(
    "text", ["90", "120 ml", "froze 120", "fed", "fed 90 and 60", "fed the cat 90", "L 60 R 70"]
)
def test_other_messages_are_not_feeds(text: str) -> None:
    assert parse_feed_text(text, Unit.ML) is None


def test_feed_args_read_a_bare_amount_in_the_chats_unit() -> None:
    assert parse_feed_args("90", Unit.ML) == FeedRequest(90.0)
    assert parse_feed_args("3", Unit.OZ) == FeedRequest(pytest.approx(3 * 29.5735))
    assert parse_feed_args("lots", Unit.ML) is None


def test_a_feed_takes_ready_milk_soonest_use_by_first_and_never_frozen_or_old() -> None:
    fresh_old = portion(1, 60, hours_ago=40, use_by_in=56)
    thawed = portion(2, 120, hours_ago=24 * 30, use_by_in=20, thawed=True)
    fresh_new = portion(3, 80, hours_ago=2, use_by_in=94)
    frozen = portion(4, 200, place="freezer", hours_ago=24 * 60, use_by_in=24 * 100)
    expired = portion(5, 50, hours_ago=97, use_by_in=-1)
    plan = plan_feed([fresh_new, frozen, expired, fresh_old, thawed], 200, NOW, frozen_ml=200)
    assert [(t.portion.id, t.amount_ml, t.whole) for t in plan.takes] == [
        (2, 120, True),
        (1, 60, True),
        (3, 20, False),
    ]
    assert plan.from_stash_ml == 200 and plan.outside_ml == 0


def test_not_enough_ready_milk_says_how_much_came_from_outside() -> None:
    plan = plan_feed([portion(1, 60)], 100, NOW, frozen_ml=150)
    assert plan.from_stash_ml == 60 and plan.outside_ml == 40 and plan.frozen_ml == 150


def test_a_crumb_under_1_ml_is_not_kept_as_a_portion() -> None:
    plan = plan_feed([portion(1, 90.5)], 90, NOW)
    assert [(t.amount_ml, t.whole) for t in plan.takes] == [(90.5, True)]


def test_what_a_feed_leaves_of_a_portion_keeps_two_hours_never_longer_than_before() -> None:
    assert leftover_use_by(portion(1, 100, use_by_in=48), NOW) == NOW + timedelta(hours=2)
    assert leftover_use_by(portion(1, 100, use_by_in=1), NOW) == NOW + timedelta(hours=1)


def test_the_daily_amount_is_the_last_seven_days_feeds() -> None:
    feeds = [(NOW - timedelta(days=d, hours=h), 100.0) for d in range(10) for h in (1, 7, 13)]
    daily = daily_feeds(feeds, NOW - timedelta(days=10), NOW)
    assert daily is not None and daily.days == 7
    assert daily.ml_a_day == pytest.approx(300.0)
    assert days_left(1000, daily.ml_a_day) == 3


def test_a_family_that_began_logging_two_days_ago_divides_by_two_days() -> None:
    first = NOW - timedelta(days=2)
    feeds = [(first + timedelta(hours=h), 150.0) for h in range(0, 48, 6)]
    daily = daily_feeds(feeds, first, NOW)
    assert daily is not None and daily.ml_a_day == pytest.approx(600.0)


def test_less_than_a_day_of_feeds_gives_no_daily_amount() -> None:
    assert daily_feeds([(NOW - timedelta(hours=3), 90.0)], NOW - timedelta(hours=3), NOW) is None
    assert daily_feeds([], None, NOW) is None


def test_thaw_tonight_what_the_fridge_will_not_cover_tomorrow_oldest_frozen_first() -> None:
    tomorrow_evening = NOW + timedelta(hours=30)
    fridge_good = portion(1, 60, use_by_in=72)
    fridge_gone_by_then = portion(2, 100, use_by_in=10)
    frozen_new = portion(3, 120, place="freezer", hours_ago=24 * 5, use_by_in=24 * 150)
    frozen_old = portion(4, 90, place="freezer", hours_ago=24 * 40, use_by_in=24 * 140)
    frozen_older = portion(5, 90, place="freezer", hours_ago=24 * 50, use_by_in=24 * 130)
    plan = thaw_plan(
        [fridge_good, fridge_gone_by_then, frozen_new, frozen_old, frozen_older],
        240,
        tomorrow_evening,
        NOW,
    )
    assert [p.id for p in plan.in_fridge] == [1]
    assert [p.id for p in plan.to_thaw] == [5, 4]
    assert plan.short_ml == 0
    short = thaw_plan([fridge_good], 240, tomorrow_evening, NOW)
    assert short.to_thaw == () and short.short_ml == 180


PORTIONS = st.lists(
    st.tuples(
        st.integers(1, 300),  # ml
        st.sampled_from(["fridge", "freezer"]),
        st.integers(-48, 200),  # hours to its use-by (negative: past it)
        st.booleans(),  # thawed
    ),
    max_size=12,
)


@given(PORTIONS, st.integers(1, 500))
@settings(max_examples=300, deadline=None)
def test_a_feed_never_takes_frozen_or_old_milk_nor_more_than_a_portion_holds(
    stash: list[tuple[int, str, int, bool]], amount: int
) -> None:
    portions = [
        portion(n + 1, ml, place=place, use_by_in=hours, thawed=thawed and place == "fridge")
        for n, (ml, place, hours, thawed) in enumerate(stash)
    ]
    plan = plan_feed(portions, amount, NOW)
    ready = [p for p in portions if p.place == "fridge" and p.use_by > NOW]
    taken = [take.portion for take in plan.takes]
    assert all(p in ready for p in taken), "only fridge milk within its time"
    assert len({p.id for p in taken}) == len(taken), "each portion once"
    assert all(0 < take.amount_ml <= take.portion.amount_ml for take in plan.takes)
    assert [p.use_by for p in taken] == sorted(p.use_by for p in taken), "soonest use-by first"
    ready_ml = sum(p.amount_ml for p in ready)
    assert plan.from_stash_ml == pytest.approx(min(amount, ready_ml), abs=1)
    assert plan.outside_ml == pytest.approx(max(0, amount - ready_ml), abs=1)
    # Only the last portion taken may be split, and only when the feed ends inside it.
    assert all(take.whole for take in plan.takes[:-1])
