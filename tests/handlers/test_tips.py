"""Quick tips: topics in both languages, the menu, free-text questions and /away."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.questions import find_topic
from bot.domain.routing import Kind, route_message
from bot.domain.tips import (
    TOPIC_GROUPS,
    TOPICS,
    TOPICS_BY_ID,
    milk_for_time_away,
    parse_hours,
    topics_in,
)
from bot.domain.understanding import normalise
from bot.domain.units import Unit
from bot.storage.repo import SessionRepo
from bot.text.i18n import LANGUAGES, translator
from bot.text.tips import away_text, topic_text, topic_words
from locales.catalogues import problems, read_catalogue
from tests.domain.test_routing import chat
from tests.support.kit import GROUP_CHAT, PARENT_CHAT, BotHarness

NORWEGIAN_CHAT = 602

# At least three questions a parent might type, per topic and language.
QUESTIONS: dict[str, dict[str, list[str]]] = {
    "en": {
        "how_to_pump": [
            "How do I pump?",
            "how long should I pump each time",
            "any tips for pumping?",
            "how often should I pump?",
        ],
        "let_down": [
            "my milk won't come when I pump",
            "how do I get let-down going?",
            "nothing comes out for the first minutes, help",
            "should I use a warm compress?",
        ],
        "pump_choice": [
            "which pump should I buy?",
            "is a wearable pump any good?",
            "manual or electric pump?",
            "what about a haakaa?",
        ],
        "flange_fit": [
            "pumping hurts, what can I do?",
            "what flange size do I need?",
            "my nipples are sore and cracked after pumping",
            "how do I measure my flange size?",
        ],
        "how_much": [
            "how much milk does my baby need?",
            "how many ml a day should a 2 month old drink?",
            "how much should I pump?",
            "is my baby getting enough milk?",
        ],
        "time_away": [
            "how much milk should I leave for the babysitter?",
            "going back to work, how much milk do I need to leave?",
            "I'm away 8 hours tomorrow, how much milk?",
        ],
        "power_pumping": [
            "powerpumping?",
            "what is power pumping",
            "how do I power pump?",
            "does cluster pumping work?",
        ],
        "raising_supply": [
            "how can I increase my supply?",
            "I have low supply",
            "how do I make more milk?",
            "not enough milk for my baby, what to do",
        ],
        "pumped_volume": [
            "why do I only get drops when I pump?",
            "I suddenly pump less than before",
            "does the amount I pump show how much milk I have?",
            "Is it normal that I only get 20 ml per session?",
        ],
        "hand_expression": [
            "how do I hand express?",
            "what about colostrum?",
            "should I express by hand?",
        ],
        "premature": [
            "my baby was born premature, how often should I pump?",
            "baby is in the NICU",
            "baby can't latch, when do I start pumping after birth?",
        ],
        "overproduction": [
            "I think I have oversupply",
            "too much milk, what should I do?",
            "I'm making way too much milk",
            "I produce much more than my baby can drink, is that a problem?",
        ],
        "blood_in_milk": [
            "blood in my milk",
            "my milk is pink, is that ok?",
            "there is pus in the milk",
        ],
        "run_out": [
            "does milk run out after pumping?",
            "will I lose my milk if I pump?",
            "are my breasts empty after pumping?",
        ],
        "seek_help": [
            "when should I see a lactation consultant?",
            "who can help me with pumping?",
            "my baby is not gaining weight",
            "who should I ask when something feels off with my milk?",
        ],
        "mastitis": [
            "how do I stop pumping without getting mastitis?",
            "my left breast is red and painful",
            "i think i have a clogged duct",
            "I have a fever and my breast hurts",
        ],
        "low_mood": [
            "I'm so depressed",
            "i cant do it anymore",
            "is this postnatal depression?",
        ],
        "hard_work": [
            "I'm so exhausted from pumping",
            "is it ok to give up pumping?",
            "I feel guilty about stopping",
            "I want to stop pumping",
        ],
        "donating": [
            "can I donate my milk?",
            "my freezer is full of milk",
            "where is a milk bank?",
        ],
        "storing": [
            "how long is thawed milk good for?",
            "how long can breast milk stay in the fridge?",
            "can I refreeze milk?",
            "my frozen milk smells soapy",
        ],
        "to_nursing": [
            "how do I go from pumping to breastfeeding?",
            "I want to switch to nursing instead",
            "back to the breast after weeks of pumping",
        ],
        "why_pump": [
            "is pumped milk as good as breastfeeding?",
            "is it worth pumping for such small amounts?",
            "what are the benefits of pumping",
        ],
        "cleaning": [
            "how do I clean my pump parts?",
            "do I need to sterilize the pump every time?",
            "can pump parts go in the dishwasher?",
            "how often should i wash the flanges",
        ],
        "pumping_at_work": [
            "how do I pump at work?",
            "do I have the right to breaks to pump at work?",
            "can I keep my pumped milk in the office fridge?",
        ],
        "medicines": [
            "can I take ibuprofen while pumping?",
            "is it ok to have a glass of wine?",
            "how much coffee can I drink?",
            "is it safe to take antibiotics?",
        ],
        "stopping": [
            "how do I stop pumping?",
            "how do I wean off the pump?",
            "how do I cut down on pumping?",
        ],
        "night_pumping": [
            "do I need to pump at night?",
            "can I drop the night pump?",
            "is it ok to sleep through the night without pumping?",
        ],
        "warming_combining": [
            "how do I warm up frozen milk",
            "can I combine milk from two sessions?",
            "can I microwave breast milk?",
            "how do I thaw frozen milk?",
        ],
        "twins": [
            "how do I pump enough for twins?",
            "I have twins, how much milk do they need?",
            "pumping for two babies",
        ],
    },
    "nb": {
        "how_to_pump": [
            "Hvordan pumper jeg?",
            "hvor lenge skal jeg pumpe hver gang",
            "har du noen tips til pumping?",
            "hvor ofte skal jeg pumpe?",
        ],
        "let_down": [
            "melken kommer ikke når jeg pumper",
            "hvordan får jeg i gang utdrivningsrefleksen?",
            "får ikke ut noe melk de første minuttene",
        ],
        "pump_choice": [
            "hvilken pumpe bør jeg kjøpe?",
            "er en bærbar pumpe bra?",
            "manuell eller elektrisk pumpe?",
            "trenger jeg dobbeltpumpe?",
        ],
        "flange_fit": [
            "det gjør vondt å pumpe",
            "hvilken størrelse på pumpetrakten trenger jeg?",
            "brystvortene er såre og har sprekker",
            "hvordan måler jeg størrelsen på pumpetrakten?",
        ],
        "how_much": [
            "hvor mye melk trenger babyen min?",
            "hvor mange ml i døgnet skal en baby på to måneder ha?",
            "hvor mye skal jeg pumpe",
            "får babyen nok melk?",
        ],
        "time_away": [
            "hvor mye melk skal jeg la være igjen til barnevakten?",
            "jeg skal tilbake på jobb, hvor mye melk trenger jeg?",
            "jeg er borte 8 timer i morgen, hvor mye melk?",
        ],
        "power_pumping": [
            "powerpumping?",
            "hva er power pumping",
            "hvordan powerpumper man?",
            "virker klyngepumping?",
        ],
        "raising_supply": [
            "hvordan kan jeg øke melkeproduksjonen?",
            "jeg har for lite melk",
            "hvordan får jeg mer melk?",
            "ikke nok melk til babyen, hva gjør jeg",
        ],
        "pumped_volume": [
            "hvorfor får jeg bare dråper når jeg pumper?",
            "jeg pumper plutselig mindre enn før",
            "viser mengden jeg pumper hvor mye melk jeg har?",
            "er det normalt å få bare 20 ml?",
        ],
        "hand_expression": [
            "hvordan håndmelker jeg?",
            "hva med råmelk?",
            "bør jeg melke for hånd?",
        ],
        "premature": [
            "babyen er født for tidlig, hvor ofte skal jeg pumpe?",
            "babyen ligger på nyfødtintensiven",
            "babyen tar ikke brystet, når skal jeg begynne å pumpe etter fødselen?",
        ],
        "overproduction": [
            "jeg tror jeg har overproduksjon",
            "for mye melk, hva gjør jeg?",
            "jeg lager alt for mye melk",
            "jeg lager mye mer melk enn babyen klarer å drikke",
        ],
        "blood_in_milk": [
            "blod i melken",
            "melken er rosa, er det farlig?",
            "det er puss i melka",
        ],
        "run_out": [
            "går melken tom når jeg pumper?",
            "mister jeg melka hvis jeg pumper?",
            "er brystene tomme etter pumping?",
        ],
        "seek_help": [
            "når bør jeg snakke med helsestasjonen?",
            "hvem kan hjelpe meg med pumpingen?",
            "babyen går ikke opp i vekt",
            "jeg er bekymret, hvem spør jeg?",
        ],
        "mastitis": [
            "hvordan slutter jeg å pumpe uten å få brystbetennelse?",
            "brystet er rødt og vondt",
            "tror jeg har en tett melkegang",
            "jeg har feber og vondt i brystet",
        ],
        "low_mood": [
            "jeg er så deprimert",
            "orker ikke mer",
            "er dette fødselsdepresjon?",
        ],
        "hard_work": [
            "jeg er så sliten av pumpingen",
            "er det lov å gi opp pumpingen?",
            "jeg har dårlig samvittighet for å slutte",
            "fullpumping er så tungt",
        ],
        "donating": [
            "kan jeg donere melken min?",
            "fryseren er full av melk",
            "hvor finner jeg en melkebank?",
        ],
        "storing": [
            "kan jeg fryse melka igjen",
            "hvor lenge holder morsmelk i kjøleskapet?",
            "hvor lenge kan tint melk stå ute?",
            "den frosne melken lukter såpe",
        ],
        "to_nursing": [
            "hvordan går jeg fra pumping til amming?",
            "jeg vil gå over til amming",
            "babyen tar brystet igjen, hva gjør jeg med pumpingen",
        ],
        "why_pump": [
            "er pumpet melk like bra som amming?",
            "hva er bra med pumping?",
            "regnes det som fullamming når jeg pumper?",
        ],
        "cleaning": [
            "hvordan vasker jeg pumpedelene?",
            "må jeg sterilisere pumpen hver gang?",
            "kan pumpedelene vaskes i oppvaskmaskinen?",
        ],
        "pumping_at_work": [
            "hvordan pumper jeg på jobben?",
            "har jeg rett på ammefri når jeg pumper?",
            "kan jeg ha melken i kjølebag på jobb?",
        ],
        "medicines": [
            "kan jeg ta paracet når jeg ammer?",
            "er det greit med et glass vin?",
            "hvor mye kaffe kan jeg drikke?",
        ],
        "stopping": [
            "hvordan slutter jeg å pumpe?",
            "hvordan trapper jeg ned på pumpingen?",
            "jeg vil avvenne meg fra pumpen",
        ],
        "night_pumping": [
            "må jeg pumpe om natten?",
            "kan jeg droppe nattøkten?",
            "kan jeg sove hele natten uten å pumpe?",
        ],
        "warming_combining": [
            "hvordan varmer jeg opp morsmelk?",
            "kan jeg blande melk fra to økter?",
            "hvordan tiner jeg frossen melk",
        ],
        "twins": [
            "hvordan pumper jeg nok til tvillinger?",
            "jeg har tvillinger, hvor mye melk trenger de?",
            "pumping til to babyer",
        ],
    },
}

CHATTER = {
    "en": ["what's the weather like?", "can you order pizza?", "is it raining in Oslo?"],
    "nb": ["hvordan blir været i morgen?", "kan du bestille pizza?", "regner det i Oslo?"],
}
# Messages for the logging feature: never taken as questions.
LOG_LIKE = [
    "120 ml",
    "L 60 R 70 20min",
    "V 60 H 70 20min",
    "pumpet 90 ml kl 14.30",
    "60",
]
# A log with a worry after it is no log the parser reads: the worry is answered, and the reply
# says that nothing was logged.
LOG_WITH_A_WORRY = {
    ("pumped 120 ml, sore nipples", "en"): "flange_fit",
    ("pumpet 80 ml, litt blod", "nb"): "blood_in_milk",
}
NOTHING_LOGGED = (
    "Nothing from this message was logged. To log a session, send it on its own, "
    "like <code>120 ml</code>."
)


def heading(topic_id: str, language: str) -> str:
    item = TOPICS_BY_ID[topic_id]
    return f"<b>{item.icon} {translator(language)._(item.title)}</b>"


def topic_buttons(call) -> list[str]:  # type: ignore[no-untyped-def]
    return [b["callback_data"] for b in call.buttons if b["callback_data"].startswith("tip:t:")]


def group_buttons(call) -> list[str]:  # type: ignore[no-untyped-def]
    return [b["callback_data"] for b in call.buttons if b["callback_data"].startswith("tip:g:")]


# The /tips menu: one button per group that has topics, in order.
ALL_GROUPS = [f"tip:g:{group.id}" for group in TOPIC_GROUPS if topics_in(group)]


def edited(calls):  # type: ignore[no-untyped-def]
    return [c for c in calls if c.method == "editMessageText"][-1]


# -- the catalogues -------------------------------------------------------------------------------


def test_every_tip_is_translated_in_both_languages() -> None:
    assert problems() == []
    english, norwegian = read_catalogue("en"), read_catalogue("nb")
    for item in TOPICS:
        for message in filter(None, (item.title, item.body, item.keywords, item.care)):
            assert english.get(message) is not None, message
            entry = norwegian.get(message)
            assert entry is not None and entry.string and not entry.fuzzy, message
        # Written in Bokmål, not copied from the English
        assert norwegian.get(item.body).string != item.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_answer_is_at_most_120_words(language: str) -> None:
    tr = translator(language)
    too_long = {item.id: topic_words(item, tr) for item in TOPICS if topic_words(item, tr) > 120}
    assert too_long == {}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("unit", list(Unit))
def test_answers_are_valid_telegram_html_with_every_figure_filled(
    language: str, unit: Unit
) -> None:
    for item in TOPICS:
        text = topic_text(item, translator(language), unit)
        assert "{" not in text and "}" not in text, item.id
        assert "&" not in text, item.id
        tags = re.findall(r"</?([a-z]*)[^>]*>", text)
        assert set(tags) <= {"b", "i", "code"}, item.id
        assert text.count("<") == text.count(">"), item.id


def test_figures_follow_the_chat_unit() -> None:
    how_much = TOPICS_BY_ID["how_much"]
    assert "750\u00a0ml" in topic_text(how_much, translator("en"), Unit.ML)
    in_ounces = topic_text(how_much, translator("en"), Unit.OZ)
    assert "25.4\u00a0oz" in in_ounces and "ml" not in in_ounces
    assert "25,4\u00a0oz" in topic_text(how_much, translator("nb"), Unit.OZ)


def test_every_topic_has_related_topics() -> None:
    for item in TOPICS:
        assert all(related in TOPICS_BY_ID for related in item.related), item.id
        assert item.id not in item.related


def test_health_personnel_lines_point_to_people_not_diagnoses() -> None:
    with_care = [item for item in TOPICS if item.care]
    assert len(with_care) >= 8
    for item in with_care:
        line = translator("nb")._(item.care or "")
        assert re.search(r"helsestasjonen|ammeveileder|lege|helsepersonell", line), item.id


# -- normalising and matching -----------------------------------------------------------------


def test_normalise_handles_case_accents_punctuation_and_norwegian_letters() -> None:
    assert normalise("Håndmelking!!") == normalise("haandmelking") == normalise("handmelking")
    assert normalise("Blod i MELKA?") == "blod i melka"
    assert normalise("Brystbetennelse, sår") == normalise("brystbetennelse sar")
    assert normalise("Øke  produksjonen") == normalise("oke produksjonen")
    assert normalise("Ærlig talt") == "aerlig talt"
    assert normalise("Let-down… won’t come") == "let down wont come"
    assert normalise("café crème") == "cafe creme"


# A trained model is judged by its share right, not sentence by sentence: these questions were
# the keyword matcher's own tuning set, which it passed by construction. A wrong topic is worse
# than the menu (which offers the two likeliest topics), so wrong answers have their own cap.
TYPICAL_FLOOR = 0.85
TYPICAL_WRONG_CAP = 0.10


def typical_questions(language: str) -> list[tuple[str, str]]:
    return [(q, topic_id) for topic_id, qs in QUESTIONS[language].items() for q in qs]


@pytest.mark.parametrize("language", LANGUAGES)
def test_typical_questions_reach_their_topic(language: str) -> None:
    assert set(QUESTIONS[language]) == set(TOPICS_BY_ID)
    assert all(len(questions) >= 3 for questions in QUESTIONS[language].values())
    asked = typical_questions(language)
    found = {q: find_topic(q, language) for q, _ in asked}
    wrong = {q: t.id for q, topic_id in asked if (t := found[q]) is not None and t.id != topic_id}
    missed = {q for q, topic_id in asked if found[q] is None}
    right = len(asked) - len(wrong) - len(missed)
    assert right / len(asked) >= TYPICAL_FLOOR, (wrong, missed)
    assert len(wrong) / len(asked) <= TYPICAL_WRONG_CAP, wrong


@pytest.mark.parametrize("language", LANGUAGES)
def test_chatter_matches_no_topic(language: str) -> None:
    for text in CHATTER[language]:
        assert find_topic(text, language) is None, text


def test_a_question_in_the_other_language_still_finds_its_topic() -> None:
    found = find_topic("hjelp, tror jeg har brystbetennelse", "en")
    assert found is not None and found.id == "mastitis"
    found = find_topic("hjelp, hvordan får jeg mer melk", "en")
    assert found is not None and found.id == "raising_supply"


@pytest.mark.parametrize("text", LOG_LIKE)
def test_log_messages_are_logs(text: str) -> None:
    assert all(route_message(text, chat(language)).kind is Kind.LOG for language in LANGUAGES)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("blod i melken", "nb"),  # a strong topic word, no number
        ("powerpumping", "nb"),
        ("I'm so exhausted", "en"),
        ("how much to leave", "en"),  # a question word first
        ("hvor mye skal jeg pumpe", "nb"),
    ],
)
def test_questions_are_answered_with_a_topic(text: str, language: str) -> None:
    assert route_message(text, chat(language)).kind is Kind.QUESTION


def test_a_question_mark_wins_over_a_log() -> None:
    decision = route_message("120 ml?", chat("en"))
    assert decision.kind is not Kind.LOG and decision.asked


# -- the menu and answers in the chat ---------------------------------------------------------


def test_every_topic_sits_in_exactly_one_group_of_the_menu() -> None:
    placed = [item.id for group in TOPIC_GROUPS for item in topics_in(group)]
    assert sorted(placed) == sorted(TOPICS_BY_ID)
    # A group a phone shows without scrolling far, and a menu of a few groups.
    assert all(len(group.topic_ids) <= 8 for group in TOPIC_GROUPS)
    assert len(TOPIC_GROUPS) <= 6
    # A group's icon is no topic's, so a group button never looks like a tip.
    assert not {group.icon for group in TOPIC_GROUPS} & {item.icon for item in TOPICS}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_topic_is_reachable_from_the_menu(bot: BotHarness, language: str) -> None:
    """/tips shows the groups; a group shows its topics; a topic answers, with its related
    topics and the way back to the groups."""
    command = "/tips" if language == "en" else "/rad"
    menu = await bot.say(command, language_code=language)
    assert group_buttons(menu) == ALL_GROUPS
    assert topic_buttons(menu) == []
    tr = translator(language)
    reached = []
    for group in TOPIC_GROUPS:
        label = f"{group.icon} {tr._(group.title)}"
        page = edited(await bot.press(label, language_code=language))
        assert page.text.startswith(f"<b>{label}</b>")
        assert topic_buttons(page) == [f"tip:t:{item.id}" for item in topics_in(group)]
        assert page.buttons[-1]["callback_data"] == "tip:menu"
        for item in topics_in(group):
            answer = edited(
                await bot.press(f"{item.icon} {tr._(item.title)}", language_code=language)
            )
            assert answer.text.startswith(heading(item.id, language))
            # the related topics, then the way back
            assert topic_buttons(answer) == [f"tip:t:{related}" for related in item.related]
            assert answer.buttons[-1]["callback_data"] == "tip:menu"
            back = edited(await bot.press(tr._("« All tips"), language_code=language))
            assert group_buttons(back) == ALL_GROUPS
            reached.append(item.id)
            edited(await bot.press(label, language_code=language))
        edited(await bot.press(tr._("« All tips"), language_code=language))
    assert sorted(reached) == sorted(TOPICS_BY_ID)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_typed_questions_get_the_right_answer(bot: BotHarness, language: str) -> None:
    """Through the bot: the topic's answer, or the menu; never a log or the log format."""
    chat_id = PARENT_CHAT if language == "en" else NORWEGIAN_CHAT
    right = 0
    asked = typical_questions(language)
    for question, topic_id in asked:
        reply = await bot.say(question, chat_id=chat_id, user_id=chat_id, language_code=language)
        right += reply.text.startswith(heading(topic_id, language))
        assert reply.buttons[-1]["callback_data"].startswith("tip:"), question
    assert right / len(asked) >= TYPICAL_FLOOR
    with bot.services.db.session() as session:
        assert SessionRepo(session, chat_id).latest() is None


async def test_the_examples_from_the_issue(bot: BotHarness) -> None:
    reply = await bot.say("how much milk does my baby need?")
    assert "750\u00a0ml" in reply.text and "1,000\u00a0ml" in reply.text
    nb = {"chat_id": NORWEGIAN_CHAT, "user_id": NORWEGIAN_CHAT, "language_code": "nb"}
    reply = await bot.say("blod i melken", **nb)
    assert "Blod eller puss i melk" in reply.text and "lege" in reply.text
    reply = await bot.say("powerpumping?", **nb)
    assert "pump i 20 minutter, hvil i 10" in reply.text
    reply = await bot.say("hvor mye skal jeg pumpe", **nb)
    assert "750\u00a0ml i døgnet" in reply.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_unrelated_chatter_falls_back_to_the_menu(bot: BotHarness, language: str) -> None:
    chat = PARENT_CHAT if language == "en" else NORWEGIAN_CHAT
    expected = translator(language)._(
        "I don't have a tip on exactly that, but one of these topics may help. "
        "You can also ask again in other words."
    )
    for text in CHATTER[language]:
        reply = await bot.say(text, chat_id=chat, user_id=chat, language_code=language)
        assert reply.text == expected
        # The whole menu (its groups), or (the model unsure of a topic) its two likeliest and
        # the way to all tips.
        whole = group_buttons(reply) == ALL_GROUPS
        likely = len(topic_buttons(reply)) == 2 and reply.buttons[-1]["callback_data"] == "tip:menu"
        assert whole or likely, text


async def test_in_a_group_only_matching_questions_get_an_answer(bot: BotHarness) -> None:
    calls = await bot.feed(
        bot.telegram.message_update(GROUP_CHAT, "is it raining?", bot.telegram.user(7, "en"))
    )
    assert not [c for c in calls if c.method == "sendMessage"]
    reply = await bot.say("blood in my milk?", chat_id=GROUP_CHAT)
    assert reply.text.startswith(heading("blood_in_milk", "en"))


async def test_tips_with_words_answers_straight_away(bot: BotHarness) -> None:
    reply = await bot.say("/tips power pumping")
    assert reply.text.startswith(heading("power_pumping", "en"))
    reply = await bot.say("/tips something else entirely")
    assert group_buttons(reply) == ALL_GROUPS


async def test_a_log_with_a_worry_gets_the_topic_and_is_not_logged(bot: BotHarness) -> None:
    for (text, language), topic_id in LOG_WITH_A_WORRY.items():
        chat = PARENT_CHAT if language == "en" else NORWEGIAN_CHAT
        reply = await bot.say(text, chat_id=chat, user_id=chat, language_code=language)
        assert reply.text.startswith(heading(topic_id, language)), text
        assert translator(language)._(NOTHING_LOGGED) in reply.text
    with bot.services.db.session() as session:
        now = bot.clock.now()
        for chat in (PARENT_CHAT, NORWEGIAN_CHAT):
            assert SessionRepo(session, chat).between(now - timedelta(days=8), now) == []


async def test_a_question_never_reaches_logging_or_becomes_a_log(bot: BotHarness) -> None:
    """Tips sits before logging in FEATURES: questions get tips, log-like text goes on."""
    for text in ["blod i melken", "how much should I pump?", "is it raining?", "120 ml?"]:
        reply = await bot.say(text)
        assert topic_buttons(reply) or any(
            b["callback_data"].startswith("tip:") for b in reply.buttons
        )
    with bot.services.db.session() as session:
        now = bot.clock.now()
        assert SessionRepo(session, PARENT_CHAT).between(now - timedelta(days=8), now) == []
    for text in LOG_LIKE:
        calls = await bot.feed(
            bot.telegram.message_update(PARENT_CHAT, text, bot.telegram.user(1, "en"))
        )
        tip_buttons = [b for c in calls for b in c.buttons if b["callback_data"].startswith("tip:")]
        assert tip_buttons == [], text
    reply = await bot.say("120 #is this low?")
    assert not any(b["callback_data"].startswith("tip:") for b in reply.buttons)
    with bot.services.db.session() as session:
        logged = SessionRepo(session, PARENT_CHAT).between(
            now - timedelta(days=8), now + timedelta(minutes=1)
        )
        assert [entry.note for entry in logged][-1] == "is this low?"


async def test_forged_tip_buttons_change_nothing(bot: BotHarness) -> None:
    menu = await bot.say("/tips")
    for data in (
        "tip:t:../../etc",
        "tip:t:",
        "tip:g:nosuch",
        "tip:g:",
        "tip:away:999",
        "tip:nudge:maybe",
        "tip:x:y:z",
    ):
        calls = await bot.tap(data, menu.message_id)
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert "out of date" in calls[0].params.get("text", "")


# -- /away ---------------------------------------------------------------------------------------


async def test_away_8h_in_an_ml_chat(bot: BotHarness) -> None:
    reply = await bot.say("/away 8h")
    assert "240\u00a0ml" in reply.text  # 30 ml an hour
    assert "60\u00a0ml extra" in reply.text  # the margin: a quarter, at least 30 ml
    assert "<b>300\u00a0ml</b>" in reply.text
    assert "8 h" in reply.text


async def test_away_8h_in_an_oz_chat(bot: BotHarness) -> None:
    await bot.say("/units")
    await bot.press("Ounces")
    reply = await bot.say("/away 8h")
    assert "8.1\u00a0oz" in reply.text  # 240 ml
    assert "2\u00a0oz extra" in reply.text  # 60 ml
    assert "<b>10.1\u00a0oz</b>" in reply.text  # 300 ml
    assert "ml" not in reply.text


async def test_borte_in_norwegian(bot: BotHarness) -> None:
    reply = await bot.say("/borte 8 t", language_code="nb")
    assert "Er du borte i 8 t" in reply.text
    assert "240\u00a0ml" in reply.text and "<b>300\u00a0ml</b>" in reply.text


async def test_away_alone_offers_buttons(bot: BotHarness) -> None:
    reply = await bot.say("/away")
    assert "/away 8h" in reply.text
    calls = await bot.press("8 h")
    edited = [c for c in calls if c.method == "editMessageText"][-1]
    assert "<b>300\u00a0ml</b>" in edited.text


@pytest.mark.parametrize("typed", ["soon", "0h", "30h", "-2"])
async def test_away_with_an_unreadable_time_explains(bot: BotHarness, typed: str) -> None:
    reply = await bot.say(f"/away {typed}")
    assert "couldn't read" in reply.text and "/away 8h" in reply.text


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        ("8h", 8),
        ("8 h", 8),
        ("8", 8),
        ("8 t", 8),
        ("8 timer", 8),
        ("2.5h", 2.5),
        ("2,5 t", 2.5),
        ("8h30", 8.5),
        ("8 t 30 min", 8.5),
        ("8:30", 8.5),
        ("90 min", 1.5),
        ("soon", None),
        ("", None),
    ],
)
def test_parse_hours(typed: str, hours: float | None) -> None:
    assert parse_hours(typed) == hours


@given(st.floats(min_value=0.05, max_value=24))
def test_the_margin_is_a_quarter_at_least_30_ml_rounded_up(hours: float) -> None:
    milk = milk_for_time_away(hours, Unit.ML)
    assert milk.base_ml == pytest.approx(30 * hours)
    wanted = max(30, milk.base_ml / 4)
    assert wanted <= milk.margin_ml < wanted + 10
    assert milk.margin_ml % 10 == 0
    assert milk.total_ml == pytest.approx(milk.base_ml + milk.margin_ml)
    ounces = milk_for_time_away(hours, Unit.OZ)
    assert ounces.total == pytest.approx(milk.total_ml / 29.5735)


@given(st.floats(min_value=0.05, max_value=24), st.sampled_from(list(Unit)))
def test_the_parts_shown_add_up_to_the_total_shown(hours: float, unit: Unit) -> None:
    text = away_text(milk_for_time_away(hours, unit), translator("en"))
    # In order: the total, the time itself, the rate an hour, the margin, the least margin.
    total, base, _rate, margin, _least = (
        float(n.replace(",", "")) for n in re.findall(r"([\d.,]+)\u00a0(?:ml|oz)", text)
    )
    assert base + margin == pytest.approx(total, abs=0.01)


def test_no_milk_for_no_time() -> None:
    with pytest.raises(ValueError):
        milk_for_time_away(0, Unit.ML)
    with pytest.raises(ValueError):
        milk_for_time_away(25, Unit.ML)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_away_margin_is_called_the_bots_rule_of_thumb(language: str) -> None:
    """The 30 ml an hour comes from the guide; the margin is pumpbot's own arithmetic."""
    text = away_text(milk_for_time_away(8, Unit.ML), translator(language))
    assert {"en": "my own rule of thumb", "nb": "min egen tommelfingerregel"}[language] in text
    assert "60\u00a0ml" in text and "30\u00a0ml" in text  # the margin, and its least


# -- storing milk -------------------------------------------------------------------------------

STORING_FACTS = {
    # CDC times for a healthy term baby, approximate; stricter for a premature, sick or newborn
    # baby; never a microwave; oldest first; never refreeze; and the way to the stash.
    "en": [
        "healthy baby born at term",
        "approximate",
        "up to 4 hours at room temperature",
        "4 days in the fridge",
        "6 months in the freezer",
        "1–2 hours at room temperature, 1 day in the fridge",
        "Never freeze it again",
        "within 2 hours",
        "portions of 60\u00a0ml–120\u00a0ml",
        "dated",
        "back of the fridge or freezer, not in the door",
        "smell soapy and still be fine",
        "premature, sick or newborn baby, be stricter",
        "hospital's rules",
        "/stash",
    ],
    "nb": [
        "frisk baby født til termin",
        "omtrentlige",
        "opptil 4 timer i romtemperatur",
        "4 dager i kjøleskapet",
        "6 måneder i fryseren",
        "1–2 timer i romtemperatur, 1 døgn i kjøleskapet",
        "Frys den aldri igjen",
        "innen 2 timer",
        "porsjoner på 60\u00a0ml–120\u00a0ml",
        "merket med dato",
        "innerst i kjøleskapet eller fryseren, ikke i døren",
        "lukte såpe og likevel være fin",
        "for tidlig født, syk eller nyfødt, vær ekstra nøye",
        "sykehusets regler",
        "/lager",
    ],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_storing_gives_the_cdc_times_with_their_limits(language: str) -> None:
    text = topic_text(TOPICS_BY_ID["storing"], translator(language), Unit.ML)
    missing = [fact for fact in STORING_FACTS[language] if fact not in text]
    assert missing == []
    assert text.rstrip().endswith({"en": "/stash.", "nb": "/lager."}[language])


@pytest.mark.parametrize(
    ("question", "language", "topic_id"),
    [
        ("how long is thawed milk good for", "en", "storing"),
        ("how do I warm up frozen milk", "en", "warming_combining"),
        ("kan jeg fryse melka igjen", "nb", "storing"),
        ("hvor lenge holder morsmelk i kjøleskapet", "nb", "storing"),
        ("hvordan varmer jeg opp morsmelk", "nb", "warming_combining"),
    ],
)
async def test_storing_questions_reach_the_storing_topic(
    bot: BotHarness, question: str, language: str, topic_id: str
) -> None:
    """From the issue: warming milk must not go to let-down because of the word "warm"."""
    chat = PARENT_CHAT if language == "en" else NORWEGIAN_CHAT
    reply = await bot.say(question, chat_id=chat, user_id=chat, language_code=language)
    assert reply.text.startswith(heading(topic_id, language)), question
    with bot.services.db.session() as session:
        assert SessionRepo(session, chat).latest() is None  # a question is never a log


async def test_the_menu_offers_storing_in_both_languages(bot: BotHarness) -> None:
    await bot.say("/tips")
    await bot.say("/tips", chat_id=NORWEGIAN_CHAT, user_id=NORWEGIAN_CHAT, language_code="nb")
    for chat_id, language, group, title in (
        (PARENT_CHAT, "en", "Storing and giving milk", "Storing milk"),
        (NORWEGIAN_CHAT, "nb", "Oppbevare og gi melk", "Oppbevare melk"),
    ):
        page = edited(
            await bot.press(group, chat_id=chat_id, user_id=chat_id, language_code=language)
        )
        assert "tip:t:storing" in topic_buttons(page)
        assert any(title in b["text"] for b in page.buttons)


# Facts the sources carry that once had no tip, each with its topic (issue 13), in both languages.
FACTS_WITH_A_HOME = {
    "why_pump": {
        "en": ["still counts as fully breastfed", "antibodies", "good for you too"],
        "nb": ["regnes likevel som fullammet", "antistoffer", "bra for deg også"],
    },
    "to_nursing": {
        "en": ["nappies", "contact your health visitor", "Step down pumping gradually", "mastitis"],
        "nb": [
            "bleiene",
            "kontakt helsestasjonen",
            "Trapp ned pumpingen gradvis",
            "brystbetennelse",
        ],
    },
    "pumped_volume": {
        "en": ["Pumping to check how much milk you have is not a good test"],
        "nb": ["Å pumpe for å sjekke hvor mye melk du har, er ingen god test"],
    },
    "power_pumping": {
        "en": ["if your baby sucks weakly or is reluctant to nurse", "health personnel"],
        "nb": ["suger svakt eller er lite villig til å die", "ammekyndig helsepersonell"],
    },
    "how_to_pump": {
        "en": ["not wearable ones"],
        "nb": ["ikke bærbare"],
    },
    "overproduction": {
        "en": ["Some professionals also think pumping itself can raise the risk of mastitis"],
        "nb": ["Noen fagfolk mener dessuten at pumping i seg selv kan øke risikoen"],
    },
    # Issue 22: the new topics, each from its source note, and flange measuring.
    "flange_fit": {
        "en": ["base of your nipple in millimetres", "size chart"],
        "nb": ["nederst, i millimeter", "størrelsestabellen"],
    },
    "cleaning": {
        "en": ["After each use", "air-dry", "at least once a day", "under 2 months"],
        "nb": ["Etter hver bruk", "lufttørke", "minst én gang i døgnet", "under 2 måneder"],
    },
    "pumping_at_work": {
        "en": ["§ 12-8", "up to one hour a day is paid", "one year old", "up to 24 hours"],
        "nb": ["§ 12-8", "lønn for inntil én time om dagen", "ett år", "opptil 24 timer"],
    },
    "medicines": {
        "en": ["doctor or pharmacist", "tryggmammamedisin.no", "not drinking is the safest"],
        "nb": ["lege eller apotek", "Tryggmammamedisin.no", "det tryggeste er å la være"],
    },
    "stopping": {
        "en": ["one session at a time", "Wait a few days", "fever", "contact a doctor"],
        "nb": ["én økt om gangen", "Vent noen dager", "feber", "kontakt lege"],
    },
    "night_pumping": {
        "en": ["prolactin", "higher at night", "gradually"],
        "nb": ["Prolaktin", "høyere om natten", "gradvis"],
    },
    "warming_combining": {
        "en": ["Never use a microwave", "oldest milk first", "cool the fresh milk"],
        "nb": ["Bruk aldri mikrobølgeovn", "eldste melken først", "kjøl ned den ferske melken"],
    },
    "twins": {
        "en": ["are for one baby", "rule of thumb"],
        "nb": ["gjelder for én baby", "tommelfingerregel"],
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_facts_the_sources_carry_each_have_a_topic(language: str) -> None:
    missing = {
        (topic_id, fact)
        for topic_id, facts in FACTS_WITH_A_HOME.items()
        for fact in facts[language]
        if fact not in topic_text(TOPICS_BY_ID[topic_id], translator(language), Unit.ML)
    }
    assert missing == set()


@pytest.mark.parametrize(
    ("topic_id", "too_strong"),
    [
        ("blood_in_milk", "fairly common"),
        ("let_down", "Many pumps"),
        ("flange_fit", "stronger is not better"),
        ("how_much", "plenty of wet nappies"),
        ("how_to_pump", "every 2–3 hours"),
        # issue 22: "can" is not "does", and blunt lines are gone
        ("raising_supply", "First, find out why."),
        ("power_pumping", "is meant for"),
        ("pump_choice", "it raises supply"),
    ],
)
def test_claims_stronger_than_the_sources_are_gone(topic_id: str, too_strong: str) -> None:
    """The issue's examples: "now and then" is not "fairly common", "some" is not "many", and
    "every 2-3 hours" is for a baby who cannot nurse, not for everyone."""
    assert too_strong not in topic_text(TOPICS_BY_ID[topic_id], translator("en"), Unit.ML)


@pytest.mark.parametrize(
    ("question", "language", "help_line"),
    [
        ("how do I stop pumping?", "en", "contact a doctor"),
        ("hvordan slutter jeg å pumpe?", "nb", "kontakt lege"),
    ],
)
async def test_stopping_names_the_warning_signs_and_who_to_contact(
    bot: BotHarness, question: str, language: str, help_line: str
) -> None:
    """Weaning can bring mastitis: the answer says which signs need a doctor, and where to get
    help planning it."""
    chat = PARENT_CHAT if language == "en" else NORWEGIAN_CHAT
    reply = await bot.say(question, chat_id=chat, user_id=chat, language_code=language)
    assert reply.text.startswith(heading("stopping", language))
    assert {"en": "fever", "nb": "feber"}[language] in reply.text
    assert help_line in reply.text
    assert {"en": "health visitor", "nb": "helsestasjonen"}[language] in reply.text
