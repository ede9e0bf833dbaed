"""Reminders a crash left between claim and answer: sent, or counted as on the wire.

A reminder is claimed (its plan moves on, compare-and-set) in the same transaction that writes
its `reminder_handovers` row; the row gets `handed_over_at` just before the HTTP request leaves
(after its turn at the rate limiter) and is deleted once Telegram answered
(`scheduler.delivery.hand_over`). So a row left behind by a process that died says which of
two things happened:

- **Never handed over** (no `handed_over_at`): Telegram never saw it. It is sent now, by the
  process that starts (SQLite) or the instance that takes the lead (PostgreSQL), unless a newer
  reminder of the same plan is already owed (the bot was down long enough for the next one to
  fall due: missed reminders become one, as after any restart) or the plan was switched off.
- **On the wire** (`handed_over_at` set): the request left, and the process died before the
  answer. Telegram may have delivered it or not, and nothing can tell us which. It is not sent
  again: a reminder twice is what a parent would notice and hate, and the next one still comes.
  So at most the requests on the wire at the crash are lost (at 29 a second, with a round trip
  of a few milliseconds, usually none or one), and none is doubled. They are counted in the log.

A new leader may take over while the old one, cut off from the database, still runs: taking a
row over is a compare-and-set on its sender (`HandoverRepo.take_over`), and a sender marks the
hand-over only on its own row, so exactly one of them sends it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.services import PumpApplication
from bot.storage.repo import HandoverRepo, PlanRepo
from scheduler.delivery import Outcome, claimed_message, hand_over, services_of

log = logging.getLogger(__name__)


@dataclass
class Recovered:
    sent: int = 0  # claimed, never handed over: sent now
    on_the_wire: int = 0  # handed over when the sender died: may have arrived, not resent
    superseded: int = 0  # a newer reminder is owed, or the plan is off: not sent


async def recover_handovers(application: PumpApplication) -> Recovered:
    """Settle every reminder another (earlier or dead) process left between claim and answer."""
    services = services_of(application)
    me = services.instance_id
    now = services.clock.now()
    counts = Recovered()
    with services.db.session() as session:
        left = HandoverRepo(session).left_by_others(me)
    sending = []
    for row in left:
        with services.db.session() as session:
            handovers = HandoverRepo(session)
            if row.handed_over_at is not None or not handovers.take_over(row, me, now):
                handovers.drop(row)
                counts.on_the_wire += 1
                continue
            plan = PlanRepo(session).get(row.chat_id)
            newer_owed = (
                plan is not None and plan.next_due_at is not None and plan.next_due_at <= now
            )
            message = (
                None if newer_owed else claimed_message(session, row.chat_id, row.due_for, now)
            )
            if message is None:
                handovers.answered(row.chat_id, me)
                counts.superseded += 1
                continue
        text, keyboard = message
        sending.append(
            hand_over(application, row.chat_id, text, keyboard, row.due_for, now, None, 0)
        )
    # Together: each still waits for its turn at the rate limiter.
    outcomes = await asyncio.gather(*sending)
    counts.sent = sum(1 for outcome in outcomes if outcome == Outcome.SENT)
    if left:
        log.warning(
            "Reminders left between claim and answer by the last sender: %d sent now (never "
            "handed over), %d were on the wire and are not sent again (each may have arrived), "
            "%d superseded by a newer reminder",
            counts.sent,
            counts.on_the_wire,
            counts.superseded,
        )
    return counts
