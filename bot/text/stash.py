"""What the milk stash says: /stash, the reply to each change, refusals, the morning note.

Plain functions of the portions, the chat's settings and `now`; HTML like every bot message.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from babel.dates import format_skeleton

from bot.domain.chats import ChatSettings
from bot.domain.feeds import DailyFeeds, days_left, good_ml
from bot.domain.stash import (
    FREEZER_ACCEPTABLE_MONTHS,
    FREEZER_BEST_MONTHS,
    PORTION_MAX_ML,
    Place,
    Problem,
    Shelf,
    StashProblem,
    StashView,
    days_covered,
    is_past_use_by,
)
from bot.storage.models import StashPortion
from bot.text.formatting import day_text, format_volume, volume, when_text
from bot.text.reports import band_text

ICONS = {Place.FRIDGE: "🥛", Place.FREEZER: "🧊"}


def full_day(moment: datetime, settings: ChatSettings) -> str:
    """`Sep 10, 2026`: the day frozen milk is best used by."""
    day = moment.astimezone(settings.tz).date()
    return format_skeleton("yMMMd", day, locale=settings.tr.locale)


def use_by_text(portion: StashPortion, settings: ChatSettings, now: datetime) -> str:
    """`use by tomorrow at 10:40`; frozen milk has a day, `best by Sep 9, 2026`."""
    tr = settings.tr
    if is_past_use_by(portion, now):
        return "⚠️ " + tr._(
            "past its use-by time ({when})", when=when_text(portion.use_by, settings, now)
        )
    if portion.place == Place.FREEZER:
        return tr._("best by {day}", day=full_day(portion.use_by, settings))
    return tr._("use by {when}", when=when_text(portion.use_by, settings, now))


def portion_line(portion: StashPortion, settings: ChatSettings, now: datetime) -> str:
    """`120 ml · pumped Mon, Mar 9 · use by Fri, Mar 13 at 10:40`."""
    tr = settings.tr
    parts = [
        f"<b>{volume(portion.amount_ml, settings)}</b>",
        tr._("pumped {day}", day=day_text(portion.pumped_at, settings, now)),
    ]
    if portion.thawed_at is not None:
        parts.append(tr._("thawed {when}", when=when_text(portion.thawed_at, settings, now)))
    parts.append(use_by_text(portion, settings, now))
    if portion.added_by_name and settings.id < 0:  # a family group shares one stash
        parts.append(html.escape(portion.added_by_name))
    return " · ".join(parts)


def shelf_heading(shelf: Shelf, settings: ChatSettings) -> str:
    tr, count, total = settings.tr, len(shelf.portions), volume(shelf.total_ml, settings)
    if shelf.place == Place.FREEZER:
        return "🧊 " + tr.ngettext(
            "<b>Freezer</b>: {total} in {n} portion",
            "<b>Freezer</b>: {total} in {n} portions",
            count,
            total=total,
        )
    return "🥛 " + tr.ngettext(
        "<b>Fridge</b>: {total} in {n} portion",
        "<b>Fridge</b>: {total} in {n} portions",
        count,
        total=total,
    )


def covered_text(
    view: StashView, settings: ChatSettings, now: datetime, daily: DailyFeeds | None = None
) -> str | None:
    """About how many days the milk still within its time lasts: at what the baby drank from
    the bottle a day lately (`daily`, from logged feeds), else, for a chat that pumps
    exclusively, as a rough guide at the daily amount of a baby fed only breast milk."""
    if view.empty:
        return None
    good = good_ml((p for shelf in view.shelves for p in shelf.portions), now)
    if daily is not None:
        return days_left_text(days_left(good, daily.ml_a_day), daily, settings)
    if not settings.exclusive_pumping:
        return None
    tr = settings.tr
    band = band_text(tr, settings.unit, settings.babies)
    days = days_covered(good, settings.babies)
    # TRANSLATORS: source: pumping-guide-nb.txt: "Barnets behov for morsmelk øker gradvis"
    # TRANSLATORS: source: pumping-guide-nb.txt: "Fram til barnet er seks måneder"
    if days is None:
        return "📅 " + tr._(
            "That is less than a day's milk at {band} a day (a rough guide).", band=band
        )
    fewest, most = days
    if fewest == most:
        # TRANSLATORS: source: pumping-guide-nb.txt: "Barnets behov for morsmelk øker gradvis"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Fram til barnet er seks måneder"
        return "📅 " + tr.ngettext(
            "That is about {n} day's milk at {band} a day (a rough guide).",
            "That is about {n} days' milk at {band} a day (a rough guide).",
            fewest,
            band=band,
        )
    # TRANSLATORS: source: pumping-guide-nb.txt: "Barnets behov for morsmelk øker gradvis"
    # TRANSLATORS: source: pumping-guide-nb.txt: "Fram til barnet er seks måneder"
    return "📅 " + tr._(
        "That is about {fewest}–{most} days' milk at {band} a day (a rough guide).",
        fewest=fewest,
        most=most,
        band=band,
    )


def days_left_text(days: int, daily: DailyFeeds, settings: ChatSettings) -> str:
    """The days the stash covers at the bottles of the last days (the bot's arithmetic)."""
    tr = settings.tr
    rate = volume(daily.ml_a_day, settings)
    if days < 1:
        return "📅 " + tr._(
            "That is less than a day's milk at the {rate} a day your baby has had from the "
            "bottle lately (a rule of thumb).",
            rate=rate,
        )
    return "📅 " + tr.ngettext(
        "That is about {n} day's milk at the {rate} a day your baby has had from the bottle "
        "lately (a rule of thumb).",
        "That is about {n} days' milk at the {rate} a day your baby has had from the bottle "
        "lately (a rule of thumb).",
        days,
        rate=rate,
    )


def intro_text(settings: ChatSettings) -> str:
    """The one-time note under /stash: where the times come from, and for whom."""
    # TRANSLATORS: source: milk-storage-facts-en.md: "The times are for a healthy baby born at"
    # TRANSLATORS: source: milk-storage-facts-en.md: "freshly pumped or expressed | up to 4"
    # TRANSLATORS: source: milk-storage-facts-en.md: "thawed, previously frozen | 1 to 2 hours"
    # TRANSLATORS: source: milk-storage-facts-en.md: "Be extra careful, and stay within"
    # TRANSLATORS: source: milk-storage-facts-en.md: "Never present an expiry as a guarantee"
    return "ℹ️ " + settings.tr._(
        "These times are CDC guidance for a healthy baby born at term: fresh milk up to 4 days "
        "in the fridge, frozen milk best within {best} months (up to {acceptable} is still "
        "acceptable), thawed milk within 24 hours and never frozen again. If your baby was born "
        "early or is sick, follow the hospital's rules instead. When in doubt, throw it out.",
        best=FREEZER_BEST_MONTHS,
        acceptable=FREEZER_ACCEPTABLE_MONTHS,
    )


def stash_text(
    view: StashView,
    settings: ChatSettings,
    now: datetime,
    *,
    with_intro: bool,
    daily: DailyFeeds | None = None,
) -> str:
    """/stash: each place with its total, then its portions oldest first, then the days it
    covers (at `daily`, the feeds of the last days, when there are enough)."""
    tr = settings.tr
    lines = ["🍼 " + tr._("<b>Your milk stash</b>")]
    if view.empty:
        lines.append(
            tr._(
                "Nothing stored yet. Tap 🧊 Freezer or 🥛 Fridge under a logged session, or "
                "send <code>froze 120</code> or <code>fridge 90</code>."
            )
        )
    for shelf in view.shelves:
        if not shelf.portions:
            continue
        lines += ["", shelf_heading(shelf, settings)]
        lines += [f"• {portion_line(p, settings, now)}" for p in shelf.portions]
    covered = covered_text(view, settings, now, daily)
    if covered:
        lines += ["", covered]
    if with_intro:
        lines += ["", intro_text(settings)]
    return "\n".join(lines)


def pick_text(settings: ChatSettings) -> str:
    return settings.tr._("Which portion? Oldest first.")


def portion_text(portion: StashPortion, settings: ChatSettings, now: datetime) -> str:
    """One portion picked from the list, above its buttons."""
    tr, line = settings.tr, portion_line(portion, settings, now)
    if portion.place == Place.FREEZER:
        return "🧊 " + tr._("In the freezer: {portion}", portion=line)
    return "🥛 " + tr._("In the fridge: {portion}", portion=line)


# -- replies to changes ------------------------------------------------------------------------


def added_text(portion: StashPortion, settings: ChatSettings, now: datetime) -> str:
    tr = settings.tr
    values = {
        "amount": volume(portion.amount_ml, settings),
        "pumped": when_text(portion.pumped_at, settings, now),
    }
    if portion.place == Place.FREEZER:
        # TRANSLATORS: source: milk-storage-facts-en.md: "freshly pumped or expressed | up to 4"
        return "🧊 " + tr._(
            "{amount} is in the freezer (pumped {pumped}). Best used by {day}. "
            "/stash shows all your milk.",
            day=full_day(portion.use_by, settings),
            **values,
        )
    # TRANSLATORS: source: milk-storage-facts-en.md: "freshly pumped or expressed | up to 4"
    return "🥛 " + tr._(
        "{amount} is in the fridge (pumped {pumped}). Use it by {when}. "
        "/stash shows all your milk.",
        when=when_text(portion.use_by, settings, now),
        **values,
    )


def used_text(
    taken: Sequence[tuple[StashPortion, float]],
    left_ml: float,
    place: Place,
    settings: ChatSettings,
) -> str:
    tr = settings.tr
    amount = volume(sum(part for _portion, part in taken), settings)
    left = volume(left_ml, settings)
    if place == Place.FREEZER:
        return "🍼 " + tr._(
            "Used {amount} from the freezer. Left there: {left}.", amount=amount, left=left
        )
    return "🍼 " + tr._(
        "Used {amount} from the fridge. Left there: {left}.", amount=amount, left=left
    )


def thawed_text(portion: StashPortion, settings: ChatSettings, now: datetime) -> str:
    # TRANSLATORS: source: milk-storage-facts-en.md: "thawed, previously frozen | 1 to 2 hours"
    return "💧 " + settings.tr._(
        "{amount} is thawing in the fridge. Use it within 24 hours, by {when}. Thawed milk "
        "can't go back in the freezer.",
        amount=volume(portion.amount_ml, settings),
        when=when_text(portion.use_by, settings, now),
    )


def frozen_text(portion: StashPortion, settings: ChatSettings) -> str:
    # TRANSLATORS: source: milk-storage-facts-en.md: "freshly pumped or expressed | up to 4"
    # TRANSLATORS: source: milk-storage-facts-en.md: "Frozen milk's age counts from when it"
    return "🧊 " + settings.tr._(
        "{amount} moved to the freezer. Best used by {day}.",
        amount=volume(portion.amount_ml, settings),
        day=full_day(portion.use_by, settings),
    )


def discarded_text(portion: StashPortion, settings: ChatSettings) -> str:
    tr = settings.tr
    amount = volume(portion.amount_ml, settings)
    if portion.place == Place.FREEZER:
        return "🗑 " + tr._("Threw out {amount} from the freezer.", amount=amount)
    return "🗑 " + tr._("Threw out {amount} from the fridge.", amount=amount)


def undone_milk_text(
    portions: Sequence[StashPortion], settings: ChatSettings, *, import_: bool = False
) -> str | None:
    """Under an undo: the milk of the removed session (or import) that left the stash too, per
    place; None when none did."""
    tr = settings.tr
    sentences = []
    for place in (Place.FREEZER, Place.FRIDGE):
        total = sum(p.amount_ml for p in portions if p.place == place)
        if not total:
            continue
        amount = volume(total, settings)
        if import_ and place == Place.FREEZER:
            text = tr._(
                "The {amount} of those sessions' milk in the freezer is gone from your stash too.",
                amount=amount,
            )
        elif import_:
            text = tr._(
                "The {amount} of those sessions' milk in the fridge is gone from your stash too.",
                amount=amount,
            )
        elif place == Place.FREEZER:
            text = tr._(
                "The {amount} of this session's milk in the freezer is gone from your stash too.",
                amount=amount,
            )
        else:
            text = tr._(
                "The {amount} of this session's milk in the fridge is gone from your stash too.",
                amount=amount,
            )
        sentences.append(f"{ICONS[place]} {text}")
    return "\n".join(sentences) or None


def problem_text(
    problem: StashProblem,
    settings: ChatSettings,
    now: datetime,
    portion: StashPortion | None = None,
) -> str:
    """Why nothing changed, kindly, in a sentence or two."""
    tr = settings.tr
    kind = problem.kind
    if kind == Problem.AMOUNT_RANGE:
        text = tr._(
            "A portion can be from 1 ml up to {limit}.",
            limit=format_volume(PORTION_MAX_ML, settings.unit, tr.locale),
        )
    elif kind == Problem.NOT_ENOUGH:
        available = volume(problem.available_ml or 0, settings)
        if problem.place == Place.FREEZER:
            text = tr._("There's only {available} in the freezer.", available=available)
        else:
            text = tr._("There's only {available} in the fridge.", available=available)
    elif kind == Problem.NOTHING_TO_USE and problem.place == Place.FREEZER:
        text = tr._("There's no milk in the freezer within its time. /stash shows what you have.")
    elif kind == Problem.NOTHING_TO_USE:
        text = tr._(
            "There's no milk in the fridge within its use-by time. /stash shows what you have, "
            "and a frozen portion can be thawed there."
        )
    elif kind == Problem.SESSION_GONE:
        text = tr._("That session is no longer in the log, so there's nothing to store.")
    elif kind == Problem.ALREADY_STORED:
        if problem.place == Place.FREEZER:
            text = tr._("That session's milk is already in the freezer.")
        else:
            text = tr._("That session's milk is already in the fridge.")
    elif kind == Problem.ALREADY_THAWED:
        text = tr._("That portion is already thawed.")
    elif kind == Problem.NOT_FROZEN:
        text = tr._("That portion is in the fridge, not frozen, so there's nothing to thaw.")
    elif kind == Problem.NO_REFREEZE:
        when = when_text(portion.use_by, settings, now) if portion is not None else ""
        # TRANSLATORS: source: milk-storage-facts-en.md: "thawed, previously frozen | 1 to 2 hours"
        text = tr._(
            "Thawed milk can't go back in the freezer: once milk has been thawed, it should not "
            "be frozen again. Keep it in the fridge and use it within 24 hours of thawing, "
            "by {when}.",
            when=when,
        )
    elif kind == Problem.ALREADY_FROZEN:
        text = tr._("That portion is already in the freezer.")
    elif kind == Problem.PAST_USE_BY:
        # TRANSLATORS: source: milk-storage-facts-en.md: "freshly pumped or expressed | up to 4"
        # TRANSLATORS: source: milk-storage-facts-en.md: "Never present an expiry as a guarantee"
        text = tr._(
            "This milk is past its 4 days in the fridge, so I won't store it there or freeze "
            "it. When in doubt, throw it out."
        )
    else:
        text = tr._("That portion is no longer in the stash.")
    return text + " " + tr._("Nothing changed.")


def repeat_text(settings: ChatSettings) -> str:
    """A typed stash message that arrived again (after a restart): done once already."""
    return settings.tr._(
        "I've already handled that message, so nothing changed. /stash shows your milk now."
    )


def unreadable_text(settings: ChatSettings) -> str:
    return settings.tr._(
        "I couldn't read that. Try one of these:\n"
        "<code>/stash</code> (what you have)\n"
        "<code>/stash add 120 freezer</code>\n"
        "<code>/stash add 90 fridge</code>\n"
        "<code>/stash use</code> (the oldest portion in the fridge)\n"
        "<code>/stash use 60</code>"
    )


# -- the morning note --------------------------------------------------------------------------


def note_line(portion: StashPortion, settings: ChatSettings, now: datetime) -> str:
    tr = settings.tr
    values = {
        "amount": volume(portion.amount_ml, settings),
        "when": when_text(portion.use_by, settings, now),
    }
    if portion.place == Place.FREEZER:
        return "🧊 " + tr._("{amount} in the freezer, best by {when}", **values)
    if portion.thawed_at is not None:
        # TRANSLATORS: source: milk-storage-facts-en.md: "thawed, previously frozen | 1 to 2 hours"
        return "💧 " + tr._("{amount} thawed in the fridge, use by {when}", **values)
    return "🥛 " + tr._("{amount} in the fridge, use by {when}", **values)


def morning_note_text(
    portions: Sequence[StashPortion], settings: ChatSettings, now: datetime
) -> str:
    tr = settings.tr
    total = volume(sum(p.amount_ml for p in portions), settings)
    # TRANSLATORS: source: milk-storage-facts-en.md: "freshly pumped or expressed | up to 4"
    # TRANSLATORS: source: milk-storage-facts-en.md: "thawed, previously frozen | 1 to 2 hours"
    header = "🌅 " + tr.ngettext(
        "Good morning! {total} of stored milk reaches its use-by time within a day:",
        "Good morning! {total} of stored milk in {n} portions reaches its use-by time within "
        "a day:",
        len(portions),
        total=total,
    )
    lines = [header, *(f"• {note_line(p, settings, now)}" for p in portions), ""]
    lines.append(tr._("Tap one when you use it. /stash shows everything you have."))
    lines.append(tr._("You can turn these notes off with /nudges off."))
    return "\n".join(lines)


def use_button_label(portion: StashPortion, settings: ChatSettings) -> str:
    tr = settings.tr
    amount = volume(portion.amount_ml, settings)
    if portion.place == Place.FREEZER:
        return "🍼 " + tr._("Use {amount} (freezer)", amount=amount)
    return "🍼 " + tr._("Use {amount} (fridge)", amount=amount)
