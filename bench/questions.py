"""Questions: how many of the labelled parents' messages reach a right answer?

The labelled set (`tests/labelled/questions.csv`, see `tests/support/labelled.py`) goes through
the real Application and the fake Bot API in process, one private chat per language: each
question or worry should be answered with one of its acceptable topics and never stored; each
log should be stored. Counted too: questions or worries answered with the log-format error
("I couldn't read that as a pumping session") and questions or worries stored as logs.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.support.kit import BotHarness
from tests.support.labelled import Figures, evaluate


async def run() -> Figures:
    with tempfile.TemporaryDirectory() as tmp:
        bot = await BotHarness(Path(tmp), clock=None).start()
        try:
            return await evaluate(bot)
        finally:
            await bot.stop()
