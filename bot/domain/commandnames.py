"""Which command a parent probably meant when they typed one the bot does not have.

Telegram command names are ASCII (`a-z`, digits, `_`), so the Norwegian names are written
without æ, ø and å (`/paminn`, `/lager`); a parent typing `/påminn` or `/idag ` with a typo gets
silence from Telegram's side and from python-telegram-bot's command handlers. Folding the
Norwegian letters first finds those; `rapidfuzz`'s similarity ratio finds ordinary typos
(`/remnd`, `/stahs`).
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

# The letters Telegram does not allow in a command, as the bot's own names spell them.
FOLDED = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "-": "_"})
# Below this similarity (0-100) a guess would more often be wrong than helpful.
MIN_SIMILARITY = 75


def typed_command(text: str) -> str:
    """The command word of a message, without the slash and any @botname: `/Påminn@x 2t` is
    `påminn`."""
    word = text.split(maxsplit=1)[0] if text.strip() else ""
    return word.lstrip("/").split("@", 1)[0].lower()


def closest_command(typed: str, known: Iterable[str]) -> str | None:
    """The known command name nearest to `typed`, or None when none is near enough."""
    names = sorted(set(known))
    folded = typed.lower().translate(FOLDED)
    if not folded or not names:
        return None
    if folded in names:
        return folded
    match = process.extractOne(folded, names, scorer=fuzz.ratio, score_cutoff=MIN_SIMILARITY)
    return match[0] if match else None
