"""Quick tips: the topics, how a free-text question finds one, and milk for time away.

Every word a user reads, and every keyword a question is matched on, lives in the catalogues,
so a translator can tune both. A keyword message reads `keywords: phrase, phrase, *phrase`:
the part before the first colon is a label for the translator and is ignored.

How a question is scored against a topic's phrases (after `normalise` on both sides):
- a one-word phrase matches a word of the text exactly (3 letters or fewer, or with a plural
  `s`), as its start (4 letters) or anywhere inside it (5 letters or more, so Norwegian
  compounds like `morsmelkproduksjonen` still match);
- a phrase of several words matches a run of consecutive words, each word matching exactly
  (3 letters or fewer) or as the start of the text's word (`how much` matches `How much?`),
  or the same letters written as one word (`power pumping` matches `powerpumping`);
- a matched phrase scores one point per word; a phrase marked `*` is a strong sign of the topic
  and scores two more. The topic with the most points wins if it has at least `MIN_SCORE`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from bot.domain.timetext import parse_duration
from bot.domain.units import ml_to_unit, unit_to_ml
from bot.storage.models import Unit
from bot.text.i18n import LANGUAGES, N_, translator

MIN_SCORE = 2
STRONG_BONUS = 2


@dataclass(frozen=True)
class Topic:
    """One tip. `title`, `body`, `keywords` and `care` are catalogue messages."""

    id: str
    icon: str
    title: str
    body: str
    keywords: str
    related: tuple[str, ...]
    care: str | None = None


# One closing line pointing to the people who can look at the situation in person.
CARE_HEALTH_VISITOR = N_("If you are unsure, talk to your health visitor.")
CARE_LACTATION = N_(
    "A lactation consultant or your health visitor can look at this together with you."
)
CARE_RIGHT = N_(
    "You have a right to follow-up from health personnel who know breastfeeding, also when "
    "you pump."
)
CARE_DOCTOR = N_("See a doctor if it happens more than once, or if you have pain or discomfort.")

TOPICS: tuple[Topic, ...] = (
    Topic(
        id="how_to_pump",
        icon="🧴",
        title=N_("How to pump"),
        body=N_(
            "1. Wash your hands and get comfortable. Stress holds back the let-down.\n"
            "2. A warm compress on the breast first helps the milk flow more easily.\n"
            "3. Start on the lowest strength and turn it up once the milk runs well.\n"
            "4. Pumping both breasts at once takes half the time.\n"
            "5. If it slows down, switch sides a few times and gently stroke the breast "
            "towards the nipple.\n"
            "6. Stop when the milk stops: 15–30 minutes for both sides together is usually "
            "enough.\n\n"
            "Pump about every 2–3 hours; several short sessions beat a few long ones. It should "
            "never hurt."
        ),
        keywords=N_(
            "keywords: *how to pump, *how do i pump, *how should i pump, *step by step, "
            "*pumping technique, *how long should i pump, *how long to pump, *how long do i pump, "
            "how many minutes, *how often, *get started pumping, "
            "*first time pumping, pump properly, "
            "*right way to pump, *tips for pumping, *pumping tips"
        ),
        related=("let_down", "flange_fit", "pump_choice"),
        care=CARE_LACTATION,
    ),
    Topic(
        id="let_down",
        icon="🌊",
        title=N_("Help with let-down"),
        body=N_(
            "Milk flows once the let-down reflex starts, and stress or worry can hold it back "
            "for a while. That is common and not your fault.\n"
            "• Take your time and do something that relaxes you.\n"
            "• Warm the breast with a warm compress before you start.\n"
            "• Massage the breast and roll the nipples gently until they firm up.\n"
            "• Look at a photo of your baby, or keep your baby close.\n"
            "• Many pumps have a let-down mode that is worth a try.\n\n"
            "If let-down stays difficult, ask health personnel whether an oxytocin nasal spray "
            "could be right for you."
        ),
        keywords=N_(
            "keywords: *let down, *letdown, *milk ejection, *milk wont come, *milk will not come, "
            "*nothing comes out, *no milk comes, *milk doesnt flow, *milk wont flow, "
            "*not flowing, *get the milk flowing, *oxytocin, relax, stressed, massage, "
            "*warm compress, *warm, *warmth, *heat, *hot water, *photo of my baby, "
            "*picture of my baby, *let down mode"
        ),
        related=("how_to_pump", "pumped_volume", "hard_work"),
    ),
    Topic(
        id="pump_choice",
        icon="🛒",
        title=N_("Choosing a pump"),
        body=N_(
            "No pump is best for everyone, and you do not need every new gadget.\n"
            "• Only now and then: hand expression or a manual pump is plenty.\n"
            "• For a long time, to raise supply, or if your baby cannot suck well: rent or buy "
            "an electric pump. A double pump takes half the time.\n"
            "• Wearable pumps in the bra may empty the breast less well than classic pumps, "
            "though this differs from person to person.\n"
            "• A silicone collector on the other breast catches milk while you nurse. It rarely "
            "gets more than a pump, but it does raise supply, so watch out for making too much."
        ),
        keywords=N_(
            "keywords: *which pump, *what pump, *best pump, *choose a pump, *choosing a pump, "
            "*buy a pump, *rent a pump, breast pump, *manual pump, *hand pump, *electric pump, "
            "*double pump, *wearable, *hands free, *haakaa, *silicone pump, *milk collector, "
            "*silicone collector, *which breast pump, *pump to buy"
        ),
        related=("flange_fit", "hand_expression", "overproduction"),
    ),
    Topic(
        id="flange_fit",
        icon="📏",
        title=N_("Flange fit and pain"),
        body=N_(
            "Pumping should not hurt. The right flange (breast shield) size depends on the size "
            "of your nipple, not of your breast.\n"
            "• If it hurts, the flange may be too small, and that can give sore, cracked "
            "nipples.\n"
            "• If a lot of the breast is drawn into the tunnel, it may be too big.\n"
            "• Begin on low suction and turn it up only as the milk flows; stronger is not "
            "better.\n\n"
            "The shape of the funnel, the suction rhythm and the speed all matter for how a pump "
            "works for you, so it is fine to try another size or model."
        ),
        keywords=N_(
            "keywords: *flange, *breast shield, *shield size, *funnel, *flange size, "
            "*nipple size, *sore, *cracked, *cracks, *pumping hurts, *pump hurts, "
            "*hurts to pump, *painful, pain, hurts, "
            "*sore nipples, *cracked nipples, *nipple pain, *nipples hurt, *sucked in, "
            "*pulled in, *right size"
        ),
        related=("pump_choice", "how_to_pump", "seek_help"),
        care=CARE_LACTATION,
    ),
    Topic(
        id="how_much",
        icon="🍼",
        title=N_("How much a baby needs"),
        body=N_(
            "A baby's need grows gradually through the first month, to about {need_month} a day "
            "at around one month old. From then until about six months it usually stays between "
            "{need_low} and {need_high} a day, and some babies take up to {need_max}.\n\n"
            "That is a little over {per_hour} an hour, a handy starting point for planning "
            "bottles. Babies differ, and intake changes from feed to feed and from day to day.\n\n"
            "Let your baby decide when to eat and how much to drink. A baby who is content, "
            "grows as expected and has plenty of wet nappies is getting enough."
        ),
        keywords=N_(
            "keywords: how much milk, *baby need, *baby needs, *ml per day, *ml a day, "
            "*ml per 24, per day, a day, daily, *daily amount, *enough milk, *getting enough, "
            "*how many ml, *how much should my baby, *how much does my baby, "
            "*how much should a baby, *how much does a baby, *how much should i pump, "
            "*how much to pump, *how much do i pump, *how much should she drink, "
            "*how much should he drink, *oz a day"
        ),
        related=("time_away", "pumped_volume", "overproduction"),
        care=CARE_HEALTH_VISITOR,
    ),
    Topic(
        id="time_away",
        icon="👜",
        title=N_("Milk for time away"),
        body=N_(
            "A simple starting point: about {per_hour} for every hour you are away, plus a "
            "little extra in case your baby is hungrier than usual or some gets spilled.\n\n"
            "Send /away with the hours, like <code>/away 8h</code>, and I will work it out in "
            "your unit.\n\n"
            "Babies differ, so notice what yours usually drinks and adjust. Ask the person "
            "giving the bottle to let your baby set the pace and stop when your baby is done, "
            "never pushing the last drops in."
        ),
        keywords=N_(
            "keywords: *away, *im away, *i am away, *be away, *leave, *leaving, "
            "*how much to leave, *should i leave, "
            "*babysitter, *sitter, *nanny, *daycare, *back to work, *going to work, "
            "*return to work, *returning to work, "
            "*at work, *while im gone, *when im gone, *when im out, *time away, *hours away, "
            "*a night out, *grandma, *grandparents"
        ),
        related=("how_much", "how_to_pump", "hand_expression"),
    ),
    Topic(
        id="power_pumping",
        icon="⚡",
        title=N_("Power pumping"),
        body=N_(
            "Power pumping copies the evenings when a baby nurses again and again and tells the "
            "breasts to make more. It comes on top of your usual pumping or nursing. One way:\n"
            "pump 20 min, rest 10, pump 10, rest 10, pump 10.\n\n"
            "Try it once or twice a day for 2–4 days, then see whether your supply has changed; "
            "some repeat it every 3–4 days. Weigh it against your time and energy.\n\n"
            "Skip it if you already have enough milk, as it can lead to overproduction. If your "
            "baby nurses well, nursing more often is usually the easier way."
        ),
        keywords=N_(
            "keywords: *power pumping, *power pump, *power pumped, *powerpump, "
            "*cluster pumping, *cluster pump, *pump 20 rest 10"
        ),
        related=("raising_supply", "overproduction", "seek_help"),
        care=CARE_LACTATION,
    ),
    Topic(
        id="raising_supply",
        icon="📈",
        title=N_("Raising your supply"),
        body=N_(
            "First, find out why. Is your baby not gaining as expected, or are you making less "
            "than your baby needs? Ask your health visitor or a lactation consultant to look at "
            "the cause, which may lie with your baby or with you.\n"
            "• A baby who nurses well is the best pump: nursing more often often beats pumping.\n"
            "• If your baby cannot nurse well, express by hand or pump at least every 2 hours.\n"
            "• Set small goals with an end date.\n"
            "• If you are already doing all you can, more rest may help more than more "
            "sessions.\n"
            "• Eat well and drink enough."
        ),
        keywords=N_(
            "keywords: *increase supply, *increase my supply, *raise supply, *raise my supply, "
            "*boost supply, *boost my supply, *low supply, *more milk, *not enough milk, "
            "*increase my milk, *make more milk, *produce more, *build supply, "
            "*building supply, *milk supply, supply, *not gaining, *low milk, *too little milk"
        ),
        related=("power_pumping", "pumped_volume", "seek_help"),
    ),
    Topic(
        id="pumped_volume",
        icon="🔍",
        title=N_("Small pumped amounts"),
        body=N_(
            "What ends up in the bottle says little about how much milk you make or how much "
            "your baby gets. A healthy, eager baby usually gets more out than a pump; some "
            "parents who fully breastfeed pump only drops.\n\n"
            "Worry releases adrenaline, which holds back let-down, so pumping just to check can "
            "backfire. Amounts also change through the day; most have the most milk in the "
            "morning.\n\n"
            "Suddenly pumping less than before usually means your supply has settled at what "
            "your baby needs, not that your milk is going. Trust your baby's nappies, growth and "
            "contentment."
        ),
        keywords=N_(
            "keywords: *only drops, *just drops, *a few drops, *pump less, *pumping less, "
            "*pumped less, *less than before, *less than usual, *volume dropped, *sudden drop, "
            "*dropped, *less milk, *how much milk i have, *how much i have, *check my supply, "
            "*measure my supply, *small amounts, *very little, *so little, *only get"
        ),
        related=("run_out", "let_down", "how_much"),
        care=CARE_HEALTH_VISITOR,
    ),
    Topic(
        id="hand_expression",
        icon="✋",
        title=N_("Hand expression"),
        body=N_(
            "Expressing by hand is a good choice when you only need a little milk now and then, "
            "when your nipples are sore, and in the first days. It is often gentler on the "
            "nipples than a pump.\n\n"
            "The first milk, colostrum, comes in small amounts and is rich in antibodies and "
            "cells that fight bacteria. Those precious drops can get stuck inside a pump, so "
            "hand expression is best until the mature milk comes in larger amounts. After that "
            "you can move to a pump, or combine the two.\n\n"
            "Every drop counts, even when it looks like very little."
        ),
        keywords=N_(
            "keywords: *hand expression, *hand express, *express by hand, *hand expressing, "
            "*by hand, *colostrum, *first milk, *manual expression, *hand expressed"
        ),
        related=("premature", "pump_choice", "how_to_pump"),
        care=CARE_LACTATION,
    ),
    Topic(
        id="premature",
        icon="🏥",
        title=N_("Premature or sick baby"),
        body=N_(
            "If your baby is born early, is ill or cannot take the breast yet, you can start "
            "your milk on your own.\n"
            "• Begin as soon as you can, ideally within 6 hours of birth.\n"
            "• Express every 2–3 hours, at least 6–8 times in 24 hours. Frequent emptying early "
            "on builds supply, now and later.\n"
            "• Colostrum, the first milk, is precious for your baby's defences and gut. Express it "
            "by hand so none gets stuck in a pump.\n"
            "• With more milk, switch to a pump if you like.\n\n"
            "If you reach the amount you want after 2–3 weeks, you can often cut back a little."
        ),
        keywords=N_(
            "keywords: *premature, *preemie, *prem, *born early, *born too early, *nicu, "
            "*neonatal, *sick baby, *baby is sick, *in hospital, *after birth, *after the birth, "
            "*cant latch, *wont latch, *cannot latch, *6 hours, *six hours, *6 8 times"
        ),
        related=("hand_expression", "raising_supply", "hard_work"),
        care=CARE_RIGHT,
    ),
    Topic(
        id="overproduction",
        icon="⚖️",
        title=N_("Making too much milk"),
        body=N_(
            "Pumping can push supply above what your baby needs, and making too much raises the "
            "risk of mastitis, most of all in the first six weeks. Silicone collectors can raise "
            "supply too.\n\n"
            "After about one month a baby usually needs {need_low}–{need_high} a day, some up to "
            "{need_max}. If you pump well above that, it can be wise to bring it down.\n\n"
            "Step down gradually rather than all at once, and notice how your breasts feel. "
            "Pumping or collecting more to ease fullness tends to keep the problem going. Moving "
            "from pumping to nursing only also goes best at a gentle pace."
        ),
        keywords=N_(
            "keywords: *overproduction, *oversupply, *over supply, *too much milk, "
            "*making too much, *produce too much, *mastitis, *engorged, *engorgement, "
            "*cut down, *cut back, *reduce pumping, *pump less often, *step down, "
            "*drop a session, *wean, *weaning, *stop pumping, *over 1000, *1000 ml, *leaking"
        ),
        related=("how_much", "donating", "seek_help"),
        care=CARE_LACTATION,
    ),
    Topic(
        id="blood_in_milk",
        icon="🩸",
        title=N_("Blood or pus in milk"),
        body=N_(
            "Seeing blood in pumped milk is frightening, but it is fairly common. Often it "
            "comes from a crack or sore on the nipple. It can also come from a tiny blood "
            "vessel or growth in the milk ducts bursting, even with no cracks or pain.\n\n"
            "A little blood looks like a lot when mixed with milk. It usually stops quickly and "
            "the milk looks normal again. It is not dangerous for your baby, though a lot of "
            "blood can make some babies queasy and spit up.\n\n"
            "Pus can show with mastitis or an abscess. It looks unpleasant but is not dangerous "
            "for your baby."
        ),
        keywords=N_(
            "keywords: *blood, *bloody, *pink, *red milk, *milk is red, *brown milk, *rusty, *pus, "
            "*abscess, *crack"
        ),
        related=("flange_fit", "overproduction", "seek_help"),
        care=CARE_DOCTOR,
    ),
    Topic(
        id="run_out",
        icon="🔄",
        title=N_("Does milk run out?"),
        body=N_(
            "No. Milk works by supply and demand: the more often milk is removed, by baby or "
            "pump, the more your body makes. Breasts are never truly empty; milk is made all "
            "the time, even while you pump.\n\n"
            "A pump often takes out less than a baby and leaves some behind. That is not a sign "
            "of running low.\n\n"
            "To keep supply steady: pump regularly, about every 2–3 hours, massage the breasts "
            "before and during pumping, rest when you can, and eat and drink well. Long gaps "
            "tell your body to make less."
        ),
        keywords=N_(
            "keywords: *run out, *runs out, *running out, *ran out, *empty, *emptied, "
            "*dry up, *drying up, *dried up, *lose my milk, *losing my milk, *lost my milk, "
            "*supply and demand, *refill, *fill up again, *use up"
        ),
        related=("pumped_volume", "raising_supply", "how_to_pump"),
        care=N_(
            "If your supply drops a lot despite all this, talk to a lactation consultant or "
            "your doctor."
        ),
    ),
    Topic(
        id="seek_help",
        icon="🤝",
        title=N_("When to get help"),
        body=N_(
            "You have a right to guidance and follow-up from health personnel who know "
            "breastfeeding, whether you nurse or pump. Contact your health visitor or a "
            "lactation consultant if:\n"
            "• your baby is not gaining weight as expected;\n"
            "• you are unsure whether your baby gets enough (watch the nappies);\n"
            "• your supply drops a lot although you pump regularly;\n"
            "• pumping hurts;\n"
            "• pumping has become too much for you.\n\n"
            "See a doctor if blood in the milk keeps coming back, or comes with pain.\n\n"
            "You do not need a crisis to ask. Asking early often makes things easier."
        ),
        keywords=N_(
            "keywords: *seek help, *get help, *ask for help, *who can help, *who do i ask, "
            "*who should i ask, *who can i talk to, *lactation consultant, *health visitor, "
            "*ibclc, *midwife, doctor, *gp, *breast is red, *red breast, *fever, *lump, "
            "*feel ill, *not gaining, *weight gain, *gaining weight, "
            "*nappies, *diapers, *wet nappies, *worried"
        ),
        related=("raising_supply", "hard_work", "how_much"),
    ),
    Topic(
        id="hard_work",
        icon="💛",
        title=N_("Pumping is hard work"),
        body=N_(
            "Pumping, washing parts and giving bottles on top of caring for a baby is hard work, "
            "for body and mind, whether you pump fully or partly. You are doing a wonderful "
            "job.\n\n"
            "Every drop of your milk has value, small amounts too.\n\n"
            "Rest counts as much as another session. Set goals you can manage, for a limited "
            "time.\n\n"
            "It is allowed to cut down or stop. Your health visitor can help you find a plan "
            "that works for you, and help you end in a good way if you want to. Many feel grief "
            "when feeding does not go as hoped, and that is normal."
        ),
        keywords=N_(
            "keywords: *exhausted, *tired, *hard work, *so hard, *too hard, *too much for me, "
            "*give up, *giving up, *quit, *allowed to stop, *want to stop, *grief, *sad, "
            "*guilt, *guilty, *overwhelmed, *burnt out, *burned out, *cant do this, "
            "*exclusive pumping, *exclusively pumping, *failure"
        ),
        related=("seek_help", "raising_supply", "overproduction"),
    ),
    Topic(
        id="donating",
        icon="🎁",
        title=N_("Donating milk"),
        body=N_(
            "Have more milk than your baby needs? Milk banks collect donated breast milk for "
            "premature and sick babies, and it makes a real difference to them. Contact a milk "
            "bank to ask whether they need donors and how it works.\n\n"
            "Keep in mind that pumping extra to have more to give can drive your supply up, and "
            "making too much raises the risk of mastitis. Give from a real surplus rather than "
            "pumping more."
        ),
        keywords=N_(
            "keywords: *donate, *donating, *donation, *milk bank, *give away, *surplus, "
            "*extra milk, *spare milk, *freezer full, *full freezer, *freezer is full, "
            "*too much frozen"
        ),
        related=("overproduction", "how_much"),
    ),
)

TOPICS_BY_ID: dict[str, Topic] = {topic.id: topic for topic in TOPICS}

QUESTION_WORDS = N_(
    "question words: how, what, whats, why, when, where, which, who, is, are, am, can, could, "
    "should, shall, does, do, will, would, any, tips, help, advice, tip"
)

# The figures the tips quote, in millilitres; shown in the chat's unit.
VOLUMES_ML = {
    "per_hour": 30,
    "need_month": 750,
    "need_low": 750,
    "need_high": 800,
    "need_max": 1000,
}


def topic(topic_id: str) -> Topic | None:
    return TOPICS_BY_ID.get(topic_id)


# -- normalising and matching ----------------------------------------------------------------

_APOSTROPHES = re.compile(r"['’`´]")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower case, no accents, æøå as ae/o/a (and aa/oe typed for å/ø), no punctuation."""
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.replace("aa", "a").replace("oe", "o")
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NOT_WORD.sub(" ", text).split())


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    strong: bool

    @property
    def weight(self) -> int:
        return len(self.words) + (STRONG_BONUS if self.strong else 0)


def parse_phrases(message: str) -> tuple[Phrase, ...]:
    """`keywords: a, *b c` -> the phrases, normalised. The label before the colon is ignored."""
    _label, _colon, listing = message.partition(":")
    phrases = []
    for item in (listing or message).split(","):
        item = item.strip()
        strong = item.startswith("*")
        words = tuple(normalise(item.lstrip("*")).split())
        if words:
            phrases.append(Phrase(words, strong))
    return tuple(phrases)


@cache
def topic_phrases(language: str) -> dict[str, tuple[Phrase, ...]]:
    tr = translator(language)
    return {t.id: parse_phrases(tr._(t.keywords)) for t in TOPICS}


@cache
def question_words(language: str) -> frozenset[str]:
    return frozenset(
        w for p in parse_phrases(translator(language)._(QUESTION_WORDS)) for w in p.words
    )


def _word_matches(keyword: str, word: str, *, inside: bool) -> bool:
    if len(keyword) <= 3:
        return word in (keyword, keyword + "s")
    if len(keyword) == 4 or not inside:
        return word.startswith(keyword)
    return keyword in word


def phrase_in(phrase: Phrase, words: list[str]) -> bool:
    size = len(phrase.words)
    if size == 1:
        return any(_word_matches(phrase.words[0], w, inside=True) for w in words)
    # Words of a longer phrase match from their start: `how to pump` is not in `powerpumping`.
    for start in range(len(words) - size + 1):
        pairs = zip(phrase.words, words[start : start + size], strict=True)
        if all(_word_matches(k, w, inside=False) for k, w in pairs):
            return True
    joined = "".join(phrase.words)  # `power pumping` written `powerpumping`
    return any(_word_matches(joined, w, inside=False) for w in words)


@dataclass(frozen=True)
class Match:
    topic: Topic
    score: int
    strong: bool  # a strong phrase matched


def score_topics(text: str, language: str) -> list[Match]:
    """Every topic with at least one matching phrase, best first (ties keep menu order)."""
    words = normalise(text).split()
    found: list[Match] = []
    for t in TOPICS:
        matched = [p for p in topic_phrases(language)[t.id] if phrase_in(p, words)]
        if matched:
            found.append(Match(t, sum(p.weight for p in matched), any(p.strong for p in matched)))
    found.sort(key=lambda m: -m.score)
    return found


def match_question(text: str, lang: str) -> Topic | None:
    """The topic that best answers `text`, using `lang`'s keywords; None if nothing fits well."""
    found = score_topics(text, lang)
    if found and found[0].score >= MIN_SCORE:
        return found[0].topic
    return None


def find_topic(text: str, lang: str) -> Topic | None:
    """The best topic in the chat's language, else in another (a Norwegian question in an
    English chat still finds its answer)."""
    for language in (lang, *(other for other in LANGUAGES if other != lang)):
        found = match_question(text, language)
        if found is not None:
            return found
    return None


_DIGIT = re.compile(r"\d")


def has_number(text: str) -> bool:
    """A number may be an amount to log; such text is left for logging unless clearly asked."""
    return bool(_DIGIT.search(text))


def is_question(text: str, lang: str) -> bool:
    """Whether free text is a question for the tips rather than something to log: it has a
    `?`, starts with a question word, or has a strong topic phrase and no number in it."""
    if "?" in text:
        return True
    words = normalise(text).split()
    if not words:
        return False
    if words[0] in question_words(lang):
        return True
    if has_number(text):
        return False
    return any(m.strong and m.score >= MIN_SCORE for m in score_topics(text, lang))


def is_question_any_language(text: str) -> bool:
    return any(is_question(text, language) for language in LANGUAGES)


# -- milk for time away ------------------------------------------------------------------------

ML_PER_HOUR_AWAY = 30
MARGIN_SHARE = 0.25  # a quarter on top ...
MARGIN_MIN_ML = 30  # ... and never less than one hour's worth
MAX_HOURS_AWAY = 24


@dataclass(frozen=True)
class AwayMilk:
    """How much milk to leave: the time away at 30 ml an hour, plus a margin. Millilitres;
    `unit` says how to show them, and `base`, `margin`, `total` are in that unit."""

    hours: float
    base_ml: float
    margin_ml: float
    unit: Unit

    @property
    def total_ml(self) -> float:
        return self.base_ml + self.margin_ml

    @property
    def base(self) -> float:
        return ml_to_unit(self.base_ml, self.unit)

    @property
    def margin(self) -> float:
        return ml_to_unit(self.margin_ml, self.unit)

    @property
    def total(self) -> float:
        return ml_to_unit(self.total_ml, self.unit)


def milk_for_time_away(hours: float, unit: Unit) -> AwayMilk:
    """30 ml per hour away, plus a margin of a quarter (at least 30 ml), rounded up to 10 ml."""
    if not 0 < hours <= MAX_HOURS_AWAY:
        raise ValueError(f"hours away must be more than 0 and at most {MAX_HOURS_AWAY}")
    base = ML_PER_HOUR_AWAY * hours
    margin = math.ceil(max(MARGIN_MIN_ML, base * MARGIN_SHARE) / 10) * 10
    return AwayMilk(hours=hours, base_ml=base, margin_ml=margin, unit=unit)


def parse_hours(text: str) -> float | None:
    """`8h`, `8 t`, `8`, `2.5 h`, `2,5 timer`, `8h30`, `8:30`, `90 min` -> hours; else None."""
    span = parse_duration(text, bare_unit=timedelta(hours=1))
    return None if span is None else span / timedelta(hours=1)


def shown_total_ml(milk: AwayMilk) -> float:
    """The total as the sum of the two parts as they are shown (ounces to one decimal), so the
    numbers in the answer add up."""
    decimals = 1 if milk.unit == Unit.OZ else 0
    parts = round(milk.base, decimals) + round(milk.margin, decimals)
    return unit_to_ml(parts, milk.unit)
