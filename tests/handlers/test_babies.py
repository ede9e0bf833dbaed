"""How many babies the milk is for, as a parent sees it: asked once where the band first shows
and in /settings; the band, the oversupply nudge and the stash's days covered follow it; and a
drop for a parent who pumps exclusively points to help instead of reassuring her."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.storage.models import PumpSession
from bot.storage.repo import ChatRepo, SessionRepo
from tests.support.kit import PARENT_CHAT, BotHarness

QUESTION = "How many babies is your milk for?"


def plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).replace("\u00a0", " ")


def texts(calls) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.text for c in calls if c.method in ("sendMessage", "editMessageText")]


def log(bot: BotHarness, items: list[tuple[timedelta, float]]) -> None:
    """Sessions `ago` before now, stored as the logging feature stores them."""
    now = bot.clock.now()
    with bot.services.db.session() as session:
        repo = SessionRepo(session, PARENT_CHAT)
        for ago, ml in items:
            repo.add(PumpSession(chat_id=PARENT_CHAT, started_at=now - ago, total_ml=ml))


async def logged(bot: BotHarness, items: list[tuple[timedelta, float]]) -> list[str]:
    """Store sessions, fire the logging feature's hook, return the nudges sent."""
    log(bot, items)
    before = len(bot.sent_to())
    await bot.services.sessions_changed(bot.app, PARENT_CHAT)
    return [call.text for call in bot.sent_to()[before:]]


def days_of(ml_a_day: float, days: int = 3) -> list[tuple[timedelta, float]]:
    return [(timedelta(days=d, hours=h), ml_a_day / 4) for d in range(days) for h in (1, 3, 5, 7)]


def dropping() -> list[tuple[timedelta, float]]:
    """Eight sessions a day: three days at 120 ml, then the last 24 hours at 50 ml."""
    earlier = [(timedelta(hours=25 + 3 * i), 120.0) for i in range(24)]
    recent = [(timedelta(hours=3 * i), 50.0) for i in range(8)]
    return earlier + recent


async def exclusive(bot: BotHarness) -> list[str]:
    await bot.say("/exclusive")
    return texts(await bot.press("Yes, I pump exclusively"))


async def test_saying_you_pump_exclusively_asks_once_how_many_babies(bot: BotHarness) -> None:
    shown = await exclusive(bot)
    assert any(QUESTION in text for text in shown)
    question = bot.sent_to()[-1]
    assert [b["text"] for b in question.buttons] == ["1 baby", "2 babies", "3 babies"]
    calls = await bot.press("2 babies")
    noted = texts(calls)[-1]
    assert "Noted: your milk is for 2 babies" in noted
    edited = next(c for c in calls if c.method == "editMessageText")
    assert [b["text"] for b in edited.buttons] == ["1 baby", "✓ 2 babies", "3 babies"]
    # The question never comes back, whatever shows the band next.
    assert not any(QUESTION in text for text in await exclusive(bot))
    log(bot, [(timedelta(hours=2), 180.0)])
    reply = await bot.say("/week")
    assert QUESTION not in reply.text
    assert "1,500–1,600\u00a0ml a day that 2 babies" in reply.text
    with bot.services.db.session() as session:
        chat = ChatRepo(session).get(PARENT_CHAT)
        assert chat is not None and chat.babies == 2


async def test_settings_show_and_change_the_number_of_babies(bot: BotHarness) -> None:
    reply = await bot.say("/settings")
    assert "Milk for: 1 baby" in reply.text
    calls = await bot.press("3 babies")
    assert "Noted: your milk is for 3 babies" in texts(calls)[-1]
    assert "Milk for: 3 babies" in (await bot.say("/settings")).text
    await bot.say("/exclusive")
    shown = texts(await bot.press("Yes, I pump exclusively"))
    assert not any(QUESTION in text for text in shown)  # answered in /settings already
    assert "2,250–2,400\u00a0ml band" in shown[-1]


async def test_a_chat_that_pumped_exclusively_before_is_asked_at_its_next_stats(
    bot: BotHarness,
) -> None:
    await bot.say("/start")
    with bot.services.db.session() as session:
        repo = ChatRepo(session)
        chat = repo.get(PARENT_CHAT)
        assert chat is not None
        repo.update(chat, exclusive_pumping=True)  # said yes before the bot asked about babies
    await bot.say("/week")
    assert bot.sent_to()[-1].text.startswith(QUESTION)
    await bot.say("/week")
    assert not bot.sent_to()[-1].text.startswith(QUESTION)


async def test_the_stash_days_covered_count_both_twins(bot: BotHarness) -> None:
    await exclusive(bot)
    await bot.press("2 babies")
    for _ in range(4):
        await bot.say("froze 800")
    reply = plain((await bot.say("/stash")).text)
    # 3,200 ml at 1,500-1,600 ml a day: two days.
    assert "That is about 2 days' milk at 1,500–1,600 ml a day (a rough guide)." in reply


async def test_the_oversupply_nudge_waits_for_1000_ml_a_baby(bot: BotHarness) -> None:
    await bot.say("/settings")
    await bot.press("2 babies")
    assert await logged(bot, days_of(1500)) == []  # 1,500 ml a day is not much for twins
    sent = await logged(bot, days_of(2100))
    assert len(sent) == 1
    assert "more than 2,000\u00a0ml a day three days running" in sent[0]
    assert "2 babies fed only breast milk usually need 1,500–1,600\u00a0ml a day" in sent[0]


async def test_one_baby_gets_the_oversupply_nudge_at_1500_ml(bot: BotHarness) -> None:
    await bot.say("/start")
    sent = await logged(bot, days_of(1500))
    assert len(sent) == 1 and "more than 1,000\u00a0ml a day" in sent[0]


async def test_a_drop_for_an_exclusive_pumper_points_to_help(bot: BotHarness) -> None:
    await exclusive(bot)
    sent = await logged(bot, dropping())
    assert len(sent) == 1
    assert "does not mean you are losing your milk" not in sent[0]
    assert "nappies and growth" not in sent[0]
    assert "contact a lactation consultant, your health visitor or a doctor" in sent[0]
    assert bot.sent_to()[-1].buttons[0]["callback_data"] == "tip:t:seek_help"
    calls = await bot.press("Read more")
    edited = next(c for c in calls if c.method == "editMessageText")
    assert "When to get help" in edited.text and "Pumping exclusively" in edited.text


async def test_a_drop_for_an_exclusive_pumper_in_norwegian(bot: BotHarness) -> None:
    await bot.say("/fullpumping", language_code="nb")
    await bot.press("Ja, jeg fullpumper", language_code="nb")
    sent = await logged(bot, dropping())
    assert len(sent) == 1
    assert "kontakt en ammeveileder, helsestasjonen eller lege" in sent[0]
    assert "miste melken" not in sent[0]


async def test_forget_takes_the_number_of_babies_too(bot: BotHarness) -> None:
    await bot.say("/settings")
    await bot.press("2 babies")
    await bot.say("/forget")
    await bot.press("Delete everything")
    assert "Milk for: 1 baby" in (await bot.say("/settings")).text


async def test_a_drop_for_a_chat_that_never_said_ends_with_when_to_get_help(
    bot: BotHarness,
) -> None:
    """She may pump exclusively without having said so: the reassurance keeps its condition."""
    await bot.say("/start")
    sent = await logged(bot, dropping())
    assert len(sent) == 1
    assert (
        "If your baby gets only pumped milk and the amounts stay much lower although you pump "
        "regularly, contact a lactation consultant or your health visitor." in sent[0]
    )
