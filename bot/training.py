"""Training the free-text models beside a running bot: in a process of its own, at low priority.

Training both languages' models (`bot.domain.understanding`) takes several seconds of CPU,
mostly Python holding the GIL. On a thread of the bot process it slowed the event loop for
those seconds: with training beside start-up, the logging bench's p99 went from 17 to 203 ms
and three instances fanned out at 27.3 instead of 28.8 messages a second (2026-12-05, bench
runs at 07:20 and 08:29 UTC). In a spawned process at a lower priority it runs beside the
loop, as the charts do (`bot.periods`), and the fitted models come back pickled through a
pipe. A daemon process and a daemon thread: a bot stopped while it trains stops at once, and
one killed outright ends it too (`_end_with_the_bot`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing import get_context, parent_process
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from bot.domain.understanding import install, trained_models
from bot.modelcache import keep_model, load_model
from bot.text.i18n import LANGUAGES

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

log = logging.getLogger(__name__)

TRAIN_NICENESS = 10  # as the chart process: the bot's own work comes first


_running: threading.Thread | None = None
_starting = threading.Lock()


def start_training(
    after: Callable[[], None] | None = None, kept_in: Path | None = None
) -> threading.Thread:
    """Load every language's model kept in `kept_in` (bot/modelcache.py), or train them in a
    low-priority process that keeps them there; install them in this one, then call `after`.
    One training at a time in a process: a second bot started meanwhile (tests start many)
    shares the one under way, and nothing is trained once the models are here."""
    global _running
    with _starting:
        if _running is not None and _running.is_alive():
            return _running
        _running = _training_thread(after, kept_in)
        return _running


def _training_thread(after: Callable[[], None] | None, kept_in: Path | None) -> threading.Thread:

    def train() -> None:
        started = time.perf_counter()
        done = "trained"
        if not trained_models():
            if _install_kept(kept_in):
                done = "loaded"
            else:
                try:
                    for language, fitted in trained_elsewhere(kept_in).items():
                        install(language, fitted)
                except (OSError, EOFError):
                    # The process could not start, or was stopped with the bot (a stop signal
                    # reaches the whole process group): a question trains its model when asked.
                    log.info("models not trained at start; each is trained when first needed")
                    return
        log.info("understanding models %s in %.2f s", done, time.perf_counter() - started)
        if after is not None:
            after()

    thread = threading.Thread(target=train, name="train-models", daemon=True)
    thread.start()
    return thread


def _install_kept(kept_in: Path | None) -> bool:
    """Install every language's kept model (bot/modelcache.py); False, installing none, unless
    each language has one."""
    if kept_in is None:
        return False
    kept = {language: load_model(kept_in, language) for language in LANGUAGES}
    if any(fitted is None for fitted in kept.values()):
        return False
    for language, fitted in kept.items():
        install(language, fitted)  # type: ignore[arg-type]
    return True


def trained_elsewhere(kept_in: Path | None = None) -> dict[str, Pipeline]:
    """Every language's fitted model, trained in a spawned process (not forked: the bot has
    threads running), which keeps them in `kept_in` if given."""
    context = get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(
        target=_train_and_send, args=(sending, kept_in), name="train-models", daemon=True
    )
    process.start()
    sending.close()
    try:
        return receiving.recv()  # type: ignore[no-any-return]
    finally:
        receiving.close()
        process.join(timeout=5)


def _train_and_send(sending: Connection, kept_in: Path | None) -> None:
    with contextlib.suppress(OSError, AttributeError):
        os.nice(TRAIN_NICENESS)
    _end_with_the_bot()
    # Ctrl-C reaches the whole process group: the bot stops, and ends this daemon process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from bot.domain.understanding import model

    models = {language: model(language) for language in LANGUAGES}
    if kept_in is not None:
        for language, fitted in models.items():
            keep_model(kept_in, language, fitted)
    sending.send(models)
    sending.close()


def _end_with_the_bot() -> None:
    """A bot killed outright (SIGKILL, the OOM killer) cannot end its daemon children: this
    one would train on for a minute of CPU at nobody's request (the slow tests' kills left
    three at once, 2026-12-06). A thread waits on multiprocessing's sentinel for the parent
    (it wakes when the parent is gone, even if that was before this process got here) and
    ends the process then."""
    parent = parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(0)

    threading.Thread(target=watch, name="orphan-check", daemon=True).start()
