"""Reading a CSV file a parent sends to import: which kind of file it is, and each line as a
session or as the reason it cannot be one.

Three kinds, told apart by the header line:
- **pumpbot's own export** (`bot.domain.export`), either separator style; text cells lose the
  one leading `'` the export adds.
- **Baby Buddy's pumping export** (its admin, Pumping, Export as CSV, written by
  django-import-export): `id, child_id, child_first_name, child_last_name`, then the model's
  fields `start, end, amount, notes` (and `tags`); versions before 2.0 had one `time` instead of
  `start` and `end`. Times are the server's local time without an offset; `amount` has no unit
  (taken as millilitres, unless a column or the cell says oz).
- **Baby Buddy's feeding export** (Feedings, Export as CSV): the same first columns, then
  `start, end, duration, type, method, amount, notes`. Its bottles of breast milk (method
  `bottle`, type `breast milk` or `fortified breast milk`, with an amount) are read as bottle
  feeds (`ImportFeed`), never as sessions; feeds at the breast, formula and solid food are
  counted and left out (they never came from the stash).
- **Any other file** with a header naming a time column and an amount column (English or
  Norwegian names such as `time`, `date`, `tidspunkt`; `amount`, `ml`, `mengde`), and optionally
  left, right, duration, end, method and note columns.

The other files /export sends (settings, stash, feeds) are known by their header and refused
(`Refusal.OTHER_EXPORT`): they hold no sessions, and the reply names the file that does.

The bytes may be UTF-8 with or without a byte-order mark, or Windows-1252 (what Excel writes
when it saves "CSV" on Windows); the separator is a comma, semicolon or tab. Times with a UTC
offset keep it; times without one are read in the chat's time zone. Each line is checked
against the same limits as a typed log (per side, per session, duration), must not be in the
future, and must not hold a cell a spreadsheet would run as a formula.

Plain functions, no database: `read_import` gives every good row and every problem; the caller
skips rows already in the log (`session_key`) and writes the rest in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.export import COLUMNS as EXPORT_COLUMNS
from bot.domain.export import COLUMNS_BEFORE_DAY
from bot.domain.feed_export import COLUMNS as FEED_EXPORT_COLUMNS
from bot.domain.feeds import FEED_MAX_ML
from bot.domain.parsing import DURATION_MAX_MIN, SESSION_MAX_ML, SIDE_MAX_ML
from bot.domain.settings_export import COLUMNS as SETTINGS_EXPORT_COLUMNS
from bot.domain.stash_export import COLUMNS as STASH_EXPORT_COLUMNS
from bot.domain.units import ML_PER_OZ, Method

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
NOTE_MAX_CHARS = 500
NAME_MAX_CHARS = 128


class FileKind(StrEnum):
    PUMPBOT = "pumpbot"
    BABY_BUDDY = "babybuddy"
    BABY_BUDDY_FEEDINGS = "babybuddy_feedings"
    GENERIC = "generic"


class Refusal(StrEnum):
    """Why a whole file cannot be imported."""

    TOO_LARGE = "too_large"
    SPREADSHEET = "spreadsheet"  # an Excel, Numbers or OpenDocument file, not its CSV
    NOT_CSV = "not_csv"  # a photo, a PDF, ...
    NOT_TEXT = "not_text"  # binary, or no encoding we know
    EMPTY = "empty"
    UNKNOWN_COLUMNS = "unknown_columns"  # no time column, or no amount column
    TOO_MANY_ROWS = "too_many_rows"
    NO_ROWS = "no_rows"
    OTHER_EXPORT = "other_export"  # /export's settings, stash or feeds file: no sessions in it


class ImportRefused(Exception):
    def __init__(self, reason: Refusal, columns: tuple[str, ...] = ()) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.columns = columns  # the header as found, for UNKNOWN_COLUMNS


class LineProblem(StrEnum):
    """Why one line cannot be imported."""

    TIME_UNREADABLE = "time_unreadable"
    IN_FUTURE = "in_future"
    AMOUNT_MISSING = "amount_missing"
    AMOUNT_UNREADABLE = "amount_unreadable"
    AMOUNT_OUT_OF_RANGE = "amount_out_of_range"
    FEED_OUT_OF_RANGE = "feed_out_of_range"  # a bottle over FEED_MAX_ML
    SIDE_OUT_OF_RANGE = "side_out_of_range"
    DURATION_UNREADABLE = "duration_unreadable"
    FORMULA = "formula"
    CELLS = "cells"  # more or fewer cells than the header has columns


@dataclass(frozen=True)
class BadLine:
    line: int  # as a spreadsheet numbers it: the header is line 1
    problem: LineProblem


@dataclass(frozen=True)
class ImportRow:
    """One session read from the file. Millilitres; `started_at` in UTC."""

    line: int
    started_at: datetime
    total_ml: float
    left_ml: float | None = None
    right_ml: float | None = None
    duration_min: int | None = None
    method: Method = Method.PUMP
    note: str | None = None
    logged_by: str | None = None


@dataclass(frozen=True)
class ImportFeed:
    """One bottle of breast milk read from a feeding file. Millilitres; `fed_at` in UTC."""

    line: int
    fed_at: datetime
    amount_ml: float


@dataclass
class ImportFile:
    kind: FileKind
    rows: list[ImportRow] = field(default_factory=list)
    bad: list[BadLine] = field(default_factory=list)
    feeds: list[ImportFeed] = field(default_factory=list)
    # Lines of a feeding file that are no bottle of breast milk (left out, not a problem).
    not_bottles: int = 0

    @property
    def total_ml(self) -> float:
        return sum(row.total_ml for row in self.rows)


def session_key(started_at: datetime, total_ml: float) -> tuple[int, int]:
    """What makes two sessions the same for an import: the start to the second, and the amount
    to a tenth of a millilitre."""
    return int(started_at.timestamp()), round(total_ml * 10)


# -- the file ------------------------------------------------------------------------------------

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods", ".numbers")
# What phones and computers call a CSV file (Windows: Excel's own type for .csv).
CSV_MIME_TYPES = (
    "text/csv",
    "text/plain",
    "text/comma-separated-values",
    "text/tab-separated-values",
    "application/csv",
    "application/vnd.ms-excel",
)


def check_document(file_name: str | None, mime_type: str | None, size: int | None) -> None:
    """Refuse a document that is not a CSV file, or too big, before fetching it."""
    name = (file_name or "").lower()
    if name.endswith(SPREADSHEET_SUFFIXES):
        raise ImportRefused(Refusal.SPREADSHEET)
    if not name.endswith(CSV_SUFFIXES) and (mime_type or "").lower() not in CSV_MIME_TYPES:
        raise ImportRefused(Refusal.NOT_CSV)
    if size is not None and size > MAX_FILE_BYTES:
        raise ImportRefused(Refusal.TOO_LARGE)


def decode(data: bytes) -> str:
    """UTF-8 (a byte-order mark is dropped), else Windows-1252; binary files are refused."""
    if b"\x00" in data[:4096]:
        raise ImportRefused(Refusal.NOT_TEXT)  # UTF-16, a spreadsheet, an image, ...
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportRefused(Refusal.NOT_TEXT) from error


def normalise(name: str) -> str:
    """`Amount (ml)` -> `amount_ml`, `Høyre` -> `høyre`: lower case, words joined by `_`."""
    return re.sub(r"[^\wæøå]+", "_", name.strip().lower()).strip("_")


TIME_NAMES = {
    "time", "start", "start_time", "started_at", "starttime", "date", "date_time", "datetime",
    "timestamp", "when", "tid", "tidspunkt", "starttid", "start_tid", "dato", "dato_tid",
    "dato_og_tid",
}  # fmt: skip
END_NAMES = {"end", "end_time", "ended_at", "slutt", "sluttid", "slutt_tid"}
AMOUNT_NAMES = {
    "amount", "amount_ml", "total", "total_ml", "totalt", "totalt_ml", "volume", "volume_ml",
    "ml", "quantity", "mengde", "mengde_ml", "volum", "volum_ml", "milk", "melk", "amount_oz",
    "total_oz", "oz", "volume_oz",
}  # fmt: skip
LEFT_NAMES = {"left", "left_ml", "left_amount", "venstre", "venstre_ml", "left_oz"}
RIGHT_NAMES = {"right", "right_ml", "right_amount", "høyre", "hoyre", "høyre_ml", "right_oz"}
DURATION_NAMES = {"duration", "duration_min", "minutes", "min", "varighet", "minutter"}
NOTE_NAMES = {"note", "notes", "comment", "comments", "notat", "notater", "kommentar"}
METHOD_NAMES = {"method", "metode"}
WHO_NAMES = {"logged_by"}
# The files /export sends beside the log: they hold no sessions, and say so when sent back.
OTHER_EXPORTS = (SETTINGS_EXPORT_COLUMNS, STASH_EXPORT_COLUMNS, FEED_EXPORT_COLUMNS)


@dataclass(frozen=True)
class Layout:
    """Which column (by index) holds what."""

    kind: FileKind
    time: int
    amount: int
    end: int | None = None
    left: int | None = None
    right: int | None = None
    duration: int | None = None
    note: int | None = None
    method: int | None = None
    who: int | None = None
    ounces: bool = False  # the amount columns are in ounces
    food: int | None = None  # a feeding file's `type`: breast milk, formula, ...


def find(names: list[str], wanted: Iterable[str]) -> int | None:
    wanted = set(wanted)
    return next((i for i, name in enumerate(names) if name in wanted), None)


def layout_of(header: list[str]) -> Layout:
    names = [normalise(cell) for cell in header]
    if tuple(names) in (EXPORT_COLUMNS, COLUMNS_BEFORE_DAY):  # the day follows from the time
        return Layout(
            FileKind.PUMPBOT, time=0, left=1, right=2, amount=3, duration=4, method=5, note=6, who=7
        )
    if tuple(names) in OTHER_EXPORTS:
        raise ImportRefused(Refusal.OTHER_EXPORT)
    time = find(names, TIME_NAMES)
    amount = find(names, AMOUNT_NAMES)
    if time is None or amount is None:
        raise ImportRefused(Refusal.UNKNOWN_COLUMNS, tuple(cell.strip() for cell in header))
    baby_buddy = "child_id" in names or "child_first_name" in names
    if baby_buddy and "type" in names and "method" in names:
        return Layout(
            FileKind.BABY_BUDDY_FEEDINGS,
            time=time,
            amount=amount,
            method=names.index("method"),
            food=names.index("type"),
        )
    return Layout(
        FileKind.BABY_BUDDY if baby_buddy else FileKind.GENERIC,
        time=time,
        amount=amount,
        end=find(names, END_NAMES),
        left=find(names, LEFT_NAMES),
        right=find(names, RIGHT_NAMES),
        duration=find(names, DURATION_NAMES),
        note=find(names, NOTE_NAMES),
        method=find(names, METHOD_NAMES),
        ounces="oz" in names[amount].split("_"),
    )


def delimiter_of(header_line: str) -> str:
    """The separator that splits the header into the most cells (ties: comma)."""
    return max((",", ";", "\t"), key=header_line.count)


def read_import(data: bytes, tz: ZoneInfo, now: datetime) -> ImportFile:
    """Every line of the file as a row or a problem. Raises ImportRefused for the whole file."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(Refusal.TOO_LARGE)
    text = decode(data)
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    if not header_line:
        raise ImportRefused(Refusal.EMPTY)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(header_line))
    records = [(reader.line_num, record) for record in reader if any(c.strip() for c in record)]
    header = records[0][1]
    layout = layout_of(header)
    body = records[1:]
    if len(body) > MAX_ROWS:
        raise ImportRefused(Refusal.TOO_MANY_ROWS)
    result = ImportFile(layout.kind)
    for line, record in body:
        if layout.kind is FileKind.BABY_BUDDY_FEEDINGS:
            feed = read_feed(record, line, layout, len(header), tz, now)
            if isinstance(feed, ImportFeed):
                result.feeds.append(feed)
            elif feed is None:
                result.not_bottles += 1
            else:
                result.bad.append(BadLine(line, feed))
            continue
        outcome = read_row(record, line, layout, len(header), tz, now)
        if isinstance(outcome, ImportRow):
            result.rows.append(outcome)
        else:
            result.bad.append(BadLine(line, outcome))
    if not result.rows and not result.bad and not result.feeds and not result.not_bottles:
        raise ImportRefused(Refusal.NO_ROWS)
    return result


# -- one line ------------------------------------------------------------------------------------


class LineError(Exception):
    def __init__(self, problem: LineProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


FORMULA_STARTS = ("=", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
DOTTED_DATE = re.compile(
    r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?$"
)


def is_formula(cell: str) -> bool:
    """A cell a spreadsheet would run: `=SUM(…)`, `@cmd`, `+A1`, `-2+3`; not `-5` or `+4`."""
    if cell.startswith(FORMULA_STARTS):
        return True
    return cell.startswith(("+", "-")) and not NUMBER.match(cell.strip())


def unescape(value: str, layout: Layout) -> str:
    """pumpbot's export writes a leading `'` before text a spreadsheet would run."""
    if layout.kind is FileKind.PUMPBOT and value.startswith("'"):
        return value[1:]
    return value


def read_time(cell: str, tz: ZoneInfo) -> datetime:
    text = cell.strip()
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        match = DOTTED_DATE.match(text)
        if match:
            day, month, year, hour, minute, second = match.groups()
            try:
                moment = datetime(
                    int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                    int(second or 0),
                )  # fmt: skip
            except ValueError:
                moment = None
    if moment is None:
        raise LineError(LineProblem.TIME_UNREADABLE)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def read_amount(value: str, ounces: bool) -> float | None:
    """Millilitres from `120`, `60,5`, `120 ml` or `4 oz` (a bare number in the column's unit)."""
    text = value.strip().lower().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    in_oz = ounces
    if text.endswith("ml"):
        text, in_oz = text[:-2], False
    elif text.endswith("oz"):
        text, in_oz = text[:-2], True
    if not NUMBER.match(text):
        raise LineError(LineProblem.AMOUNT_UNREADABLE)
    value = float(text.replace(",", "."))
    return round(value * ML_PER_OZ, 1) if in_oz else value


def read_duration(
    record: list[str], layout: Layout, started_at: datetime, tz: ZoneInfo
) -> int | None:
    if layout.duration is not None and record[layout.duration].strip():
        text = record[layout.duration].strip().replace(",", ".")
        if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", text):  # 0:20 or 00:20:00 (Baby Buddy)
            parts = [int(p) for p in text.split(":")]
            minutes = parts[0] * 60 + parts[1]
        else:
            try:
                minutes = round(float(text))
            except ValueError as error:
                raise LineError(LineProblem.DURATION_UNREADABLE) from error
    elif layout.end is not None and record[layout.end].strip():
        try:
            ended_at = read_time(record[layout.end], tz)
        except LineError as error:
            raise LineError(LineProblem.DURATION_UNREADABLE) from error
        minutes = round((ended_at - started_at).total_seconds() / 60)
    else:
        return None
    if not 0 <= minutes <= DURATION_MAX_MIN:
        raise LineError(LineProblem.DURATION_UNREADABLE)
    return minutes


def cell(record: list[str], index: int | None, layout: Layout) -> str:
    return unescape(record[index], layout).strip() if index is not None else ""


def read_row(
    record: list[str], line: int, layout: Layout, width: int, tz: ZoneInfo, now: datetime
) -> ImportRow | LineProblem:
    if len(record) != width and not (len(record) > width and not any(record[width:])):
        return LineProblem.CELLS
    # The cells as written: pumpbot's export marks text that looks like a formula with a `'`.
    if any(is_formula(value) for value in record):
        return LineProblem.FORMULA
    try:
        started_at = read_time(record[layout.time], tz)
        if started_at > now:
            return LineProblem.IN_FUTURE
        left = read_amount(cell(record, layout.left, layout), layout.ounces)
        right = read_amount(cell(record, layout.right, layout), layout.ounces)
        total = read_amount(record[layout.amount], layout.ounces)
        if total is None:
            if left is None and right is None:
                return LineProblem.AMOUNT_MISSING
            total = (left or 0) + (right or 0)
        if any(side is not None and not 0 <= side <= SIDE_MAX_ML for side in (left, right)):
            return LineProblem.SIDE_OUT_OF_RANGE
        if not 0 < total <= SESSION_MAX_ML:
            return LineProblem.AMOUNT_OUT_OF_RANGE
        duration = read_duration(record, layout, started_at, tz)
    except LineError as error:
        return error.problem
    method_text = cell(record, layout.method, layout).lower()
    note = cell(record, layout.note, layout)
    who = cell(record, layout.who, layout)
    return ImportRow(
        line=line,
        started_at=started_at,
        total_ml=total,
        left_ml=left,
        right_ml=right,
        duration_min=duration,
        method=Method.HAND if method_text in ("hand", "hånd", "håndmelking") else Method.PUMP,
        note=note[:NOTE_MAX_CHARS] or None,
        logged_by=who[:NAME_MAX_CHARS] or None,
    )


BOTTLE_METHODS = {"bottle"}
BREAST_MILK_TYPES = {"breast milk", "fortified breast milk"}


def read_feed(
    record: list[str], line: int, layout: Layout, width: int, tz: ZoneInfo, now: datetime
) -> ImportFeed | LineProblem | None:
    """A line of a feeding file: a bottle of breast milk, None for any other feed (at the
    breast, formula, solid food), or the reason it cannot be read."""
    if len(record) != width and not (len(record) > width and not any(record[width:])):
        return LineProblem.CELLS
    if any(is_formula(value) for value in record):
        return LineProblem.FORMULA
    method = cell(record, layout.method, layout).lower()
    food = cell(record, layout.food, layout).lower()
    if method not in BOTTLE_METHODS or food not in BREAST_MILK_TYPES:
        return None
    try:
        fed_at = read_time(record[layout.time], tz)
        if fed_at > now:
            return LineProblem.IN_FUTURE
        amount = read_amount(record[layout.amount], layout.ounces)
    except LineError as error:
        return error.problem
    if amount is None:
        return LineProblem.AMOUNT_MISSING
    if not 0 < amount <= FEED_MAX_ML:
        return LineProblem.FEED_OUT_OF_RANGE
    return ImportFeed(line, fed_at, amount)


def date_range(rows: Iterable[ImportRow]) -> tuple[datetime, datetime] | None:
    times = [row.started_at for row in rows]
    return (min(times), max(times)) if times else None
