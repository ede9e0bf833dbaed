"""The stash's own /export file: every portion the chat stored, and what became of it.

A second CSV next to the sessions file (which stays exactly as it was), in the same style:
UTF-8 with a byte-order mark, stable English column names, commas or semicolons and the decimal
mark by the chat's language (`bot.domain.export`), one row per portion, oldest first:

    pumped     when the milk was pumped, local time with its UTC offset (ISO 8601)
    place      fridge or freezer (where it is, or was when it was used or thrown out)
    amount_ml  millilitres
    state      stored, used or discarded
    thawed     when it was thawed (empty: never frozen, or still frozen)
    use_by     its use-by time (for the freezer, best before)
    closed     when it was used or thrown out (empty: still stored)
    added_by   the name of whoever stored it (empty when not known)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.export import CsvStyle, csv_bytes, csv_number, csv_text
from bot.storage.models import StashPortion

COLUMNS = ("pumped", "place", "amount_ml", "state", "thawed", "use_by", "closed", "added_by")


def _moment(value: datetime | None, tz: ZoneInfo) -> str:
    return "" if value is None else value.astimezone(tz).isoformat()


def stash_csv(portions: Iterable[StashPortion], tz: ZoneInfo, language: str = "en") -> bytes:
    def rows(style: CsvStyle) -> Iterable[list[str]]:
        for portion in portions:
            yield [
                _moment(portion.pumped_at, tz),
                portion.place,
                csv_number(portion.amount_ml, style),
                portion.state,
                _moment(portion.thawed_at, tz),
                _moment(portion.use_by, tz),
                _moment(portion.closed_at, tz),
                csv_text(portion.added_by_name),
            ]

    return csv_bytes(COLUMNS, rows, language)


def stash_filename(now: datetime, tz: ZoneInfo) -> str:
    return f"pumpbot-stash-{now.astimezone(tz).date().isoformat()}.csv"
