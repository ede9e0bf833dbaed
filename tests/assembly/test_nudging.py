"""Which nudge a chat is due after a log, decided over the database without Telegram
(`bot.nudging`): what the parent logged, her reminder plan and the off switch decide."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.nudges import NudgeKind
from bot.domain.planning import Preset
from bot.nudging import DueNudge, nudges_enabled, set_nudges, take_due_nudge
from bot.storage.db import Database
from bot.storage.models import PumpSession
from bot.storage.repo import ChatRepo, NudgeRepo, PlanRepo, SessionRepo
from tests.support.backends import database_url_for

CHAT = 42
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # 10:00 in Oslo


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(database_url_for(tmp_path))
    database.upgrade()
    with database.session() as session:
        ChatRepo(session).get_or_create(CHAT, language="nb", timezone="Europe/Oslo")
    yield database
    database.dispose()


def take(db: Database, chat_id: int, now: datetime) -> DueNudge | None:
    """The nudge due after a change, in a transaction of its own, as the follower runs it."""
    with db.session() as session:
        return take_due_nudge(session, chat_id, now)


def log_every(db: Database, hours: float, ml: float, days: int = 4) -> None:
    """Sessions `hours` apart over the last `days` days, the latest at NOW."""
    with db.session() as session:
        repo = SessionRepo(session, CHAT)
        moment = NOW - timedelta(days=days)
        while moment <= NOW:
            repo.add(PumpSession(chat_id=CHAT, started_at=moment, total_ml=ml))
            moment += timedelta(hours=hours)


def remind(db: Database, preset: str, *, enabled: bool = True) -> None:
    with db.session() as session:
        plan = PlanRepo(session).get_or_create(CHAT)
        plan.preset, plan.enabled = preset, enabled
        session.add(plan)


def test_three_days_over_a_litre_bring_the_overproduction_note_once(db: Database) -> None:
    log_every(db, 4, 200)  # six sessions a day, 1,200 ml
    due = take(db, CHAT, NOW)
    assert due is not None
    assert due.kind == NudgeKind.OVERPRODUCTION
    assert due.read_more == "overproduction"
    assert due.settings.language == "nb"  # worded in the chat's language
    # Marked as sent before anyone sends it: the next log the same week brings nothing.
    assert take(db, CHAT, NOW + timedelta(minutes=5)) is None


def test_the_off_switch_means_no_nudge_and_nothing_marked(db: Database) -> None:
    log_every(db, 4, 200)
    set_nudges(db, CHAT, False)
    assert not nudges_enabled(db, CHAT)
    assert take(db, CHAT, NOW) is None
    with db.session() as session:
        state = NudgeRepo(session, CHAT).get()
        assert state is not None and state.overproduction_sent_at is None
    set_nudges(db, CHAT, True)  # back on: the note that was held back comes now
    due = take(db, CHAT, NOW)
    assert due is not None and due.kind == NudgeKind.OVERPRODUCTION


def test_few_sessions_are_noted_only_on_the_building_plan_while_it_is_on(db: Database) -> None:
    log_every(db, 6, 100)  # four sessions a day
    assert take(db, CHAT, NOW) is None  # no reminder plan: four a day is fine
    remind(db, Preset.BUILDING, enabled=False)
    assert take(db, CHAT, NOW) is None  # reminders off: not on the plan
    remind(db, Preset.BUILDING)
    due = take(db, CHAT, NOW)
    assert due is not None
    assert due.kind == NudgeKind.FEW_SESSIONS
    assert due.sessions_last_day == 4  # 16:00, 22:00, 04:00 and 10:00
    assert due.read_more == "premature"  # the building topic, never "raise a low supply"


def test_a_chat_the_bot_does_not_know_gets_nothing(db: Database) -> None:
    assert take(db, CHAT + 1, NOW) is None
