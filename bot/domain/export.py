"""The /export file: every session of a chat as CSV, and the reader that turns it back.

UTF-8 with a byte-order mark (so Excel reads the letters right), a header of stable English
column names (the same whatever the chat's language, so formulas and scripts that read the file
keep working), one row per session, oldest first:

    time          local time with its UTC offset, ISO 8601: 2026-03-10T14:30:00+01:00
    left_ml       millilitres from the left breast (empty: not given)
    right_ml      millilitres from the right breast (empty: not given)
    total_ml      millilitres in all
    duration_min  minutes (empty: not given)
    method        pump or hand
    note          the note, as typed
    logged_by     the name of whoever logged it

Separators follow what a spreadsheet expects in the chat's language, so a double-click opens the
file in columns: English chats get commas and a decimal point (`60.5`), Norwegian chats
semicolons and a decimal comma (`60,5`), as Excel set to Norwegian reads them. The reader tells
them apart by the header line.

Volumes are always millilitres, as stored, whatever unit the chat shows. A note or name that a
spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage return) is
written with a leading apostrophe, as is one that already starts with an apostrophe; the reader
removes exactly one, so a round trip gives back what was stored (an empty note or name reads
back as none).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.domain.units import Method
from bot.storage.models import PumpSession

COLUMNS = (
    "time",
    "left_ml",
    "right_ml",
    "total_ml",
    "duration_min",
    "method",
    "note",
    "logged_by",
)
BOM = "\ufeff"


@dataclass(frozen=True)
class CsvStyle:
    delimiter: str
    decimal: str


COMMAS = CsvStyle(delimiter=",", decimal=".")
SEMICOLONS = CsvStyle(delimiter=";", decimal=",")
STYLES = {"en": COMMAS, "nb": SEMICOLONS}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


@dataclass(frozen=True)
class ExportRow:
    """One session as the file holds it; `started_at` back in UTC."""

    started_at: datetime
    left_ml: float | None
    right_ml: float | None
    total_ml: float
    duration_min: int | None
    method: Method
    note: str | None
    logged_by: str | None

    @classmethod
    def of(cls, entry: PumpSession) -> ExportRow:
        return cls(
            started_at=entry.started_at.astimezone(UTC),
            left_ml=entry.left_ml,
            right_ml=entry.right_ml,
            total_ml=entry.total_ml,
            duration_min=entry.duration_min,
            method=Method(entry.method),
            note=entry.note or None,
            logged_by=entry.logged_by_name or None,
        )


def csv_number(value: float | None, style: CsvStyle) -> str:
    """`60` for 60.0, `60.5` for 60.5: Python's shortest form, which reads back exactly."""
    if value is None:
        return ""
    text = str(int(value)) if float(value).is_integer() else repr(float(value))
    return text.replace(".", style.decimal)


def csv_text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_bytes(
    header: Sequence[str],
    rows: Callable[[CsvStyle], Iterable[Sequence[str]]],
    language: str = "en",
) -> bytes:
    """A file in the chat's spreadsheet style (BOM, CRLF, separators by language); `rows` gets
    the style so numbers carry its decimal mark. The stash's export uses it too."""
    style = STYLES.get(language, COMMAS)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style.delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows(style))
    return (BOM + buffer.getvalue()).encode("utf-8")


def export_csv(sessions: Iterable[PumpSession], tz: ZoneInfo, language: str = "en") -> bytes:
    """The file's bytes: BOM, header, one row per session in the order given."""

    def rows(style: CsvStyle) -> Iterable[list[str]]:
        for entry in sessions:
            yield [
                entry.started_at.astimezone(tz).isoformat(),
                csv_number(entry.left_ml, style),
                csv_number(entry.right_ml, style),
                csv_number(entry.total_ml, style),
                "" if entry.duration_min is None else str(entry.duration_min),
                Method(entry.method).value,
                csv_text(entry.note),
                csv_text(entry.logged_by_name),
            ]

    return csv_bytes(COLUMNS, rows, language)


def _read_text(value: str) -> str | None:
    if not value:
        return None
    return value[1:] if value.startswith("'") else value


def _read_number(value: str, style: CsvStyle) -> float | None:
    return float(value.replace(style.decimal, ".")) if value else None


def read_export(data: bytes) -> list[ExportRow]:
    """Parse a file written by `export_csv` (the documented way back from the file)."""
    text = data.decode("utf-8-sig")
    style = SEMICOLONS if text.split("\n", 1)[0].startswith("time;") else COMMAS
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=style.delimiter)
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(f"unexpected columns: {reader.fieldnames}")
    rows = []
    for record in reader:
        rows.append(
            ExportRow(
                started_at=datetime.fromisoformat(record["time"]).astimezone(UTC),
                left_ml=_read_number(record["left_ml"], style),
                right_ml=_read_number(record["right_ml"], style),
                total_ml=float(record["total_ml"].replace(style.decimal, ".")),
                duration_min=int(record["duration_min"]) if record["duration_min"] else None,
                method=Method(record["method"]),
                note=_read_text(record["note"]),
                logged_by=_read_text(record["logged_by"]),
            )
        )
    return rows


def export_filename(now: datetime, tz: ZoneInfo) -> str:
    return f"pumpbot-{now.astimezone(tz).date().isoformat()}.csv"
