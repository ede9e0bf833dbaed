"""Durations: one rounding everywhere, to the nearest minute with a half minute up."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from bot.text.formatting import format_duration, minutes_in
from bot.text.i18n import translator


def test_durations_round_to_the_nearest_minute_a_half_minute_up() -> None:
    tr = translator("en")
    assert format_duration(timedelta(minutes=56, seconds=29), tr) == "56 min"
    assert format_duration(timedelta(minutes=56, seconds=30), tr) == "57 min"
    assert format_duration(timedelta(minutes=56, seconds=40), tr) == "57 min"
    assert format_duration(timedelta(hours=4, minutes=9, seconds=31), tr) == "4 h 10 min"
    assert format_duration(timedelta(minutes=59, seconds=45), tr) == "1 h"


@given(st.integers(min_value=0, max_value=10**7))
@example(30)
@example(3390)
def test_a_span_is_never_more_than_half_a_minute_from_what_is_shown(seconds: int) -> None:
    shown = minutes_in(timedelta(seconds=seconds))
    assert -30 <= seconds - shown * 60 < 30  # a half minute goes up
