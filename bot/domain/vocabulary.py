"""The words parents type for amounts, sides, times and spans, in English and Bokmål (and the
Nynorsk forms people mix in).

One set per meaning, used by every reader: logging (`bot.domain.parsing`), time away
(`bot.domain.tips`), typed reminder plans (`bot.domain.plan_text`) and /pause
(`bot.domain.timetext`). A word added here works everywhere that meaning is read, and
`tests/domain/test_vocabulary.py` checks that it does. Words are lower case; readers lower-case
what was typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# -- spans of time ---------------------------------------------------------------------------

HOUR_WORDS = frozenset(
    {"h", "hr", "hrs", "hour", "hours", "t", "tim", "time", "timer", "timen", "timar", "st", "std"}
)
MINUTE_WORDS = frozenset(
    {"m", "min", "mins", "minute", "minutes", "minutt", "minutter", "minuttar"}
)
DAY_WORDS = frozenset({"d", "day", "days", "dag", "dager", "dagar", "døgn"})
# `an hour`, `en time`: the number one as a word.
ONE_WORDS = frozenset({"a", "an", "one", "en", "ei", "et", "ett"})
# `hver tredje time`: ordinals that stand for a number in typed plans.
ORDINALS = {"annen": 2, "andre": 2, "tredje": 3, "fjerde": 4, "femte": 5, "sjette": 6}
AND_WORDS = frozenset({"and", "og"})

# -- moments ---------------------------------------------------------------------------------

AGO_WORDS = frozenset({"ago", "siden", "sia"})
AT_WORDS = frozenset({"at", "kl", "klokka", "klokken"})
YESTERDAY_WORDS = frozenset({"yesterday", "igår", "igar"})
TODAY_WORDS = frozenset({"today", "idag"})
MERIDIEM_WORDS = frozenset({"am", "pm"})
# `/pause tomorrow`: until the next morning.
MORNING_WORDS = frozenset(
    {"tomorrow", "morning", "imorgen", "morgen", "i morgen", "til i morgen", "til morgen"}
)
OFF_WORDS = frozenset({"off", "stop", "stopp", "av", "slutt", "none", "ingen"})

# -- amounts and sides -----------------------------------------------------------------------

LEFT_WORDS = frozenset({"l", "left", "v", "venstre"})
RIGHT_WORDS = frozenset({"r", "right", "h", "høyre", "hoyre", "høgre"})
BOTH_WORDS = frozenset({"both", "begge", "total", "totalt", "tot", "sum"})
SIDE_WORDS = frozenset({"side", "sides", "sider", "sidene", "sida", "bryst", "breast", "breasts"})
# Millilitres per unit word.
VOLUME_WORDS = {
    **dict.fromkeys(("ml", "mls", "milliliter", "milliliters", "millilitre", "millilitres"), 1.0),
    **dict.fromkeys(("cl", "centiliter", "centilitre"), 10.0),
    **dict.fromkeys(("dl", "desiliter", "deciliter", "decilitre"), 100.0),
    # Not `l`: that is the left side (`60 l 70 r`, and `L 1 R 2` of colostrum).
    **dict.fromkeys(("liter", "litre", "liters", "litres", "ltr"), 1000.0),
}
OUNCE_WORDS = frozenset({"oz", "ounce", "ounces", "unse", "unser"})

# -- how -------------------------------------------------------------------------------------

HAND_WORDS = frozenset(
    {"hand", "hånd", "håndmelking", "håndmelket", "håndmelka", "håndmelk", "manually"}
)
PUMP_WORDS = frozenset({"pump", "pumped", "pumping", "pumpet", "pumpa", "pumpe", "pumpede"})


def alternation(words: Iterable[str]) -> str:
    """A regex group matching any of the words, longest first so `hours` wins over `h`."""
    ordered = sorted(words, key=lambda word: (-len(word), word))
    return "(?:" + "|".join(re.escape(word) for word in ordered) + ")"


def plain_letters(text: str) -> str:
    """Lower case, æ/ø/å as ae/o/a, no accents: how typed words are compared with the
    vocabulary, so `kjøleskap`, `kjoleskap` and `KJØLESKAP` are one word."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
