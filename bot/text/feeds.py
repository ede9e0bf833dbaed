"""What a bottle feed says: the reply to a feed (which milk it took), its undo, refusals, and
the days the stash covers at what the baby drinks.

Plain functions of the outcome, the chat's settings and `now`; HTML like every bot message.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.chats import ChatSettings
from bot.domain.feeds import FEED_MAX_ML, Take, ThawPlan
from bot.feedbook import FeedOutcome, Outcome
from bot.storage.models import StashPortion
from bot.text.formatting import day_text, format_volume, volume, when_text
from bot.text.stash import repeat_text


def take_line(
    take: Take, leftover: StashPortion | None, settings: ChatSettings, now: datetime
) -> str:
    """One portion a feed took from: all of it, or part, with what is left and until when."""
    tr, portion = settings.tr, take.portion
    icon = "💧" if portion.thawed_at is not None else "🥛"
    values = {
        "amount": volume(take.amount_ml, settings),
        "day": day_text(portion.pumped_at, settings, now),
    }
    if leftover is None:
        if portion.thawed_at is not None:
            return f"{icon} " + tr._("{amount} of thawed milk, pumped {day}", **values)
        return f"{icon} " + tr._("{amount}, pumped {day}", **values)
    # TRANSLATORS: source: milk-storage-facts-en.md: "left over from a feed (baby did not finish)"
    return f"{icon} " + tr._(
        "{amount} of the portion pumped {day}. The {left} left in it counts as milk left over "
        "from a feed: use it within 2 hours, by {when}.",
        left=volume(leftover.amount_ml, settings),
        when=when_text(leftover.use_by, settings, now),
        **values,
    )


def fed_text(outcome: FeedOutcome, settings: ChatSettings, now: datetime) -> str:
    """The reply to a feed, or why nothing was logged."""
    tr = settings.tr
    if outcome.kind == Outcome.REPEAT:
        return repeat_text(settings)
    if outcome.kind == Outcome.AMOUNT_RANGE or outcome.plan is None or outcome.feed is None:
        return tr._(
            "A feed can be from 1 ml up to {limit}. Nothing changed.",
            limit=format_volume(FEED_MAX_ML, settings.unit, tr.locale),
        )
    plan = outcome.plan
    amount = volume(plan.amount_ml, settings)
    if not plan.takes:
        lines = [
            "🍼 "
            + tr._(
                "Logged a feed of {amount}. There was no milk ready in the fridge, so none of "
                "it came from the stash.",
                amount=amount,
            )
        ]
    elif plan.outside_ml >= 0.5:
        lines = [
            "🍼 "
            + tr._(
                "Logged a feed of {amount}: {stash} from the stash, {outside} from outside it. "
                "It took:",
                amount=amount,
                stash=volume(plan.from_stash_ml, settings),
                outside=volume(plan.outside_ml, settings),
            )
        ]
    else:
        lines = [
            "🍼 " + tr._("Logged a feed of {amount}, all from the stash. It took:", amount=amount)
        ]
    leftovers = {p.id: p for p in outcome.leftovers}
    lines += [
        f"• {take_line(take, leftovers.get(take.portion.id), settings, now)}" for take in plan.takes
    ]
    if plan.outside_ml >= 0.5 and plan.frozen_ml > 0:
        lines += [
            "",
            "🧊 "
            # TRANSLATORS: source: milk-storage-facts-en.md: "Thaw the oldest milk first"
            + tr._(
                "There's {frozen} in the freezer. Thaw the oldest portion in the fridge for the "
                "next feeds: /stash.",
                frozen=volume(plan.frozen_ml, settings),
            ),
        ]
    return "\n".join(lines)


def undone_text(outcome: FeedOutcome, settings: ChatSettings) -> str:
    tr = settings.tr
    if outcome.kind != Outcome.UNDONE or outcome.feed is None:
        return tr._("That feed is no longer logged. Nothing changed.")
    amount = volume(outcome.feed.amount_ml, settings)
    if outcome.restored_ml:
        return "↩️ " + tr._(
            "The feed of {amount} is undone, and the {restored} it took is back in the stash "
            "as it was.",
            amount=amount,
            restored=volume(outcome.restored_ml, settings),
        )
    return "↩️ " + tr._("The feed of {amount} is undone.", amount=amount)


def feed_prompt(settings: ChatSettings) -> str:
    """/feed alone, or an amount it could not read."""
    return settings.tr._(
        "How much did your baby have? Send it like <code>/feed 90</code>, or write "
        "<code>fed 90 ml</code>. I take it from the milk in the fridge, the oldest first."
    )


# -- thawing for a day away ------------------------------------------------------------------


def portion_label(portion: StashPortion, settings: ChatSettings, now: datetime) -> str:
    return settings.tr._(
        "{amount}, pumped {day}",
        amount=volume(portion.amount_ml, settings),
        day=day_text(portion.pumped_at, settings, now),
    )


def thaw_text(plan: ThawPlan, settings: ChatSettings, now: datetime) -> str:
    """Under /away: which stored milk covers tomorrow's time away, and what to thaw tonight."""
    tr = settings.tr
    if not plan.in_fridge and not plan.to_thaw:
        return ""  # nothing stored that helps: the amount to leave says it all
    lines: list[str] = []
    if plan.in_fridge:
        # TRANSLATORS: source: milk-storage-facts-en.md: "freshly pumped or expressed | up to 4"
        # TRANSLATORS: source: milk-storage-facts-en.md: "thawed, previously frozen | 1 to 2 hours"
        good = tr._(
            "In the fridge and still good tomorrow: {amount}.",
            amount=volume(plan.fridge_ml, settings),
        )
        lines.append(f"🥛 {good}")
    if plan.to_thaw:
        # TRANSLATORS: source: milk-storage-facts-en.md: "Thaw the oldest milk first"
        # TRANSLATORS: source: milk-storage-facts-en.md: "thawed, previously frozen | 1 to 2 hours"
        thaw = tr._(
            "Thaw these tonight in the fridge, the oldest first; thawed milk keeps 24 hours there:"
        )
        lines.append(f"💧 {thaw}")
        lines += [f"• 🧊 {portion_label(p, settings, now)}" for p in plan.to_thaw]
    if plan.short_ml >= 0.5:
        lines.append(
            "⚠️ "
            + tr._(
                "Your stash is {short} short of that.",
                short=volume(plan.short_ml, settings),
            )
        )
    return "\n".join(["🍼 " + tr._("<b>From your stash</b>"), *lines])
