"""The warning signs: each is found in both languages, nothing else is, and each leads to a tip
that ends with a line to a doctor, the health visitor or the maternity ward."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.tips import TOPICS_BY_ID
from bot.domain.units import Unit
from bot.domain.warnings import WARNING_SIGNS, warning_sign_in, warning_topic
from bot.text.i18n import LANGUAGES, translator
from bot.text.tips import topic_text
from tests.support.warning_signs import SIGN_MESSAGES

# Everyday messages, and the loose matches, that name no warning sign.
NO_SIGN = [
    "how much milk does my baby need?",
    "thanks!!",
    "my pump sounds like a tractor",
    "how long can milk stay at room temperature",
    "blood in milk",  # once is the blood tip's own business, not a warning by itself
    "my milk is pink",
    "warm compress before pumping?",
    "hot water for the bottle",
    "the milk chills in the fridge",
    "pumped 120 ml",
    "L 60 R 70 20min",
    "I'm so tired of pumping",
    "my supply dropped",
    "hvor mye melk trenger babyen?",
    "kul app!",
    "det var en kul dag",
    "bør jeg pumpe om natten?",
    "10 liter i fryseren",
    "jeg blør ikke",
    "lei av å pumpe",
    "pumpet 80 ml",
    "im down to 2 pumps a day",
    "I'm low on frozen milk",
    "my supply feels low",
    "is it normal to get less in the evening",
    "is it ok to pump after a glass of wine",
    "my baby cries all the time when i pump",
    "baby cant stop crying after the bottle",
    "I'm okay, just tired",
    "had a hard time getting the flange on",
    "will the lump in the bottle disappear if i shake it",
    "will she be fine without me for a weekend",
    "whats the point of power pumping",
    "vil klumpene i melken forsvinne",
    "hva er vitsen med å pumpe om natten",
    "frozen milk is rock hard, how do i thaw it",
    "nipples look sore and red after pumping",
    "can i call the ward after discharge from hospital",
    "the milk chills in the fridge overnight",
    "one side is hard to empty",
    "den ene siden er hard å tømme",
    "melka er varm og god",
    "vil slutte å pumpe, hvordan gjør jeg slutt på det",
    "my wife is having a really hard time feeding our son",
    "by evening i feel totally empty, will i run dry",
    "har det vondt i brystet når jeg pumper",
    "jeg har det bra",
    "babyen gråter hele tiden",
    "går det ok å fryse melk to ganger?",
    # Stepping down is fewer sessions, not a drop in milk, also for an exclusive pumper.
    "I exclusively pump and im dropping the night session, tips?",
    "jeg fullpumper og går ned til 5 økter om dagen",
    "I exclusively pump, how much should i get",
    # Fewer sessions, a small swing, or no word of pumping exclusively: no sign.
    "exclusively pumping, from 5 sessions to 3",
    "exclusive pumper, went from 700 to 650",
    "used to get 120 now only 60 😞",
    "fra 2 til 3 måneder drikker hun mer, jeg pumper bare",
]


def test_every_sign_has_messages_in_both_languages() -> None:
    assert set(SIGN_MESSAGES) == {sign.id for sign in WARNING_SIGNS}
    assert all(set(languages) == set(LANGUAGES) for languages in SIGN_MESSAGES.values())


@pytest.mark.parametrize(
    ("sign", "text"),
    [
        (sign, text)
        for sign, languages in SIGN_MESSAGES.items()
        for texts in languages.values()
        for text in texts
    ],
)
def test_a_message_naming_a_sign_is_found(sign: str, text: str) -> None:
    found = warning_sign_in(text)
    assert found is not None, text
    # A message can name two signs (fever and a red breast): what counts is the tip it gets.
    assert warning_topic(found) == warning_topic(sign), text


@pytest.mark.parametrize("text", NO_SIGN)
def test_everyday_messages_name_no_sign(text: str) -> None:
    assert warning_sign_in(text) is None


def test_the_most_urgent_sign_comes_first() -> None:
    assert warning_sign_in("i have mastitis and i feel so depressed") == "low_mood"
    assert warning_sign_in("so depressed i want to die") == "self_harm"
    assert warning_sign_in("breast is red and hot and i have a fever") == "fever"


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("my boob is red and sore", "breast_area"),
        ("got a fever of 38.5 since last night", "fever"),
        ("feeling really low lately", "low_mood"),
        ("jeg er så langt nede", "low_mood"),
        ("føler meg nedfor hele tiden", "low_mood"),
        ("har det helt jævlig for tida", "low_mood"),
        ("jeg har det ikke bra", "low_mood"),
        ("eg he det ikkje bra", "low_mood"),
        ("æ gråter hele tida og alt er svart", "low_mood"),
        ("føler meg så tom", "low_mood"),
        ("honestly im not ok", "low_mood"),
        ("having a really dark time since the birth", "low_mood"),
        ("i keep crying and i dont know why", "low_mood"),
        ("i feel so numb with all this", "low_mood"),
        ("i keep thinking about hurting myself", "self_harm"),
        ("everyone would be better off without me", "self_harm"),
        ("sometimes i just want to disappear", "self_harm"),
        ("whats the point of anything anymore", "self_harm"),
        ("alle hadde hatt det bedre uten meg", "self_harm"),
        ("jeg vil bare forsvinne", "self_harm"),
        ("orker ikke å leve sånn", "self_harm"),
        ("ka e vitsen med noe", "self_harm"),
        ("tenker mye på å gjøre slutt på alt", "self_harm"),
        ("frysetokter og den ene siden er steinhard", "fever"),
        ("varm og vond flekk ved armhula", "breast_area"),
        ("the left side is rock hard and burning", "breast_area"),
        ("i feel awful, achy and shivery since yesterday", "feeling_ill"),
        ("greenish discharge from my nipple", "pus"),
        ("been bleeding from the nipple for 4 days now", "blood_keeps_coming"),
        ("en kul på størrelse med en drue som gjør vondt", "breast_area"),
        ("down from 700 to 350 even with 8 sessions", "supply_drop"),
        # A fall told in numbers, by a parent who says she pumps exclusively.
        ("EP here, used to get 120 now only 60 😞", "supply_drop"),
        ("exclusively pumping and went from 900ml to 500ml a day", "supply_drop"),
        ("jeg fullpumper, før fikk jeg 150, nå bare 70", "supply_drop"),
        ("pumper eksklusivt og har gått fra 700 til 400 ml på en uke", "supply_drop"),
        ("Mastitt igjen?", "mastitis"),
        ("plugged duct on the left side", "mastitis"),
    ],
)
def test_other_ways_of_naming_a_sign(text: str, sign: str) -> None:
    assert warning_sign_in(text) == sign


def test_capitals_and_apostrophes_do_not_hide_a_sign() -> None:
    assert warning_sign_in("I CAN'T DO IT ANYMORE") == "low_mood"
    assert warning_sign_in("Brystet er RØDT og varmt!!") == "breast_area"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("sign", WARNING_SIGNS, ids=lambda sign: sign.id)
def test_each_sign_leads_to_a_tip_ending_with_its_help_line(sign, language: str) -> None:  # type: ignore[no-untyped-def]
    tr = translator(language)
    text = topic_text(TOPICS_BY_ID[sign.topic], tr, Unit.ML)
    assert tr._(sign.help_line) in text
    help_line = tr._(sign.help_line).casefold()
    if language == "en":
        assert "doctor" in help_line and ("health visitor" in help_line)
    else:
        assert "lege" in help_line and "helsestasjonen" in help_line


@pytest.mark.parametrize("language", LANGUAGES)
def test_when_to_get_help_names_every_sign_and_who_to_contact(language: str) -> None:
    tr = translator(language)
    text = topic_text(TOPICS_BY_ID["seek_help"], tr, Unit.ML)
    words = {
        "en": [
            "fever",
            "red, hot, hard",
            "lump",
            "feel ill",
            "pus",
            "blood that keeps",
            "low mood",
            "Pumping exclusively",
            "doctor",
            "health visitor",
            "maternity ward",
        ],
        "nb": [
            "feber",
            "rødt, varmt, hardt",
            "kul",
            "syk",
            "puss",
            "blod som stadig",
            "nedstemt",
            "Fullpumper du",
            "lege",
            "helsestasjonen",
            "barselavdelingen",
        ],
    }[language]
    assert [word for word in words if word not in text] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_pus_is_never_called_harmless_without_a_doctor(language: str) -> None:
    tr = translator(language)
    text = topic_text(TOPICS_BY_ID["blood_in_milk"], tr, Unit.ML)
    doctor = {"en": "a doctor should see you", "nb": "du bør gå til lege"}[language]
    assert doctor in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_hard_work_points_to_the_doctor_or_health_visitor_for_low_mood(language: str) -> None:
    tr = translator(language)
    item = TOPICS_BY_ID["hard_work"]
    assert "low_mood" in item.related
    text = topic_text(item, tr, Unit.ML)
    assert {"en": "talk to a doctor or your health visitor", "nb": "Snakk med lege"}[
        language
    ] in text


@given(st.text(max_size=200))
def test_any_text_gives_a_known_sign_or_none(text: str) -> None:
    found = warning_sign_in(text)
    assert found is None or found in {sign.id for sign in WARNING_SIGNS}
