"""What the operator's metrics read from the database at each scrape: the reminders owed and on
the wire, and the inbox's depth and oldest update. One small query each, on indexed columns.

Read from the database rather than counted in the process: with several instances on one
PostgreSQL they are the whole bot's, whichever instance is scraped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col

from bot.storage.db import Database
from bot.storage.models import InboxUpdate, ReminderHandover, ReminderPlan


@dataclass(frozen=True)
class Vitals:
    reminders_owed: int  # enabled plans whose reminder is due by now and not yet claimed
    reminders_on_the_wire: int  # claimed reminders whose request left, not yet answered
    inbox_depth: int  # updates stored and not yet handled
    inbox_oldest_age: float  # seconds the oldest of them has waited (0 when none waits)


def read_vitals(db: Database, now: datetime) -> Vitals:
    due = col(ReminderPlan.next_due_at)
    owed = sa.select(sa.func.count()).where(col(ReminderPlan.enabled), due <= now)
    wire = sa.select(sa.func.count()).where(col(ReminderHandover.handed_over_at).is_not(None))
    inbox = sa.select(sa.func.count(), sa.func.min(col(InboxUpdate.received_at))).where(
        col(InboxUpdate.handled_at).is_(None)
    )
    with db.session() as session:
        reminders_owed = int(session.execute(owed).scalar_one())
        on_the_wire = int(session.execute(wire).scalar_one())
        depth, oldest = session.execute(inbox).one()
    age = 0.0
    if oldest is not None:
        # min() comes back as the column's raw naive UTC on SQLite: read it as UTC.
        oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
        age = max(0.0, (now - oldest).total_seconds())
    return Vitals(reminders_owed, on_the_wire, int(depth), age)
