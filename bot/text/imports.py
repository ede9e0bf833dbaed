"""What the bot says about a CSV import: why a file is refused, the preview before the tap,
the result, and the undo. HTML; anything from the file (its name) is escaped here."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from bot.domain.feeds import FEED_MAX_ML
from bot.domain.imports import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    BadLine,
    FileKind,
    ImportFeed,
    ImportFile,
    ImportRefused,
    ImportRow,
    LineProblem,
    Refusal,
)
from bot.domain.parsing import DURATION_MAX_MIN, SESSION_MAX_ML, SIDE_MAX_ML
from bot.domain.units import Unit
from bot.text.formatting import format_day, format_minutes, format_number, format_volume
from bot.text.i18n import N_, Translator

BAD_LINES_SHOWN = 8

KIND_SENTENCES = {
    FileKind.PUMPBOT: N_("It is an export from pumpbot."),
    FileKind.BABY_BUDDY: N_("It is a pumping export from Baby Buddy."),
    FileKind.BABY_BUDDY_FEEDINGS: N_(
        "It is a feeding export from Baby Buddy. I read its bottles of breast milk as bottle "
        "feeds; feeds at the breast, formula and solid food are left out."
    ),
    FileKind.GENERIC: N_("It is a table with a time and an amount column."),
}


def limits_text(tr: Translator) -> str:
    return tr._(
        "A file can be up to {size} with up to {rows} lines.",
        size=megabytes(MAX_FILE_BYTES, tr),
        rows=format_number(MAX_ROWS, tr.locale),
    )


def megabytes(size: int, tr: Translator) -> str:
    return tr._("{megabytes} MB", megabytes=format_number(size / 1024 / 1024, tr.locale, 1))


def help_text(tr: Translator) -> str:
    """/import: what files work, and how it goes."""
    return "\n".join(
        [
            tr._("<b>Import your log from a CSV file</b>"),
            tr._(
                "Send me the file as a document (📎, then File). I can read an export from "
                "pumpbot (/export), a pumping export from Baby Buddy (its admin page, Pumping, "
                "Export, CSV), or any table whose first line names a time column and an amount "
                "column, like <code>time;amount</code> or <code>tidspunkt,mengde</code>."
            ),
            tr._(
                "First I show what I found: how many sessions, from when to when, and any lines "
                "I can't read. Nothing is added until you tap Import, and one tap undoes it "
                "again. Sessions already in your log are skipped, so sending a file twice adds "
                "nothing. Times without a time zone are read in yours."
            ),
            limits_text(tr),
        ]
    )


def refusal_text(refused: ImportRefused, tr: Translator) -> str:
    """Why a whole file can't be imported; always ends by saying nothing was imported."""
    reason = refused.reason
    rows = format_number(MAX_ROWS, tr.locale)
    if reason is Refusal.TOO_LARGE:
        text = tr._(
            "This file is bigger than {size}, the most I can import at once. Split it into "
            "smaller files of up to {rows} lines and send them one by one.",
            size=megabytes(MAX_FILE_BYTES, tr),
            rows=rows,
        )
    elif reason is Refusal.TOO_MANY_ROWS:
        text = tr._(
            "This file has more than {rows} lines, the most I can import at once. Split it "
            "and send the parts one by one.",
            rows=rows,
        )
    elif reason is Refusal.SPREADSHEET:
        text = tr._(
            "This is a spreadsheet file, and I can only read CSV. Save it as CSV first (in "
            "Excel: File, Save As, CSV) and send me that file."
        )
    elif reason is Refusal.NOT_CSV:
        text = tr._(
            "I can only import CSV files: a table saved as text, with a name ending in .csv. "
            "/import tells you more."
        )
    elif reason is Refusal.NOT_TEXT:
        text = tr._(
            "I couldn't read this file as text. Save it as CSV (UTF-8, or the Windows "
            "default) and send it again."
        )
    elif reason is Refusal.EMPTY:
        text = tr._("This file is empty.")
    elif reason is Refusal.NO_ROWS:
        text = tr._("This file has a first line of column names, but no sessions under it.")
    elif reason is Refusal.OTHER_EXPORT:
        text = tr._(
            "This is one of the other files /export sends (your settings, stash or bottle "
            "feeds), and it holds no sessions. I import sessions from the log file, the one "
            "named like pumpbot-2026-03-10.csv."
        )
    else:
        columns = ", ".join(column for column in refused.columns if column)[:300]
        text = tr._(
            "I couldn't find a time column and an amount column in the file's first line "
            "({columns}). Name them, for example, <code>time</code> and <code>amount</code> "
            "(or <code>tidspunkt</code> and <code>mengde</code>) and send it again.",
            columns=html.escape(columns) or "–",
        )
    return text + " " + tr._("Nothing was imported.")


def bad_line_text(bad: BadLine, tr: Translator, unit: Unit) -> str:
    line, problem, loc = bad.line, bad.problem, tr.locale
    if problem is LineProblem.TIME_UNREADABLE:
        return tr._(
            "line {line}: I can't read the time (write it like 2026-03-09 14:30)", line=line
        )
    if problem is LineProblem.IN_FUTURE:
        return tr._("line {line}: the time is in the future", line=line)
    if problem is LineProblem.AMOUNT_MISSING:
        return tr._("line {line}: there is no amount", line=line)
    if problem is LineProblem.AMOUNT_UNREADABLE:
        return tr._("line {line}: an amount is not a number", line=line)
    if problem is LineProblem.AMOUNT_OUT_OF_RANGE:
        return tr._(
            "line {line}: the amount must be more than 0 and at most {limit}",
            line=line,
            limit=format_volume(SESSION_MAX_ML, unit, loc),
        )
    if problem is LineProblem.FEED_OUT_OF_RANGE:
        return tr._(
            "line {line}: a bottle must be more than 0 and at most {limit}",
            line=line,
            limit=format_volume(FEED_MAX_ML, unit, loc),
        )
    if problem is LineProblem.SIDE_OUT_OF_RANGE:
        return tr._(
            "line {line}: an amount per side is over {limit}",
            line=line,
            limit=format_volume(SIDE_MAX_ML, unit, loc),
        )
    if problem is LineProblem.DURATION_UNREADABLE:
        return tr._(
            "line {line}: the duration is not a number of minutes up to {limit}",
            line=line,
            limit=format_minutes(DURATION_MAX_MIN, tr),
        )
    if problem is LineProblem.FORMULA:
        return tr._(
            "line {line}: a cell starts like a spreadsheet formula (= + - @), which I don't import",
            line=line,
        )
    return tr._("line {line}: it has a different number of cells than the first line", line=line)


def bad_lines_text(bad: list[BadLine], tr: Translator, unit: Unit) -> list[str]:
    if not bad:
        return []
    lines = [
        tr.ngettext(
            "I can't read {n} line, so it will be left out:",
            "I can't read {n} lines, so they will be left out:",
            len(bad),
        )
    ]
    lines += [f"• {bad_line_text(item, tr, unit)}" for item in bad[:BAD_LINES_SHOWN]]
    if len(bad) > BAD_LINES_SHOWN:
        lines.append(
            tr.ngettext(
                "… and {n} more line.",
                "… and {n} more lines.",
                len(bad) - BAD_LINES_SHOWN,
            )
        )
    return lines


def span_text(rows: list[ImportRow], tr: Translator, unit: Unit, tz: ZoneInfo) -> str:
    """`12 sessions from 1 Mar 2026 to 9 Mar 2026, 1,440 ml in all`."""
    loc = tr.locale
    first = min(row.started_at for row in rows)
    last = max(row.started_at for row in rows)
    return tr.ngettext(
        "{n} session from {first} to {last}, {total} in all",
        "{n} sessions from {first} to {last}, {total} in all",
        len(rows),
        first=format_day(first, tz, loc),
        last=format_day(last, tz, loc),
        total=format_volume(sum(row.total_ml for row in rows), unit, loc),
    )


def feeds_span_text(feeds: list[ImportFeed], tr: Translator, unit: Unit, tz: ZoneInfo) -> str:
    """`12 bottles from 1 Mar 2026 to 9 Mar 2026, 1,080 ml in all`."""
    loc = tr.locale
    first = min(feed.fed_at for feed in feeds)
    last = max(feed.fed_at for feed in feeds)
    return tr.ngettext(
        "{n} bottle from {first} to {last}, {total} in all",
        "{n} bottles from {first} to {last}, {total} in all",
        len(feeds),
        first=format_day(first, tz, loc),
        last=format_day(last, tz, loc),
        total=format_volume(sum(feed.amount_ml for feed in feeds), unit, loc),
    )


def feeds_preview_lines(
    parsed: ImportFile,
    new: list[ImportFeed],
    already: int,
    tr: Translator,
    unit: Unit,
    tz: ZoneInfo,
) -> tuple[list[str], list[str]]:
    """A feeding file's preview: what is in it (before the unreadable lines), and what a tap
    would do (after them)."""
    above = []
    if parsed.feeds:
        above.append(tr._("In it: {span}.", span=feeds_span_text(parsed.feeds, tr, unit, tz)))
    if parsed.not_bottles:
        above.append(
            tr.ngettext(
                "{n} other feed (at the breast, formula or solid food) is left out.",
                "{n} other feeds (at the breast, formula or solid food) are left out.",
                parsed.not_bottles,
            )
        )
    if already:
        above.append(
            tr.ngettext(
                "{n} of the bottles is already logged and will be skipped.",
                "{n} of the bottles are already logged and will be skipped.",
                already,
            )
        )
    if not parsed.feeds:
        below = [
            tr._("There's no bottle of breast milk in it I can read, so nothing was imported.")
        ]
    elif not new:
        below = [tr._("Every bottle in it is already logged, so there's nothing to add.")]
    else:
        below = [
            tr.ngettext(
                "Tap Import to add {n} bottle feed. Imported feeds count towards the days your "
                "stash covers, but take no milk from it.",
                "Tap Import to add {n} bottle feeds. Imported feeds count towards the days your "
                "stash covers, but take no milk from it.",
                len(new),
            )
        ]
    return above, below


def preview_text(
    parsed: ImportFile,
    new: list[ImportRow],
    already_logged: int,
    *,
    file_name: str | None,
    tr: Translator,
    unit: Unit,
    tz: ZoneInfo,
    zone_name: str,
    new_feeds: list[ImportFeed] | None = None,
    feeds_already: int = 0,
) -> str:
    """The reply to a file: what is in it and what a tap would add, or why nothing would."""
    new_feeds = new_feeds or []
    title = "📥 " + tr._(
        "<b>Import from {file}</b>", file=html.escape(file_name or tr._("your file"))
    )
    lines = [title, tr._(KIND_SENTENCES[parsed.kind])]
    if parsed.kind is FileKind.BABY_BUDDY_FEEDINGS:
        above, below = feeds_preview_lines(parsed, new_feeds, feeds_already, tr, unit, tz)
        bad = bad_lines_text(parsed.bad, tr, unit)
        lines += [*above, *(["", *bad] if bad else []), "", *below, limits_text(tr)]
        return "\n".join(lines)
    if parsed.rows:
        lines.append(tr._("In it: {span}.", span=span_text(parsed.rows, tr, unit, tz)))
    if already_logged:
        lines.append(
            tr.ngettext(
                "{n} of them is already in your log and will be skipped.",
                "{n} of them are already in your log and will be skipped.",
                already_logged,
            )
        )
    bad = bad_lines_text(parsed.bad, tr, unit)
    if bad:
        lines += ["", *bad]
    lines.append("")
    if not parsed.rows:
        lines.append(tr._("There's no session in it I can read, so nothing was imported."))
    elif not new:
        lines.append(tr._("Everything in it is already in your log, so there's nothing to add."))
    else:
        lines.append(
            tr.ngettext(
                "Tap Import to add {n} session to your log. Times without a time zone are "
                "read as {zone} time.",
                "Tap Import to add {n} sessions to your log. Times without a time zone are "
                "read as {zone} time.",
                len(new),
                zone=html.escape(zone_name),
            )
        )
    lines.append(limits_text(tr))
    return "\n".join(lines)


def import_button_label(count: int, tr: Translator, *, feeds: bool = False) -> str:
    if feeds:
        return tr.ngettext("✅ Import {n} feed", "✅ Import {n} feeds", count)
    return tr.ngettext("✅ Import {n} session", "✅ Import {n} sessions", count)


def imported_text(
    new: list[ImportRow], already_logged: int, tr: Translator, unit: Unit, tz: ZoneInfo
) -> str:
    if not new:
        return tr._("Everything in the file is already in your log, so nothing was added.")
    skipped = tr.ngettext(
        "{n} session was already in your log and was skipped.",
        "{n} sessions were already in your log and were skipped.",
        already_logged,
    )
    return _imported(span_text(new, tr, unit, tz), skipped if already_logged else None, tr)


def imported_feeds_text(
    new: list[ImportFeed], already: int, tr: Translator, unit: Unit, tz: ZoneInfo
) -> str:
    if not new:
        return tr._("Every bottle in the file is already logged, so nothing was added.")
    skipped = tr.ngettext(
        "{n} bottle was already logged and was skipped.",
        "{n} bottles were already logged and were skipped.",
        already,
    )
    return _imported(feeds_span_text(new, tr, unit, tz), skipped if already else None, tr)


def _imported(span: str, skipped: str | None, tr: Translator) -> str:
    """What an import added, what it skipped, and that one tap takes it out again."""
    lines = ["✅ " + tr._("Imported {span}.", span=span)]
    if skipped:
        lines.append(skipped)
    lines.append(tr._("Changed your mind? The button below takes the whole import out again."))
    return "\n".join(lines)


def undone_feeds_text(count: int, tr: Translator) -> str:
    return "↩️ " + tr.ngettext(
        "Import undone: I removed the {n} bottle feed it added.",
        "Import undone: I removed the {n} bottle feeds it added.",
        count,
    )


def undone_text(count: int, tr: Translator) -> str:
    return "↩️ " + tr.ngettext(
        "Import undone: I removed the {n} session it added.",
        "Import undone: I removed the {n} sessions it added.",
        count,
    )
