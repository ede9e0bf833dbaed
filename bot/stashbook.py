"""The milk stash's one write path: `change_stash` adds, uses, thaws, freezes and throws out
portions, and announces every change (`services.stash_changed`, which reschedules the morning
note). Buttons, typed messages and the log confirmation all call it, never the repository.
The one other change, milk leaving with an undone session (`remove_undone_milk`), is made in
the log book's transaction, which announces it the same way. Bottle feeds take milk through
their own write path (`bot.feedbook`).

Each change is checked by `bot.domain.stash` before anything is written, inside one
transaction that first locks the stash (`StashRepo.lock`, as feeds do: a tap and a feed at the
same moment take turns): a refused change (using more than there is, thawing twice, a
portion of another chat named by forged button data, an amount out of range) writes nothing
and says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session

from bot.domain.chats import ChatSettings
from bot.domain.daybook import parent_day, parent_day_range
from bot.domain.feeds import ThawPlan, thaw_plan
from bot.domain.stash import (
    Place,
    PortionState,
    Problem,
    StashProblem,
    StashView,
    amount_problem,
    freeze_problem,
    gone_with_session,
    stash_view,
    take_amount,
    thaw_problem,
    use_by,
)
from bot.domain.stash_export import stash_csv
from bot.feedbook import recent_feeds
from bot.services import PumpApplication, Services
from bot.storage.db import Database
from bot.storage.models import StashPortion
from bot.storage.repo import SessionRepo, StashRepo, StashStateRepo
from bot.text.stash import (
    added_text,
    discarded_text,
    frozen_text,
    problem_text,
    repeat_text,
    stash_text,
    thawed_text,
    used_text,
)

NAME_MAX_CHARS = 128


class Change(StrEnum):
    ADD = "add"  # a new portion: typed (pumped now), or a logged session's milk
    USE = "use"  # one portion (by id), or the oldest usable one in a place
    USE_AMOUNT = "use_amount"  # an amount from a place, oldest first
    THAW = "thaw"
    FREEZE = "freeze"
    DISCARD = "discard"


@dataclass(frozen=True)
class StashChange:
    kind: Change
    portion_id: int | None = None
    place: Place | None = None
    amount_ml: float | None = None
    session_id: int | None = None
    added_by_name: str | None = None
    # The typed message asking for it, if any: handled once, however often it is delivered.
    source_message_id: int | None = None


@dataclass(frozen=True)
class StashResult:
    """What happened, and the reply: `changed` False means nothing was written."""

    changed: bool
    text: str
    portions: tuple[StashPortion, ...] = ()


async def change_stash(
    application: PumpApplication, settings: ChatSettings, change: StashChange
) -> StashResult:
    """Make one change to the chat's stash and announce it. The only way portions change."""
    services: Services = application.bot_data["services"]
    result = apply_change(services.db, settings, change, services.clock.now())
    if result.changed:
        await services.stash_changed(application, settings.id)
    return result


def apply_change(
    db: Database, settings: ChatSettings, change: StashChange, now: datetime
) -> StashResult:
    """The write itself, in one transaction (no announcement: call `change_stash`)."""
    with db.session() as session:
        StashRepo(session, settings.id).lock()  # one change at a time, with feeds too
        state = StashStateRepo(session, settings.id)
        message_id = change.source_message_id
        if message_id is not None and state.handled_message(message_id):
            return StashResult(False, repeat_text(settings))
        result = _apply(session, settings, change, now)
        if result.changed and message_id is not None:
            state.mark_message(message_id)
        return result


def _apply(
    session: Session, settings: ChatSettings, change: StashChange, now: datetime
) -> StashResult:
    repo = StashRepo(session, settings.id)
    if change.kind == Change.ADD:
        return _add(session, repo, settings, change, now)
    if change.kind == Change.USE_AMOUNT:
        return _use_amount(repo, settings, change, now)
    if change.kind == Change.USE and change.portion_id is None:
        place = change.place or Place.FRIDGE
        oldest = getattr(stash_view(repo.stored()), place.value).oldest_usable(now)
        if oldest is None:
            return _refused(StashProblem(Problem.NOTHING_TO_USE, place=place), settings, now)
        return _use_one(repo, settings, oldest, now)
    portion = repo.get(change.portion_id) if change.portion_id is not None else None
    if change.kind == Change.USE:
        if portion is None or portion.state != PortionState.STORED:
            return _refused(StashProblem(Problem.GONE), settings, now)
        return _use_one(repo, settings, portion, now)
    if change.kind == Change.THAW:
        if (problem := thaw_problem(portion)) is not None or portion is None:
            return _refused(problem or StashProblem(Problem.GONE), settings, now, portion)
        portion.place, portion.thawed_at = Place.FRIDGE, now
        portion.use_by = use_by(Place.FRIDGE, portion.pumped_at, now, settings.tz)
        repo.save(portion)
        return StashResult(True, thawed_text(portion, settings, now), (portion,))
    if change.kind == Change.FREEZE:
        if (problem := freeze_problem(portion, now)) is not None or portion is None:
            return _refused(problem or StashProblem(Problem.GONE), settings, now, portion)
        portion.place = Place.FREEZER
        portion.use_by = use_by(Place.FREEZER, portion.pumped_at, None, settings.tz)
        repo.save(portion)
        return StashResult(True, frozen_text(portion, settings), (portion,))
    if portion is None or portion.state != PortionState.STORED:
        return _refused(StashProblem(Problem.GONE), settings, now)
    portion.state, portion.closed_at = PortionState.DISCARDED, now
    repo.save(portion)
    return StashResult(True, discarded_text(portion, settings), (portion,))


def _refused(
    problem: StashProblem,
    settings: ChatSettings,
    now: datetime,
    portion: StashPortion | None = None,
) -> StashResult:
    return StashResult(False, problem_text(problem, settings, now, portion))


def _add(
    session: Session, repo: StashRepo, settings: ChatSettings, change: StashChange, now: datetime
) -> StashResult:
    place = change.place or Place.FRIDGE
    amount, pumped_at = change.amount_ml, now
    if change.session_id is not None:
        entry = SessionRepo(session, settings.id).get(change.session_id)
        if entry is None:
            return _refused(StashProblem(Problem.SESSION_GONE), settings, now)
        existing = repo.from_session(change.session_id)
        if existing is not None:
            problem = StashProblem(Problem.ALREADY_STORED, place=Place(existing.place))
            return _refused(problem, settings, now)
        amount, pumped_at = entry.total_ml, entry.started_at
    if (problem := amount_problem(amount)) is not None or amount is None:
        return _refused(problem or StashProblem(Problem.AMOUNT_RANGE), settings, now)
    due = use_by(place, pumped_at, None, settings.tz)
    if due <= now:
        return _refused(StashProblem(Problem.PAST_USE_BY), settings, now)
    portion = repo.add(
        StashPortion(
            chat_id=settings.id,
            place=place,
            amount_ml=round(amount, 1),
            pumped_at=pumped_at,
            use_by=due,
            session_id=change.session_id,
            added_by_name=(change.added_by_name or "")[:NAME_MAX_CHARS] or None,
            created_at=now,
        )
    )
    return StashResult(True, added_text(portion, settings, now), (portion,))


def _left_in(repo: StashRepo, place: Place) -> float:
    return getattr(stash_view(repo.stored()), place.value).total_ml


def _use_one(
    repo: StashRepo, settings: ChatSettings, portion: StashPortion, now: datetime
) -> StashResult:
    portion.state, portion.closed_at = PortionState.USED, now
    repo.save(portion)
    place = Place(portion.place)
    text = used_text([(portion, portion.amount_ml)], _left_in(repo, place), place, settings)
    return StashResult(True, text, (portion,))


def _use_amount(
    repo: StashRepo, settings: ChatSettings, change: StashChange, now: datetime
) -> StashResult:
    place = change.place or Place.FRIDGE
    shelf = getattr(stash_view(repo.stored()), place.value)
    taken = take_amount(shelf, change.amount_ml or 0, now)
    if isinstance(taken, StashProblem):
        return _refused(taken, settings, now)
    changed = []
    for portion, part in taken:
        if part >= portion.amount_ml:
            portion.state, portion.closed_at = PortionState.USED, now
            repo.save(portion)
            changed.append(portion)
            continue
        # Part of a portion: the used part becomes its own row, so the history adds up.
        portion.amount_ml = round(portion.amount_ml - part, 1)
        repo.save(portion)
        used = StashPortion(
            chat_id=portion.chat_id,
            place=portion.place,
            state=PortionState.USED,
            amount_ml=round(part, 1),
            pumped_at=portion.pumped_at,
            thawed_at=portion.thawed_at,
            use_by=portion.use_by,
            session_id=portion.session_id,
            added_by_name=portion.added_by_name,
            created_at=now,
            closed_at=now,
        )
        changed += [repo.add(used), portion]
    text = used_text(taken, _left_in(repo, place), place, settings)
    return StashResult(True, text, tuple(changed))


def remove_undone_milk(
    session: Session, chat_id: int, *, session_id: int | None = None, import_id: int | None = None
) -> list[StashPortion]:
    """Take the milk of a session (or of an import's sessions) about to be removed out of the
    stash, inside the caller's transaction, before the sessions go: what is still stored is
    deleted (`bot.domain.stash.gone_with_session`); used or thrown-out portions keep their rows
    as history. The removed portions, for the reply. The caller (`bot.logbook.LogBook`)
    announces the change with `services.stash_changed`."""
    repo = StashRepo(session, chat_id)
    found = repo.from_sessions(session_id=session_id, import_id=import_id)
    gone = gone_with_session(found)
    for portion in gone:
        repo.delete(portion)
    return gone


# -- reading ---------------------------------------------------------------------------------


def stash_page(
    db: Database, settings: ChatSettings, now: datetime, *, intro_once: bool = False
) -> tuple[str, StashView]:
    """/stash's text and what it shows, with the days it covers at the baby's recent feeds.
    With `intro_once`, the storage note comes the first time only (the command); after a tap
    it never does."""
    with db.session() as session:
        view = stash_view(StashRepo(session, settings.id).stored())
        daily = recent_feeds(session, settings.id, now)
        first_time = False
        if intro_once:
            state = StashStateRepo(session, settings.id)
            current = state.get()
            first_time = current is None or current.intro_shown_at is None
            if first_time:
                state.mark_intro_shown(now)
    return stash_text(view, settings, now, with_intro=first_time, daily=daily), view


def overview(db: Database, settings: ChatSettings, now: datetime) -> tuple[str, StashView]:
    """/stash's text and what it shows; the storage note comes the first time only."""
    return stash_page(db, settings, now, intro_once=True)


def thaw_for_away(
    db: Database, settings: ChatSettings, needed_ml: float, now: datetime
) -> ThawPlan:
    """For /away: the stash's milk for a day away tomorrow (`bot.domain.feeds.thaw_plan`);
    fridge milk must still be good at the end of tomorrow."""
    with db.session() as session:
        portions = StashRepo(session, settings.id).stored()
    tomorrow = parent_day(now, settings.tz, settings.day_start) + timedelta(days=1)
    good_until = parent_day_range(tomorrow, settings.tz, settings.day_start)[1]
    return thaw_plan(portions, needed_ml, good_until, now)


def get_portion(db: Database, chat_id: int, portion_id: int) -> StashPortion | None:
    with db.session() as session:
        return StashRepo(session, chat_id).get(portion_id)


def export_stash(db: Database, settings: ChatSettings) -> tuple[int, bytes]:
    """Every portion the chat stored, used or threw out, as CSV (`bot.domain.stash_export`),
    and how many; (0, b"") when there are none. Run it on a worker thread, like the log's."""
    with db.session() as session:
        portions = list(StashRepo(session, settings.id).all())
    if not portions:
        return 0, b""
    return len(portions), stash_csv(portions, settings.tz, settings.language)
