"""A confirmation goes out as python-telegram-bot's own `reply_text` would send it, though only
its id is read back (bot/sending.py, bot/keyboards.py)."""

from __future__ import annotations

import json

import pytest
from telegram import Message

from bot.keyboards import Keyboard
from bot.sending import Sent, reply_for_id
from tests.support.kit import GROUP_CHAT, PARENT_CHAT, BotHarness

KEYBOARD = Keyboard(
    (
        (("↩️ Angre", "log:undo:7"), ("🕘 Rett tid", "log:fix:7")),
        (("🧊 Fryser", "stash:put:freezer:7"),),
    )
)


def incoming(bot: BotHarness, chat_id: int, **extra: object) -> Message:
    telegram = bot.telegram
    raw = telegram.message_update(chat_id, "120 ml", telegram.user(PARENT_CHAT))["message"]
    raw.update(extra)
    return Message.de_json(raw, bot.app.bot)


def sent_params(bot: BotHarness) -> dict[str, object]:
    call = bot.telegram.calls[-1]
    assert call.method == "sendMessage"
    params = dict(call.params)
    if isinstance(params.get("reply_markup"), str):
        params["reply_markup"] = json.loads(params["reply_markup"])
    return params


@pytest.mark.parametrize(
    "chat_id, extra",
    [
        (PARENT_CHAT, {}),
        (GROUP_CHAT, {}),  # quoted in a group, as reply_text does
        (GROUP_CHAT, {"is_topic_message": True, "message_thread_id": 12}),
    ],
)
async def test_a_reply_for_its_id_is_the_request_reply_text_sends(
    bot: BotHarness, chat_id: int, extra: dict[str, object]
) -> None:
    source = incoming(bot, chat_id, **extra)
    await source.reply_text("Lagret: 120 ml", reply_markup=KEYBOARD.markup())
    by_ptb = sent_params(bot)
    sent = await reply_for_id(source, "Lagret: 120 ml", KEYBOARD)
    assert sent_params(bot) == by_ptb
    assert sent == Sent(chat_id, bot.telegram.calls[-1].message_id)
    assert bot.message_text(sent.message_id, chat_id) == "Lagret: 120 ml"


def test_the_keyboard_as_json_is_the_markup_telegram_gets() -> None:
    assert json.loads(KEYBOARD.json()) == KEYBOARD.markup().to_dict()
