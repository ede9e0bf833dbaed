"""The warning signs: what in a parent's message means she must be told to get help, and which
tip carries that help line.

A sign here always wins over whatever else a message seems to ask (the router asks
`warning_sign_in` first): a parent who writes "breast is red and i have a fever" gets the
mastitis tip with its line to a doctor, the health visitor or the maternity ward, never a
tip about supply. The patterns are deliberately narrow (whole words, both languages, no fuzzy
matching): a sign found where there is none costs a parent one extra tip, a sign missed can
cost her health, but a pattern that fires on everyday words would teach her to skip the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.tips import CARE_DOCTOR, CARE_EXCLUSIVE_DROP, CARE_LOW_MOOD, CARE_MASTITIS


@dataclass(frozen=True)
class WarningSign:
    """One sign: its id, the tip that answers it, and the help line that tip ends with."""

    id: str
    topic: str
    help_line: str
    pattern: re.Pattern[str]
    help_first: bool = False  # the help line before the tip's text, not after it


def _words(*alternatives: str) -> re.Pattern[str]:
    """One pattern that matches any alternative as whole words, on `plain` text."""
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


_BREAST = r"(?:breast|breasts|boob|boobs|bryst|brystet|brystene|puppen|pupp)"
_DESPITE = (
    r"(?:despite|although|even though|even tho|though|even with|even when|in spite of|"
    r"selv om|til tross for|selv med|enda jeg)"
)
_DROP = (
    r"(?:dropped|drop|dropping|gone down|going down|went down|down from|down to|halved|"
    r"decreased|decreasing|ned fra|ned til|"
    r"sunket|synker|sank|gått ned|går ned|gikk ned|falt|faller|halvert|minket|minker)"
    # Not fewer sessions (`dropping the night session`, `går ned til 5 økter`): that is
    # stepping down, not a drop in milk.
    r"(?! (?:til |to )?(?:\d+|a|the|one|my|another|en|ei|ett|den) (?:\w+ )?"
    r"(?:sessions?|pumps?|pumpings?|feeds?|times|økt\w*|ganger|pumping\w*|måltid\w*))"
)

# She says she pumps exclusively: the drop is then a sign even without "despite".
_EXCLUSIVE = (
    r"(?:exclusively pump\w*|pump\w* exclusively|exclusive pumper|an ep|im ep|i ep|"
    r"ep (?:here|mom|mum|mama|mamma|parent)|"
    r"(?:pump|pumping) only|only pumping|no nursing|dont nurse|not nursing|"
    r"fullpump\w*|pumper (?:bare|kun|utelukkende|eksklusivt)(?! \d)|"
    r"(?:bare|kun|utelukkende) pumpe(?:r|t)? (?:nå|no|melka|melken)|ammer ikke|ammer ikkje)"
)

# `har det` said of oneself: first in the message or after I (`jeg`, dialect `eg`, `e`, `æ`).
_ME_HAVE = r"(?:^|(?:jeg|eg|e|æ) )(?:har|he)"

WARNING_SIGNS: tuple[WarningSign, ...] = (
    # Thoughts of self-harm or of not being here: the low-mood tip, its line with 113 first.
    WarningSign(
        "self_harm",
        "low_mood",
        CARE_LOW_MOOD,
        _words(
            r"want to die|wanna die|dont want to (?:live|be here)",
            r"(?:hurt|hurting|harm|harming|kill|killing) myself|suicidal|suicide",
            # Also said without the word suicide. Kept to phrasings about oneself (`the lump
            # to disappear` is not).
            r"end(?:ing)? (?:it all|my life)|(?:better off|happier) without me|hate myself",
            r"(?:want|wanna|wish i could|just want) to disappear|wish i (?:was|were) dead",
            r"wish i (?:wasnt|werent) (?:here|alive)|dont want to (?:wake up|be alive)",
            r"(?:whats|what is) the point (?:of|in) (?:anything|it all|living|life|going on)",
            r"no point (?:in )?(?:living|going on)",
            r"vil ikke leve|vil dø|ta livet av meg|skade meg selv|selvmord\w*",
            r"ta livet mitt|avslutte (?:det hele|livet)|(?:bedre|lykkeligere) uten meg",
            r"gjøre slutt på (?:alt|alt sammen|det hele|livet|meg selv)|ta mitt eget liv",
            r"hater meg selv|orker ikke (?:å )?leve|vil ikke våkne|ingen vits (?:i|med) å leve",
            r"(?:jeg|eg|æ|e) (?:vil|ville|har lyst til å) (?:bare )?forsvinne|vil bare forsvinne",
            r"(?:skulle )?ønske (?:jeg|eg|æ) (?:var død|ikke fantes|ikkje fantes)",
            r"(?:hva|ka|kva) e(?:r)? vitsen (?:med|ved) (?:noe|noko|alt|livet|å leve)",
        ),
        help_first=True,
    ),
    WarningSign(
        "low_mood",
        "low_mood",
        CARE_LOW_MOOD,
        _words(
            r"depressed|depression|postnatal depression|postpartum depression|ppd",
            r"cant (?:do|take|handle) (?:it|this) any ?more|cant cope|cant go on",
            r"hopeless|(?:i feel|feeling) (?:so |really |very )?(?:low|down)",
            r"deprimert|depresjon|fødselsdepresjon|depressiv",
            r"orker ikke (?:mer|dette mer|det mer|lenger)|klarer ikke mer|holder ikke ut",
            r"håpløs|håpløst|nedstemt|nedfor|langt nede",
            # Ways of saying one is not coping that name no illness: the help line is cheap,
            # a missed low mood is not. The parent's own state only (`i`, `jeg`), never the baby's.
            r"(?:im|i am) (?:really |just |so )?not (?:ok|okay|coping|doing (?:well|ok|okay))",
            r"having (?:a |such a )?(?:really |very |so )?"
            r"(?:hard|awful|terrible|horrible|dark|rough) time"
            r"(?! (?:getting|with|finding|to|feeding|nursing))",
            r"i(?:m| am)? (?:(?:just|totally|completely) )?falling apart",
            r"everything (?:is|feels) dark",
            r"i (?:cant stop|keep) crying|i cry (?:all the time|every day)",
            r"(?:i feel|feeling|i feel like) (?:so |completely |totally )?"
            r"(?:numb|worthless|useless|like a failure)",  # not `empty`: said of breasts too
            rf"{_ME_HAVE} det (?:helt |så |veldig |skikkelig |bare )?"
            r"(?:jævlig|jævli|dritt|drittfælt|forferdelig|grusomt|tungt|tøft)",
            rf"{_ME_HAVE} det (?:ikke|ikkje) (?:bra|godt|greit)",
            r"(?:jeg|eg|æ) er (?:ikke|ikkje) ok(?:ay)?|(?:jeg|eg|æ) faller (?:helt )?fra hverandre",
            r"(?:jeg|eg|æ|e) (?:bare )?(?:gråter|griner) "
            r"(?:hele tiden|hele tida|hver dag|hele dagen)",
            r"føler meg (?:så |helt |bare )?(?:tom|verdiløs|ubrukelig|mislykket|som en fiasko)",
            r"alt (?:er|føles|kjennes) (?:så )?(?:svart|mørkt)",
        ),
    ),
    WarningSign(
        "fever",
        "mastitis",
        CARE_MASTITIS,
        _words(
            r"fever|feverish|high temperature|running a temperature|shivering with fever",
            r"feber|febersyk|høy temp|høy temperatur|frysninger|fryser og svetter",
            r"frysetokt\w*|skjelver og fryser",
        ),
    ),
    WarningSign(
        "mastitis",
        "mastitis",
        CARE_MASTITIS,
        _words(
            r"mastitis|breast infection|(?:clogged|blocked|plugged) (?:milk )?ducts?",
            r"brystbetennelse\w*|mastitt|tett(?:e)? melkegang(?:er|en)?|tett(?:e)? kanal(?:er)?",
        ),
    ),
    WarningSign(
        "breast_area",
        "mastitis",
        CARE_MASTITIS,
        _words(
            rf"{_BREAST} (?:is|feels|looks|are) (?:\w+ )?(?:red|hot|hard|swollen|inflamed)",
            rf"(?:red|hot|hard|swollen) (?:and \w+ )?(?:area|spot|patch|lump) (?:on|in) (?:my|the) "
            rf"{_BREAST}",
            rf"red (?:and|&) (?:hot|hard|swollen|painful|sore)|lump in (?:my|the|one) {_BREAST}",
            r"hard lump|painful lump|a lump|lump (?:that|which) hurts|lump the size of",
            rf"{_BREAST} er (?:\w+ )?(?:rødt|rød|varmt|varm|hardt|hard|hovent|hoven|betent)",
            rf"(?:rødt|varmt|hardt|hovent) (?:område|parti|felt) (?:på|i) {_BREAST}",
            rf"rødt? og (?:varmt?|hardt?|hovent?|vondt|ømt)|kul i {_BREAST}|klump i {_BREAST}",
            # `kul` is also `cool` (`en kul app`): only a lump that hurts, or is placed or sized.
            r"(?:vond|hard|øm|rød) (?:kul|klump)|en kul (?:som|på størrelse|under|ved)",
            r"(?:varmt?|hardt?|hovent?) og (?:vondt?|ømt?|rødt?|hovent?)",
            r"(?:den ene |venstre |høyre )?(?:siden|sida) er (?:\w+ )?"
            r"(?:steinhard|steinhardt|rød|rødt|hard|hardt|hoven|hovent)(?! å)",
            r"(?:one|left|right|the) side is (?:\w+ )?(?:red|hot|hard|rock hard|swollen)(?! to)",
            r"hot and (?:painful|sore|red|hard|swollen)",
        ),
    ),
    WarningSign(
        "feeling_ill",
        "mastitis",
        CARE_MASTITIS,
        _words(
            r"feel(?:s|ing)? (?:really |very |so )?(?:ill|unwell|feverish)",
            r"feel(?:s|ing)? like i have (?:the )?flu",
            r"shivery|(?:got|have|having|with) (?:the )?chills|(?:achy|aching) all over",
            r"flu like|flulike|like the flu",
            r"føler meg (?:\w+ )?(?:syk|dårlig|influensasyk|elendig)|influensafølelse|"
            r"som influensa|influensaaktig",
        ),
    ),
    WarningSign(
        "pus",
        "blood_in_milk",
        CARE_DOCTOR,
        _words(
            r"pus|abscess|(?:nipple|green|greenish|yellow|yellowish|smelly) discharge",
            rf"discharge (?:from|out of) (?:my|the) (?:nipples?|{_BREAST})",
            r"puss|abscess|byll|sekret|utflod",
        ),
    ),
    WarningSign(
        "blood_keeps_coming",
        "blood_in_milk",
        CARE_DOCTOR,
        re.compile(
            r"\b(?:blood|bloody|bleeding)\b.{0,60}\b(?:again|keeps|still|every time|several times|"
            r"for days|for (?:\d+|a few|several|two|three|four|five) days|wont stop|not stopping|"
            r"hurts|pain|painful)\b"
            r"|\b(?:keeps|still)\b.{0,20}\b(?:blood|bleeding)\b"
            r"|\b(?:blod|blodig|blør)\b.{0,60}\b(?:igjen|fortsatt|hver gang|flere ganger|stadig|"
            r"slutter ikke|i flere dager|i (?:\d+|to|tre|fire|fem) dager|vondt|smerter)\b"
            r"|\b(?:fortsatt|stadig)\b.{0,20}\b(?:blod|blør)\b"
        ),
    ),
    WarningSign(
        "supply_drop",
        "seek_help",
        CARE_EXCLUSIVE_DROP,
        re.compile(
            rf"\b{_DROP}\b.{{0,60}}\b{_DESPITE}\b.{{0,40}}\b(?:pump|sessions?|økter|ganger)"
            rf"|\b{_DESPITE}\b.{{0,40}}\bpump.{{0,60}}\b{_DROP}\b"
            rf"|\b{_DROP}\b.{{0,80}}\b{_EXCLUSIVE}\b|\b{_EXCLUSIVE}\b.{{0,80}}\b{_DROP}\b"
        ),
    ),
)

WARNING_SIGNS_BY_ID: dict[str, WarningSign] = {sign.id: sign for sign in WARNING_SIGNS}

_APOSTROPHES = re.compile(r"['’`´]")
_SPACES = re.compile(r"[^\w\d]+")


def plain(text: str) -> str:
    """Lower case, apostrophes dropped (`can't` -> `cant`), other punctuation as one space;
    æ, ø and å kept (the Bokmål patterns spell them)."""
    return " ".join(_SPACES.sub(" ", _APOSTROPHES.sub("", text.lower())).split())


# A fall told in numbers: `from 700 to 400`, `used to get 120 now only 60`, `før fikk jeg 150,
# nå bare 70`. Amounts only: `from 5 sessions to 3` is stepping down, not a drop.
_UNIT = r"(?:\s?(?:ml|mls|oz))?(?: (?:a day|per day|daily|i døgnet|om dagen|per døgn))?"
_FALL = re.compile(
    r"\b(?:from|fra|used to (?:get|pump|make)|før(?: fikk (?:jeg|eg)| pumpet (?:jeg|eg))?|"
    r"pleide å få) (\d+)" + _UNIT + r"(?: i)? (?:to|til|now|nå|no)(?: (?:only|just|bare|kun))? "
    r"(\d+)" + _UNIT + r"\b"
)
# A fall by a quarter or more is a drop worth naming; less is the ordinary day-to-day swing.
_FALL_SHARE = 0.75


def _falls_named(words: str) -> str:
    """`words` with `dropped` written after each fall told in numbers, so the drop patterns
    read `from 700 to 400` as they read `dropped`."""

    def name(match: re.Match[str]) -> str:
        before, after = int(match.group(1)), int(match.group(2))
        fell = before > 0 and after <= before * _FALL_SHARE
        return match.group(0) + (" dropped" if fell else "")

    return _FALL.sub(name, words)


def warning_sign_in(text: str) -> str | None:
    """The id of the first warning sign the text names (most urgent first), or None."""
    words = _falls_named(plain(text))
    for sign in WARNING_SIGNS:
        if sign.pattern.search(words):
            return sign.id
    return None


def warning_topic(sign_id: str) -> str:
    """The tips topic that answers a sign, with its help line."""
    return WARNING_SIGNS_BY_ID[sign_id].topic
