"""Numbers, volumes, times and durations shown with Babel's rules for the chat's locale."""

from __future__ import annotations

import functools
import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.numbers import format_decimal

from bot.domain.chats import ChatSettings
from bot.domain.units import Unit, ml_to_unit
from bot.text.i18n import Translator


def format_number(value: float, locale: Locale, decimals: int = 0) -> str:
    return _formatted(round(value, decimals), locale, decimals)


# Babel reads its pattern and the locale's symbols on every call (8 us a number here); a
# confirmation shows four or five, and parents' amounts repeat (60, 120, ...).
@functools.lru_cache(maxsize=4096)
def _formatted(value: float, locale: Locale, decimals: int) -> str:
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale)


def format_plain_number(value: float, locale: Locale) -> str:
    """`1000`, `1.5` (`1,5` in Norwegian): no thousands separator, up to three decimals, for
    asking which of two readings of a typed number was meant."""
    return format_decimal(value, format="0.###", locale=locale)


def format_volume(ml: float, unit: Unit, locale: Locale) -> str:
    """`120 ml` or `4.1 oz` (`4,1 oz` in Norwegian); whole millilitres, ounces to one decimal."""
    if unit == Unit.OZ:
        return f"{format_number(ml_to_unit(ml, unit), locale, decimals=1)}\u00a0oz"
    return f"{format_number(ml, locale)}\u00a0ml"


def format_clock(moment: datetime, tz: ZoneInfo, locale: Locale) -> str:
    return format_time(moment, format="short", tzinfo=tz, locale=locale)


def format_day(moment: datetime, tz: ZoneInfo, locale: Locale) -> str:
    return format_date(moment.astimezone(tz).date(), format="medium", locale=locale)


def format_moment(moment: datetime, tz: ZoneInfo, locale: Locale) -> str:
    return format_datetime(moment, format="short", tzinfo=tz, locale=locale)


def whole_minutes(minutes: float) -> int:
    """The one rounding of durations and gaps, for everything the bot shows: to the nearest
    minute, a half minute up (56 min 30 s is 57 min), so a gap reads the same in a log's
    confirmation, /today, /last, a reminder and a report."""
    return math.floor(minutes + 0.5)


def minutes_in(span: timedelta) -> int:
    """A span in whole minutes, rounded as `whole_minutes` says."""
    return whole_minutes(span.total_seconds() / 60)


def format_duration(span: timedelta, tr: Translator) -> str:
    """A span such as `56 min` or `4 h 10 min`, rounded to the minute as everywhere."""
    return format_minutes(minutes_in(span), tr)


def format_minutes(minutes: float, tr: Translator) -> str:
    """A duration such as `20 min` or `2 h 5 min`, in the chat's language."""
    hours, rest = divmod(max(0, whole_minutes(minutes)), 60)
    if hours and rest:
        return tr._("{hours} h {minutes} min", hours=hours, minutes=rest)
    if hours:
        return tr._("{hours} h", hours=hours)
    return tr._("{minutes} min", minutes=rest)


# -- in a chat's settings -------------------------------------------------------------


def volume(ml: float, settings: ChatSettings) -> str:
    return format_volume(ml, settings.unit, settings.tr.locale)


def day_text(moment: datetime, settings: ChatSettings, now: datetime) -> str:
    """`Mon, Mar 9` this year, `Mar 9, 2027` in another."""
    tz = settings.tz
    return date_text(moment.astimezone(tz).date(), settings, now.astimezone(tz).year)


def date_text(day: date, settings: ChatSettings, this_year: int) -> str:
    """A date as `day_text` writes it, for a day that is not a clock time's (a parent day)."""
    if day.year == this_year:
        return format_skeleton("MMMEd", day, locale=settings.tr.locale)
    return format_skeleton("yMMMd", day, locale=settings.tr.locale)


def when_text(moment: datetime, settings: ChatSettings, now: datetime) -> str:
    """`today at 10:40`, `tomorrow at 10:40`, `yesterday at 10:40` or `Fri, Mar 13 at 10:40`."""
    tr, tz = settings.tr, settings.tz
    clock = format_clock(moment, tz, tr.locale)
    days_ahead = (moment.astimezone(tz).date() - now.astimezone(tz).date()).days
    if days_ahead == 0:
        return tr._("today at {time}", time=clock)
    if days_ahead == 1:
        return tr._("tomorrow at {time}", time=clock)
    if days_ahead == -1:
        return tr._("yesterday at {time}", time=clock)
    return tr._("{day} at {time}", day=day_text(moment, settings, now), time=clock)
