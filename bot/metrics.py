"""What an operator watches: the bot's Prometheus metrics, and the server for them and the
health check (on METRICS_PORT; docs/operations-metrics.md lists every metric).

`Metrics` owns the metric objects, in a registry of the application's own (two applications
in one test process must not count into each other). Where something happens, one line counts
it: `metrics.logs_stored.inc()`. The database's errors are counted by an engine event, wherever
they occur. What the database knows for the whole bot (reminders owed and on the wire, the
inbox) is read at each scrape (bot/monitoring.py).

`MonitoringServer` serves `/healthz` (200 when ready, 503 otherwise; the body says why, one
line per check) and `/metrics` (Prometheus' text format). It is a tornado server (tornado comes
with python-telegram-bot's webhook extra) on the bot's own event loop; what reads the database
runs on a worker thread, so a slow database never holds up the bot.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass

import sqlalchemy as sa
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

log = logging.getLogger(__name__)

# No `_created` series beside each counter: nothing here alerts on them, and they double a scrape.
disable_created_metrics()

# When the update being handled arrived in this process (time.monotonic()); set by the inbox's
# processor around each update's handlers, so a confirmation knows how long the parent waited.
UPDATE_ARRIVED: ContextVar[float | None] = ContextVar("update_arrived", default=None)
# A parent waits for a confirmation: most take well under a second, a 429 pause a few.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    """Every metric one bot process exports."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.updates_handled = Counter(
            "pumpbot_updates_handled", "Updates whose handlers have run.", registry=registry
        )
        self.logs_stored = Counter(
            "pumpbot_logs_stored", "Sessions stored (logged or imported).", registry=registry
        )
        self.reminders_sent = Counter(
            "pumpbot_reminders_sent", "Reminders Telegram accepted.", registry=registry
        )
        self.too_many_requests = Counter(
            "pumpbot_telegram_429", "Requests Telegram answered with 429.", registry=registry
        )
        self.retry_after = Counter(
            "pumpbot_telegram_retry_after_seconds",
            "Seconds Telegram asked the bot to wait, in all.",
            registry=registry,
        )
        self.database_errors = Counter(
            "pumpbot_database_errors", "Errors the database driver raised.", registry=registry
        )
        self.confirmation_latency = Histogram(
            "pumpbot_confirmation_latency_seconds",
            "From a log message's arrival to Telegram accepting its confirmation.",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.leader = Gauge(
            "pumpbot_leader",
            "1 while this instance leads (runs the scheduler), 0 while it follows.",
            registry=registry,
        )
        self.telegram_reachable = Gauge(
            "pumpbot_telegram_reachable",
            "1 while the Bot API answers, 0 during an outage.",
            registry=registry,
        )
        self.telegram_reachable.set(1)
        self.reminders_owed = Gauge(
            "pumpbot_reminders_owed",
            "Reminders due by now and not yet sent (the whole bot's, from the database).",
            registry=registry,
        )
        self.reminders_on_the_wire = Gauge(
            "pumpbot_reminders_on_the_wire",
            "Reminders sent and not yet answered by Telegram (from the database).",
            registry=registry,
        )
        self.inbox_depth = Gauge(
            "pumpbot_inbox_depth",
            "Updates stored and not yet handled (from the database).",
            registry=registry,
        )
        self.inbox_oldest_age = Gauge(
            "pumpbot_inbox_oldest_age_seconds",
            "How long the oldest unhandled update has waited (from the database).",
            registry=registry,
        )

    def watch_database(self, engine: sa.Engine) -> None:
        """Count every error the engine's driver raises (connecting included)."""
        sa.event.listen(engine, "handle_error", lambda _context: self.database_errors.inc())

    def told_to_wait(self, seconds: float) -> None:
        """Telegram answered 429 and asked for `seconds`."""
        self.too_many_requests.inc()
        self.retry_after.inc(seconds)

    def confirmed(self) -> None:
        """A log's confirmation was accepted: how long since its update arrived."""
        arrived = UPDATE_ARRIVED.get()
        if arrived is not None:
            self.confirmation_latency.observe(time.monotonic() - arrived)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


@dataclass(frozen=True)
class Health:
    ready: bool
    checks: list[str]  # one line each, "database: answers"

    def body(self) -> str:
        return "\n".join(["ready" if self.ready else "unready", *self.checks]) + "\n"


class _Healthz(RequestHandler):
    def initialize(self, server: MonitoringServer) -> None:
        self.server = server

    async def get(self) -> None:
        health = await self.server.health()
        self.set_status(200 if health.ready else 503)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(health.body())


class _Metrics(RequestHandler):
    def initialize(self, server: MonitoringServer) -> None:
        self.server = server

    async def get(self) -> None:
        body = await asyncio.to_thread(self.server.scrape)
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(body)


def _quiet(_handler: RequestHandler) -> None:
    """No access log: a scrape every 15 seconds is not news."""


class MonitoringServer:
    """Serves `/healthz` and `/metrics` on a port, on the running event loop.

    `health` answers whether the instance is ready; `refresh` (on a worker thread, before each
    scrape) reads into the metrics what the database knows."""

    def __init__(
        self,
        metrics: Metrics,
        health: Callable[[], Awaitable[Health]],
        refresh: Callable[[], None] | None = None,
    ) -> None:
        self.metrics = metrics
        self.health = health
        self.refresh = refresh
        self.port = 0
        self._http: HTTPServer | None = None

    def scrape(self) -> bytes:
        if self.refresh is not None:
            try:
                self.refresh()
            except Exception as error:  # the database is away: the rest is still worth reading
                log.debug("Metrics from the database unavailable: %s", error)
        return self.metrics.exposition()

    async def start(self, port: int, listen: str = "0.0.0.0") -> MonitoringServer:
        routes = [
            (r"/healthz", _Healthz, {"server": self}),
            (r"/metrics", _Metrics, {"server": self}),
        ]
        sockets = bind_sockets(port, address=listen)
        self.port = sockets[0].getsockname()[1]
        self._http = HTTPServer(Application(routes, log_function=_quiet))
        self._http.add_sockets(sockets)
        log.info("Health and metrics on port %d (/healthz, /metrics)", self.port)
        return self

    async def stop(self) -> None:
        if self._http is not None:
            self._http.stop()
            await self._http.close_all_connections()
            self._http = None
