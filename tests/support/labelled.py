"""The labelled set of parents' messages (`tests/labelled/questions.csv`) and how the bot does on
it, measured through the real Application and the fake Bot API as a parent would see it.

Each row: the message as a parent might type it (typos, no punctuation, numbers inside, worries
as statements), its language, its kind (`question`, `worry` or `log`), the topics that would be
a right answer (space-separated ids; none for a log), and its split. The set was written before
the matcher was tuned, from how parents talk rather than from the keywords; the `holdout` rows
(about 30 %, chosen by a hash of the message) were never looked at while tuning.

Used by `python -m bench --only questions` and by `tests/domain/test_questions.py`.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.domain.tips import TOPICS
from bot.storage.repo import SessionRepo
from bot.text.i18n import LANGUAGES, translator
from tests.support.kit import BotHarness

LABELLED = Path(__file__).resolve().parent.parent / "labelled" / "questions.csv"
CHATS = {"en": 8101, "nb": 8102}
LOG_FORMAT_ERROR = "I couldn't read that as a pumping session, so nothing was saved."


@dataclass(frozen=True)
class Labelled:
    message: str
    language: str
    kind: str  # question, worry or log
    topics: frozenset[str]
    split: str  # tune or holdout


def outside_set(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """A set written after training (`tests/labelled/*.tsv`): each message with the answers
    that are right for it (topic ids, `chatter`, or `LOG` for a log), a tab between."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        message, accepted = line.split("\t")
        rows.append((message, tuple(accepted.split("|"))))
    return rows


def load() -> list[Labelled]:
    with LABELLED.open(newline="", encoding="utf-8") as handle:
        return [
            Labelled(
                row["message"],
                row["language"],
                row["kind"],
                frozenset(row["topics"].split()),
                row["split"],
            )
            for row in csv.DictReader(handle)
        ]


@dataclass(frozen=True)
class Outcome:
    item: Labelled
    topic: str | None  # the topic the reply showed
    stored: bool  # a session was logged
    log_format_error: bool  # the reply was "I couldn't read that as a pumping session"

    @property
    def right(self) -> bool:
        if self.item.kind == "log":
            return self.stored
        return self.topic in self.item.topics and not self.stored


@dataclass
class Figures:
    outcomes: list[Outcome] = field(default_factory=list)

    def share(self, language: str | None = None, split: str | None = None) -> tuple[int, int]:
        """(right, total) among the questions and worries."""
        chosen = [
            o
            for o in self.outcomes
            if o.item.kind != "log"
            and (language is None or o.item.language == language)
            and (split is None or o.item.split == split)
        ]
        return sum(o.right for o in chosen), len(chosen)

    @property
    def worries_with_log_error(self) -> int:
        return sum(o.log_format_error for o in self.outcomes if o.item.kind != "log")

    @property
    def questions_stored(self) -> int:
        return sum(o.stored for o in self.outcomes if o.item.kind != "log")

    @property
    def logs(self) -> tuple[int, int]:
        logs = [o for o in self.outcomes if o.item.kind == "log"]
        return sum(o.stored for o in logs), len(logs)

    def counts(self) -> Counter[str]:
        return Counter(f"{o.item.language}/{o.item.kind}" for o in self.outcomes)


def headings(language: str) -> dict[str, str]:
    tr = translator(language)
    return {f"<b>{t.icon} {tr._(t.title)}</b>": t.id for t in TOPICS}


def stored_count(bot: BotHarness, chat_id: int) -> int:
    with bot.services.db.session() as session:
        return SessionRepo(session, chat_id).count()


async def evaluate(bot: BotHarness, items: list[Labelled] | None = None) -> Figures:
    """Send every message in a private chat of its language; read what came back."""
    figures = Figures()
    known = {language: headings(language) for language in LANGUAGES}
    errors = {language: translator(language)._(LOG_FORMAT_ERROR) for language in LANGUAGES}
    for item in load() if items is None else items:
        chat = CHATS[item.language]
        before = stored_count(bot, chat)
        reply = await bot.say(item.message, chat_id=chat, user_id=chat, language_code=item.language)
        text = reply.text or ""
        topic = next(
            (tid for head, tid in known[item.language].items() if text.startswith(head)), None
        )
        stored = stored_count(bot, chat) > before
        figures.outcomes.append(Outcome(item, topic, stored, errors[item.language] in text))
    return figures
