"""/export: a CSV document that opens in a spreadsheet and reads back to exactly what is stored."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.export import COLUMNS, ExportRow, export_csv, read_export
from bot.domain.units import Method
from bot.storage.models import PumpSession
from tests.support.kit import GROUP_CHAT, PARENT_CHAT, BotHarness
from tests.support.seed import add_session, stored_sessions

AWKWARD_NOTES = [
    None,
    "",
    "sore, but OK",
    'she said "more"',
    "two\nlines",
    "æøå ÆØÅ 🍼",
    '=HYPERLINK("http://example.com")',
    "+47 999",
    "-tired",
    "@home",
    "'quoted'",
    "''=1",
]


async def test_export_round_trips_exactly_what_the_database_holds(bot: BotHarness) -> None:
    moments = [
        datetime(2026, 1, 15, 7, 5, 9, tzinfo=UTC),
        datetime(2026, 3, 10, 8, 59, 59, 123456, tzinfo=UTC),  # microseconds survive
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # 01:30 CET, just before the clocks go forward
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # 03:30 CEST
    ]
    for i, note in enumerate(AWKWARD_NOTES):
        left = [None, 60, 60.5, 33.333333333333336][i % 4]
        add_session(
            bot,
            moments[i % 4],
            (left or 0) + 70.25,
            chat_id=PARENT_CHAT,
            left_ml=left,
            right_ml=70.25,
            duration_min=[None, 20, 0, 45][i % 4],
            method=[Method.PUMP, Method.HAND][i % 2],
            note=note,
            logged_by_name=["Kari", None, "=Ola", "Åse Ødegård"][i % 4],
        )
    add_session(bot, moments[0], 999, chat_id=GROUP_CHAT)  # another chat's: not in the file

    reply = await bot.say("/export")
    assert reply.method == "sendDocument"
    assert "Your log: 12 sessions" in reply.text
    data = reply.files["document"]
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for spreadsheets

    parsed = read_export(data)
    expected = [ExportRow.of(entry) for entry in stored_sessions(bot, PARENT_CHAT)]
    assert parsed == expected
    assert len(parsed) == 12


def two_sessions_around_the_spring_change(bot: BotHarness, language: str) -> None:
    add_session(
        bot,
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        100,
        chat_id=PARENT_CHAT,
        language=language,
        left_ml=40,
        right_ml=60,
        duration_min=15,
        note="=1+1",
        logged_by_name="Kari",
    )
    add_session(bot, datetime(2026, 3, 29, 1, 30, tzinfo=UTC), 90.5, chat_id=PARENT_CHAT)


async def test_the_file_is_plain_csv_with_local_times_and_offsets(bot: BotHarness) -> None:
    two_sessions_around_the_spring_change(bot, "en")
    reply = await bot.say("/export")
    text = reply.files["document"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(COLUMNS)
    assert rows[1] == [
        "2026-03-29T01:30:00+01:00",
        "40",
        "60",
        "100",
        "15",
        "pump",
        "'=1+1",
        "Kari",
    ]
    assert rows[2] == ["2026-03-29T03:30:00+02:00", "", "", "90.5", "", "pump", "", ""]
    assert text.endswith("\r\n")


async def test_a_norwegian_chat_gets_semicolons_and_decimal_commas(bot: BotHarness) -> None:
    # What Excel set to Norwegian expects, so a double-click opens the file in columns.
    two_sessions_around_the_spring_change(bot, "nb")
    reply = await bot.say("/eksport", language_code="nb")
    assert "Loggen din: 2 økter" in reply.text
    text = reply.files["document"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == list(COLUMNS)
    assert rows[2] == ["2026-03-29T03:30:00+02:00", "", "", "90,5", "", "pump", "", ""]
    parsed = read_export(reply.files["document"])
    assert parsed == [ExportRow.of(entry) for entry in stored_sessions(bot, PARENT_CHAT)]


async def test_export_with_nothing_logged_sends_no_file(bot: BotHarness) -> None:
    reply = await bot.say("/export")
    assert reply.method == "sendMessage"
    assert "nothing to export" in reply.text


notes = st.one_of(st.none(), st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s))
volumes = st.one_of(st.none(), st.floats(min_value=0, max_value=2000, allow_nan=False))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            notes,
            volumes,
            volumes,
            st.datetimes(datetime(1970, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)),
        ),
        max_size=8,
    ),
    st.sampled_from(["en", "nb"]),
)
def test_any_notes_and_volumes_round_trip(
    entries: list[tuple[str | None, float | None, float | None, datetime]], language: str
) -> None:
    sessions = [
        PumpSession(
            chat_id=1,
            started_at=moment,
            left_ml=left,
            right_ml=right,
            total_ml=(left or 0) + (right or 0),
            note=note,
            logged_by_name=note,
        )
        for note, left, right, moment in entries
    ]
    data = export_csv(sessions, ZoneInfo("Europe/Oslo"), language)
    assert read_export(data) == [ExportRow.of(s) for s in sessions]
