"""The clock the bot decides by: every "now" a feature uses comes from here, and tests swap in
a FakeClock. Two other readers of the system time decide nothing: the rows' bookkeeping stamps
(`utcnow` in `bot/storage/models.py`, also used by `bot/storage/repo.py`), and
`bot/ratelimit.py` turning the shared pacing grid's time into the event loop's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now
