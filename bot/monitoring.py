"""The health check's rules and the metrics read at each scrape, for one running bot.

Ready means: the bot has started (its start-up work is done and it takes updates), the database
answers, and, if this instance leads, its scheduler runs (the leader alone sends reminders).
Whether Telegram answers is shown but does not count: restarting the bot cannot bring Telegram
back, and it rides out an outage by itself (bot/reachability.py).
"""

from __future__ import annotations

import asyncio

from bot.metrics import Health, MonitoringServer
from bot.services import PumpApplication, Services
from bot.storage.vitals import read_vitals

DATABASE_TIMEOUT = 5.0  # seconds a health check waits for the database


def services_of(application: PumpApplication) -> Services:
    return application.bot_data["services"]


async def health_of(application: PumpApplication) -> Health:
    services = services_of(application)
    checks: list[str] = []
    ready = application.running
    checks.append("bot: running" if application.running else "bot: starting or stopping")
    try:
        await asyncio.wait_for(asyncio.to_thread(services.db.check), DATABASE_TIMEOUT)
        checks.append("database: answers")
    except TimeoutError:
        ready = False
        checks.append(f"database: no answer within {DATABASE_TIMEOUT:.0f} s")
    except Exception as error:
        ready = False
        checks.append(f"database: does not answer ({database_problem(error)})")
    if services.leadership.leading:
        job_queue = application.job_queue
        running = job_queue is not None and job_queue.scheduler.running
        ready = ready and running
        checks.append("role: leader, scheduler " + ("running" if running else "not running"))
    else:
        checks.append("role: follower")
    reachability = services.reachability
    checks.append("telegram: " + ("answers" if reachability.reachable else "unreachable"))
    return Health(ready, checks)


def database_problem(error: Exception) -> str:
    """The driver's own first line ("connection refused", "unable to open database file")."""
    original = getattr(error, "orig", None) or error
    first = str(original).strip().splitlines()[0] if str(original).strip() else ""
    return f"{type(original).__name__}: {first[:160]}"


def refresh(application: PumpApplication) -> None:
    """Before a scrape, on a worker thread: what the database and the leadership say now."""
    services = services_of(application)
    metrics = services.metrics
    metrics.leader.set(1 if services.leadership.leading else 0)
    try:
        vitals = read_vitals(services.db, services.clock.now())
    except Exception:
        for gauge in (metrics.reminders_owed, metrics.reminders_on_the_wire, metrics.inbox_depth):
            gauge.set(float("nan"))  # unknown, rather than the last value read
        metrics.inbox_oldest_age.set(float("nan"))
        raise
    metrics.reminders_owed.set(vitals.reminders_owed)
    metrics.reminders_on_the_wire.set(vitals.reminders_on_the_wire)
    metrics.inbox_depth.set(vitals.inbox_depth)
    metrics.inbox_oldest_age.set(vitals.inbox_oldest_age)


def monitoring_server(application: PumpApplication) -> MonitoringServer:
    metrics = services_of(application).metrics
    return MonitoringServer(
        metrics, health=lambda: health_of(application), refresh=lambda: refresh(application)
    )
