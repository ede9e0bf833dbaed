"""Assembles the Application: builder, services, handlers, start-up work.

The composition root: the one module of `bot/` (with the command line that calls it) that
imports `handlers`; everything else in `bot/` is imported by handlers and scheduler, never the
reverse (tests/assembly/test_layout.py checks it).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

import handlers
from bot.clock import Clock, SystemClock
from bot.commands import publish_descriptions, publish_menus
from bot.config import Config
from bot.inbox import (
    ChatOrderedProcessor,
    DurableUpdateQueue,
    PayloadsRequest,
    handle_left_over,
    schedule_upkeep,
)
from bot.leadership import leadership_for, libpq_url, new_instance_id
from bot.metrics import Metrics
from bot.ratelimit import PacedRateLimiter, SharedGrid
from bot.reachability import Reachability, WatchedRequest
from bot.services import PumpApplication, PumpContext, Services, StoppingApplication
from bot.storage.db import Database
from bot.training import start_training

log = logging.getLogger(__name__)


def build_application(
    config: Config,
    *,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    rate_limiter: bool = True,
    process: bool = False,
) -> PumpApplication:
    """The bot, ready to run. Tests pass a fake `request` and a fake `clock`; a bot process
    (`python -m bot`) passes `process=True` (`start_up_for_good`)."""
    db = Database(config.database_url)
    clock = clock or SystemClock()
    metrics = Metrics()
    metrics.watch_database(db.engine)
    reachability = Reachability(metrics)
    inbox = DurableUpdateQueue(db, clock, metrics)
    builder = (
        ApplicationBuilder()
        .application_class(StoppingApplication)
        .token(config.bot_token)
        # The durable inbox (bot/inbox.py): every update is stored before Telegram is told it
        # arrived, and updates run concurrently across chats, in order within one.
        .update_queue(inbox)
        .concurrent_updates(ChatOrderedProcessor(inbox))
        .context_types(ContextTypes(context=PumpContext))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(start_up_for_good if process else start_up)
        .post_shutdown(shut_down)
    )
    if config.bot_api_base_url:
        builder = builder.base_url(config.bot_api_base_url)
    if config.bot_api_file_url:
        builder = builder.base_file_url(config.bot_api_file_url)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # python-telegram-bot's own pool sizes (256, and 1 for getUpdates), with a watch that
        # tells an outage once when it starts and once when it ends (bot/reachability.py);
        # getUpdates hands the inbox each update as sent, to store (bot/inbox.py).
        builder = builder.request(
            WatchedRequest(reachability, connection_pool_size=256)
        ).get_updates_request(PayloadsRequest(reachability, inbox, connection_pool_size=1))
    instance_id = new_instance_id()
    if rate_limiter:
        # Keeps within Telegram's flood limits at a steady pace (29 a second, no bursts) and
        # retries a 429 after its retry_after; bot/ratelimit.py says why not AIORateLimiter.
        # On PostgreSQL the pace is one grid in the database, shared by every instance.
        shared = None
        if config.database_url.startswith("postgresql"):
            shared = SharedGrid(libpq_url(config.database_url), instance_id)
        builder = builder.rate_limiter(
            PacedRateLimiter(max_retries=3, shared=shared, metrics=metrics)
        )
    application: PumpApplication = builder.build()
    application.bot_data["services"] = Services(
        config=config,
        db=db,
        clock=clock,
        menu=handlers.menu_commands(),
        leadership=leadership_for(config.database_url, instance_id),
        instance_id=instance_id,
        metrics=metrics,
        reachability=reachability,
    )
    reachability.probe = application.bot.get_me
    handlers.register_all(application)
    return application


async def start_up(
    application: PumpApplication, after_training: Callable[[], None] | None = None
) -> None:
    """Runs once before the first update: schema, menus and descriptions, then each feature's
    own start-up."""
    services: Services = application.bot_data["services"]
    services.db.upgrade()
    # Load the free-text models kept from the last start (bot.modelcache), or train them now,
    # in a low-priority process (bot.training), rather than on the first parent's question;
    # start-up goes on meanwhile, so reminders are armed without waiting. A question in the
    # first seconds has its language's model trained on the spot.
    start_training(after_training, services.config.model_cache_dir)
    language = services.config.default_language
    # Telegram gone again since start-up reached it: these wait for it rather than end the bot.
    await services.reachability.through(
        lambda: publish_menus(application.bot, services.menu, language)
    )
    await services.reachability.through(lambda: publish_descriptions(application.bot, language))
    for startup in handlers.startup_hooks():
        await startup(application)
    # Before polling or the webhook starts, so what the last run left is handled first. Only
    # webhook instances sharing a PostgreSQL database may be handling updates beside this one.
    others_may_run = services.config.webhook_mode and services.leadership.shared
    await handle_left_over(application, others_may_run=others_may_run)
    schedule_upkeep(application)
    log.info("pumpbot started as @%s", application.bot.username)


async def start_up_for_good(application: PumpApplication) -> None:
    """`start_up` for a bot process (not a test): what start-up made (the libraries, the
    trained models, the texts) lives as long as the process, so it is frozen and the garbage
    collector no longer walks it on every full collection. A profile of the bot under the
    ingest bench put a fifth of the units of work's time in full collections (issue 23).
    Tests start many bots in one process: frozen, theirs would never be collected. The models
    train on after start-up, and are frozen when they are done."""
    await start_up(application, after_training=gc.freeze)
    gc.freeze()


async def shut_down(application: PumpApplication) -> None:
    services: Services = application.bot_data["services"]
    services.leadership.close()  # on PostgreSQL another instance may lead at once
    services.db.dispose()
