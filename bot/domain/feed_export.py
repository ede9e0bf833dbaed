"""The feeds' own /export file: every bottle logged, and how much of it came from the stash.

A third CSV beside the sessions and stash files, in the same style (`bot.domain.export`):
UTF-8 with a byte-order mark, stable English column names, commas or semicolons and the decimal
mark by the chat's language, one row per feed, oldest first:

    fed            when the bottle was logged, local time with its UTC offset (ISO 8601)
    amount_ml      millilitres the baby had
    from_stash_ml  millilitres of it taken from the stash (the rest came from outside it)
    fed_by         the name of whoever logged it (empty when not known)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.export import CsvStyle, csv_bytes, csv_number, csv_text
from bot.storage.models import Feed

COLUMNS = ("fed", "amount_ml", "from_stash_ml", "fed_by")


def feeds_csv(feeds: Iterable[Feed], tz: ZoneInfo, language: str = "en") -> bytes:
    def rows(style: CsvStyle) -> Iterable[list[str]]:
        for feed in feeds:
            yield [
                feed.fed_at.astimezone(tz).isoformat(),
                csv_number(feed.amount_ml, style),
                csv_number(feed.from_stash_ml, style),
                csv_text(feed.fed_by_name),
            ]

    return csv_bytes(COLUMNS, rows, language)


def feeds_filename(now: datetime, tz: ZoneInfo) -> str:
    return f"pumpbot-feeds-{now.astimezone(tz).date().isoformat()}.csv"
