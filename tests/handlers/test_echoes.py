"""Every reply is valid Telegram HTML whatever the user typed: text that is echoed back (a
time zone, a time away, a note, a name) is escaped, and nothing typed becomes markup."""

from __future__ import annotations

import re

import pytest

from bot.terminal.fakeapi import ApiCall
from tests.support.kit import GROUP_CHAT, BotHarness

# The tags Telegram's HTML parse mode knows, and the entities it reads.
TAGS = re.compile(
    r"</?(?:b|strong|i|em|u|ins|s|strike|del|code|pre|blockquote|tg-spoiler)>"
    r'|<a href="[^"<>]*">|</a>'
)
ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
HOSTILE = 'A&B <b>bold</b> <script>x</script> "q" & < >'


def assert_telegram_html(text: str) -> None:
    without_tags = TAGS.sub("", text)
    assert "<" not in without_tags and ">" not in without_tags, text
    assert "&" not in ENTITY.sub("", without_tags), text


def sent_texts(calls: list[ApiCall]) -> list[str]:
    return [
        call.text
        for call in calls
        if call.method in ("sendMessage", "editMessageText", "sendPhoto", "sendDocument")
    ]


def test_the_checker_catches_what_it_should() -> None:
    assert_telegram_html("<b>ok</b> &amp; <code>1 &lt; 2</code>")
    for bad in ("A&B", "<script>", "Europe/Oslo & co", "1 < 2"):
        with pytest.raises(AssertionError):
            assert_telegram_html(bad)


async def test_every_command_with_hostile_arguments_replies_in_valid_html(
    bot: BotHarness,
) -> None:
    await bot.say("/start")
    commands = [name for command in bot.services.menu for name in command.names]
    assert len(commands) >= 20
    for name in commands:
        before = len(bot.telegram.calls)
        user = bot.telegram.user(501, "en")
        await bot.feed(bot.telegram.message_update(501, f"/{name} {HOSTILE}", user))
        for text in sent_texts(bot.telegram.calls[before:]):
            assert_telegram_html(text)


@pytest.mark.parametrize(
    ("typed", "echo"),
    [
        ("/timezone Europe/Oslo & <b>x</b>", "“Europe/Oslo &amp; &lt;b&gt;x&lt;/b&gt;”"),
        ("/tidssone A&B", "«A&amp;B»"),
        ("/away 8 & <i>", "“8 &amp; &lt;i&gt;”"),
    ],
)
async def test_an_echo_of_typed_text_is_escaped(bot: BotHarness, typed: str, echo: str) -> None:
    reply = await bot.say(typed, language_code="nb" if "tidssone" in typed else "en")
    assert echo in reply.text
    assert_telegram_html(reply.text)


async def test_a_note_and_a_name_with_markup_are_shown_as_typed(bot: BotHarness) -> None:
    reply = await bot.say(
        "/log 120 ml # A&B <b>not bold</b>", chat_id=GROUP_CHAT, first_name="Ann & <i>Bo</i>"
    )
    assert "A&amp;B &lt;b&gt;not bold&lt;/b&gt;" in reply.text
    assert "Ann &amp; &lt;i&gt;Bo&lt;/i&gt;" in reply.text
    assert_telegram_html(reply.text)
    for command in ("/today", "/last", "/history"):
        for text in sent_texts(await bot.feed(message(bot, command))):
            assert_telegram_html(text)


def message(bot: BotHarness, text: str) -> dict[str, object]:
    return bot.telegram.message_update(GROUP_CHAT, text, bot.telegram.user(901, "en"))


async def test_unreadable_messages_with_markup_get_valid_replies(bot: BotHarness) -> None:
    for typed in (HOSTILE, "120 & <b>", "1.000 <ml>", "kl 2.30 & 0 ml"):
        user = bot.telegram.user(501, "en")
        calls = await bot.feed(bot.telegram.message_update(501, typed, user))
        for text in sent_texts(calls):
            assert_telegram_html(text)
