"""Reading a CSV file to import: pumpbot's own export in both styles, Baby Buddy's pumping
export, any table with a time and an amount column, and every way a file or a line goes wrong."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.export import ExportRow, export_csv
from bot.domain.imports import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    BadLine,
    FileKind,
    ImportRefused,
    LineProblem,
    Refusal,
    check_document,
    read_import,
)
from bot.domain.units import Method
from bot.storage.models import PumpSession

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
BABY_BUDDY_SAMPLE = Path(__file__).parent.parent / "data" / "babybuddy-pumping.csv"


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO).astimezone(UTC)


def sessions() -> list[PumpSession]:
    notes = [None, "sår, men OK", '=HYPERLINK("x")', "-tired", "two\nlines", "'quoted'"]
    return [
        PumpSession(
            chat_id=1,
            started_at=datetime(2026, 3, 1 + i, 5, 7, 9, 123456 if i == 2 else 0, tzinfo=UTC),
            left_ml=[None, 60, 60.5][i % 3],
            right_ml=70.25,
            total_ml=([None, 60, 60.5][i % 3] or 0) + 70.25,
            duration_min=[None, 20, 0][i % 3],
            method=Method.HAND if i == 4 else Method.PUMP,
            note=note,
            logged_by_name="Kari Nordmann" if i % 2 else "=cmd|' /C calc'!A0",
        )
        for i, note in enumerate(notes)
    ]


@pytest.mark.parametrize("language", ["en", "nb"])
def test_pumpbot_export_reads_back_exactly_in_both_styles(language: str) -> None:
    original = sessions()
    data = export_csv(original, OSLO, language)
    parsed = read_import(data, ZoneInfo("America/New_York"), NOW)  # offsets in the file win
    assert parsed.kind is FileKind.PUMPBOT
    assert parsed.bad == []
    assert [
        ExportRow(
            row.started_at,
            row.left_ml,
            row.right_ml,
            row.total_ml,
            row.duration_min,
            row.method,
            row.note,
            row.logged_by,
        )
        for row in parsed.rows
    ] == [ExportRow.of(entry) for entry in original]


def test_baby_buddy_pumping_export() -> None:
    parsed = read_import(BABY_BUDDY_SAMPLE.read_bytes(), OSLO, NOW)
    assert parsed.kind is FileKind.BABY_BUDDY
    assert parsed.bad == []
    assert len(parsed.rows) == 6
    newest = parsed.rows[0]
    # No offset in Baby Buddy's times: read in the chat's zone (Oslo, UTC+1 in March).
    assert newest.started_at == datetime(2026, 3, 9, 2, 15, tzinfo=UTC)
    assert (newest.total_ml, newest.duration_min, newest.note) == (150, 20, "night")
    assert parsed.rows[3].note == "left side sore, tried the smaller flange"
    assert parsed.rows[4].total_ml == 95.5 and parsed.rows[4].duration_min == 17
    assert parsed.total_ml == 745.5
    assert all(row.left_ml is None and row.right_ml is None for row in parsed.rows)


def test_older_baby_buddy_export_with_one_time_column() -> None:
    data = (
        b"id,child_id,child_first_name,child_last_name,amount,time\n"
        b"7,1,Emma,H,80.0,2026-03-08 06:10:00\n"
    )
    (row,) = read_import(data, OSLO, NOW).rows
    assert (row.started_at, row.total_ml) == (oslo(2026, 3, 8, 6, 10), 80)


def test_a_generic_comma_file_with_sides_and_notes() -> None:
    data = (
        b"Date,Left (ml),Right (ml),Amount (ml),Duration,Notes\n"
        b"2026-03-08 06:10,60,70,130,20,morning\n"
        b"2026-03-08T09:00:00+00:00,,,90,,\n"
    )
    parsed = read_import(data, OSLO, NOW)
    assert parsed.kind is FileKind.GENERIC
    first, second = parsed.rows
    assert first.started_at == oslo(2026, 3, 8, 6, 10)
    assert (first.left_ml, first.right_ml, first.total_ml, first.duration_min) == (60, 70, 130, 20)
    assert first.note == "morning"
    assert second.started_at == datetime(2026, 3, 8, 9, tzinfo=UTC)  # its own offset
    assert (second.total_ml, second.left_ml, second.note) == (90, None, None)


def test_a_norwegian_excel_file_in_windows_1252_with_semicolons() -> None:
    text = (
        "Tidspunkt;Venstre;Høyre;Mengde;Notat\r\n"
        "08.03.2026 06:10;60,5;70;130,5;sår venstre\r\n"
        "8.3.2026 kl. 21.45;;;95;\r\n"
    )
    parsed = read_import(text.encode("cp1252"), OSLO, NOW)
    first, second = parsed.rows
    assert (first.left_ml, first.right_ml, first.total_ml) == (60.5, 70, 130.5)
    assert first.note == "sår venstre"
    assert second.started_at == oslo(2026, 3, 8, 21, 45)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_with_or_without_a_byte_order_mark(bom: bytes) -> None:
    data = bom + "tid,ml,notat\n2026-03-08 06:10,120,blåbær\n".encode()
    (row,) = read_import(data, OSLO, NOW).rows
    assert (row.total_ml, row.note) == (120, "blåbær")


def test_ounces_by_column_name_or_by_the_cell() -> None:
    data = b"time,amount_oz\n2026-03-08 06:10,4\n"
    assert read_import(data, OSLO, NOW).rows[0].total_ml == 118.3
    data = b"time,amount\n2026-03-08 06:10,4 oz\n2026-03-08 07:10,120 ml\n"
    assert [r.total_ml for r in read_import(data, OSLO, NOW).rows] == [118.3, 120]


def test_bad_lines_are_named_and_left_out() -> None:
    data = (
        b"time,left,right,amount,duration,note\n"
        b"2026-03-08 06:10,,,120,,fine\n"  # 2
        b"yesterday,,,120,,\n"  # 3
        b"2026-03-10 10:01,,,120,,\n"  # 4: after now (09:00 UTC is 10:00 in Oslo)
        b"2026-03-08 07:10,,,,,\n"  # 5
        b"2026-03-08 08:10,,,lots,,\n"  # 6
        b"2026-03-08 09:10,,,1200,,\n"  # 7
        b"2026-03-08 10:10,,,-5,,\n"  # 8
        b"2026-03-08 11:10,600,10,610,,\n"  # 9
        b"2026-03-08 12:10,,,120,999,\n"  # 10
        b'2026-03-08 13:10,,,120,,"=HYPERLINK(""http://x"")"\n'  # 11
        b"2026-03-08 14:10,,,120,,@SUM(A1)\n"  # 12
        b"2026-03-08 15:10,,,120,,- looks like a formula\n"  # 13
        b"2026-03-08 16:10,,,120\n"  # 14
        b"2026-03-08 17:10,,,0,,\n"  # 15
    )
    parsed = read_import(data, OSLO, NOW)
    assert [row.line for row in parsed.rows] == [2]
    assert parsed.bad == [
        BadLine(3, LineProblem.TIME_UNREADABLE),
        BadLine(4, LineProblem.IN_FUTURE),
        BadLine(5, LineProblem.AMOUNT_MISSING),
        BadLine(6, LineProblem.AMOUNT_UNREADABLE),
        BadLine(7, LineProblem.AMOUNT_OUT_OF_RANGE),
        BadLine(8, LineProblem.AMOUNT_OUT_OF_RANGE),
        BadLine(9, LineProblem.SIDE_OUT_OF_RANGE),
        BadLine(10, LineProblem.DURATION_UNREADABLE),
        BadLine(11, LineProblem.FORMULA),
        BadLine(12, LineProblem.FORMULA),
        BadLine(13, LineProblem.FORMULA),
        BadLine(14, LineProblem.CELLS),
        BadLine(15, LineProblem.AMOUNT_OUT_OF_RANGE),
    ]


def test_a_total_from_the_sides_when_the_amount_is_empty() -> None:
    (row,) = read_import(b"time,left,right,amount\n2026-03-08 06:10,60,70,\n", OSLO, NOW).rows
    assert (row.left_ml, row.right_ml, row.total_ml) == (60, 70, 130)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Refusal.NOT_TEXT),
        ("tid,ml\n".encode("utf-16"), Refusal.NOT_TEXT),
        (b"", Refusal.EMPTY),
        (b"\n\n", Refusal.EMPTY),
        (b"name,colour\nEmma,blue\n", Refusal.UNKNOWN_COLUMNS),
        (b"time,note\n2026-03-08 06:10,x\n", Refusal.UNKNOWN_COLUMNS),
        (b"time,amount\n", Refusal.NO_ROWS),
        (b"time,amount\n" + b"2026-03-08 06:10,120\n" * (MAX_ROWS + 1), Refusal.TOO_MANY_ROWS),
        (b"time,amount\n" + b"x" * MAX_FILE_BYTES, Refusal.TOO_LARGE),
    ],
)
def test_files_refused_whole(data: bytes, reason: Refusal) -> None:
    with pytest.raises(ImportRefused) as refused:
        read_import(data, OSLO, NOW)
    assert refused.value.reason is reason


def test_unknown_columns_are_named_in_the_refusal() -> None:
    with pytest.raises(ImportRefused) as refused:
        read_import(b"name;colour\nEmma;blue\n", OSLO, NOW)
    assert refused.value.columns == ("name", "colour")


@pytest.mark.parametrize(
    ("name", "mime", "size", "reason"),
    [
        ("log.xlsx", None, 100, Refusal.SPREADSHEET),
        ("Pumping.numbers", None, 100, Refusal.SPREADSHEET),
        ("photo.jpg", "image/jpeg", 100, Refusal.NOT_CSV),
        ("report.pdf", "application/pdf", 100, Refusal.NOT_CSV),
        ("big.csv", "text/csv", MAX_FILE_BYTES + 1, Refusal.TOO_LARGE),
    ],
)
def test_documents_refused_before_fetching(
    name: str, mime: str | None, size: int, reason: Refusal
) -> None:
    with pytest.raises(ImportRefused) as refused:
        check_document(name, mime, size)
    assert refused.value.reason is reason


@pytest.mark.parametrize(
    ("name", "mime"),
    [("log.csv", None), ("LOG.CSV", "application/octet-stream"), (None, "text/csv"),
     ("export", "application/vnd.ms-excel"), ("data.txt", "text/plain")],
)  # fmt: skip
def test_documents_taken_as_csv(name: str | None, mime: str | None) -> None:
    check_document(name, mime, 1000)
