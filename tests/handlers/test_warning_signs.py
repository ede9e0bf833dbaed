"""Every warning sign, typed in either language, reaches a tip that ends with the line to a
doctor, the health visitor or the maternity ward: as free text, through `/tips <words>`, and
from the menu."""

from __future__ import annotations

import pytest

from bot.domain.tips import TOPIC_GROUPS, TOPICS_BY_ID
from bot.domain.warnings import WARNING_SIGNS, WARNING_SIGNS_BY_ID
from bot.storage.repo import SessionRepo
from bot.text.i18n import LANGUAGES, translator
from tests.support.kit import PARENT_CHAT, BotHarness
from tests.support.warning_signs import SIGN_MESSAGES

CHATS = {"en": PARENT_CHAT, "nb": 602}


def said_in(language: str) -> dict[str, object]:
    chat = CHATS[language]
    return {"chat_id": chat, "user_id": chat, "language_code": language}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_message_naming_a_warning_sign_gets_the_help_line(
    bot: BotHarness, language: str
) -> None:
    tr = translator(language)
    for sign_id, texts in SIGN_MESSAGES.items():
        help_line = tr._(WARNING_SIGNS_BY_ID[sign_id].help_line)
        for text in texts[language]:
            reply = await bot.say(text, **said_in(language))
            assert help_line in reply.text, (sign_id, text, reply.text[:80])
    with bot.services.db.session() as session:
        now = bot.clock.now()
        stored = SessionRepo(session, CHATS[language]).between(now.replace(year=2000), now)
        assert stored == []  # a worry is never logged


@pytest.mark.parametrize("language", LANGUAGES)
async def test_tips_with_the_words_of_a_sign_gets_the_help_line(
    bot: BotHarness, language: str
) -> None:
    tr = translator(language)
    command = "/tips" if language == "en" else "/rad"
    for sign_id, texts in SIGN_MESSAGES.items():
        help_line = tr._(WARNING_SIGNS_BY_ID[sign_id].help_line)
        for text in texts[language]:
            reply = await bot.say(f"{command} {text}", **said_in(language))
            assert help_line in reply.text, (sign_id, text)


async def test_a_sign_beats_a_word_that_matches_another_topic(bot: BotHarness) -> None:
    """ "supply" and "pump" would point at raising supply; the fever must win."""
    reply = await bot.say("/tips supply low and I have a fever, should I power pump")
    assert translator("en")._(WARNING_SIGNS_BY_ID["fever"].help_line) in reply.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_menu_offers_mastitis_and_feeling_low_with_their_help_lines(
    bot: BotHarness, language: str
) -> None:
    tr = translator(language)
    await bot.say("/tips" if language == "en" else "/rad", **said_in(language))
    for topic_id in {sign.topic for sign in WARNING_SIGNS}:
        item = TOPICS_BY_ID[topic_id]
        chat = CHATS[language]
        group = next(g for g in TOPIC_GROUPS if topic_id in g.topic_ids)
        await bot.press(tr._(group.title), chat_id=chat, user_id=chat, language_code=language)
        calls = await bot.press(
            tr._(item.title), chat_id=chat, user_id=chat, language_code=language
        )
        edited = [c for c in calls if c.method == "editMessageText"][-1]
        lines = {tr._(sign.help_line) for sign in WARNING_SIGNS if sign.topic == topic_id}
        assert all(line in edited.text for line in lines), topic_id
        await bot.press(tr._("« All tips"), chat_id=chat, user_id=chat, language_code=language)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_thoughts_of_self_harm_get_the_help_line_first(
    bot: BotHarness, language: str
) -> None:
    """Under the title, before any gentler word: the line with 113 and the doctor."""
    tr = translator(language)
    help_line = tr._(WARNING_SIGNS_BY_ID["self_harm"].help_line)
    for text in SIGN_MESSAGES["self_harm"][language]:
        reply = await bot.say(text, **said_in(language))
        paragraphs = reply.text.split("\n\n")
        assert paragraphs[1] == f"<b>{help_line}</b>", (text, reply.text[:200])
        assert reply.text.count(help_line) == 1
    # A low mood without such thoughts keeps the tip first and the line at its end.
    reply = await bot.say(SIGN_MESSAGES["low_mood"][language][0], **said_in(language))
    assert reply.text.endswith(f"<i>{help_line}</i>")
