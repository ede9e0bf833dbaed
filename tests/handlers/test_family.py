"""A family group linked to the parent who pumps: a one-time code links it; in the group anyone
logs feeds and sees the stash, which is hers; her pumping log stays in her private chat;
unlinking is one tap and loses nothing; the link survives a supergroup migration and a
restart."""

from __future__ import annotations

import re
from pathlib import Path

from bot.clock import FakeClock
from bot.storage.repo import SessionRepo
from tests.handlers.test_feeds import feeds
from tests.handlers.test_stash import plain, stored
from tests.support.kit import GROUP_CHAT, PARENT_CHAT, BotHarness

GRANDMA = 12


async def link(bot: BotHarness, chat_id: int = GROUP_CHAT) -> str:
    """The parent asks for a code in private and sends it in the group; the group's reply."""
    reply = plain((await bot.say("/link")).text)
    code = re.search(r"/link ([A-Z0-9]{6})", reply)
    assert code is not None, reply
    return plain((await bot.say(f"/link {code.group(1)}", chat_id=chat_id)).text)


def session_count(bot: BotHarness, chat_id: int = PARENT_CHAT) -> int:
    with bot.services.db.session() as session:
        return SessionRepo(session, chat_id).count()


async def test_a_group_members_feed_takes_the_linked_parents_milk_and_not_her_log(
    bot: BotHarness,
) -> None:
    await bot.say("137 ml")  # her pumping log
    await bot.say("fridge 120")
    reply = await link(bot)
    assert "This group now shares Parent's stash" in reply
    told = plain(bot.sent_to(PARENT_CHAT)[-1].text)
    assert "Your stash is now shared with Family" in told

    said = await bot.say("fed 90", chat_id=GROUP_CHAT, user_id=GRANDMA, first_name="Mormor")
    text = plain(said.text)
    assert "Logged a feed of 90 ml, all from the stash" in text
    assert stored(bot) == [("fridge", 30.0)], "her stash, taken from the group"
    assert stored(bot, GROUP_CHAT) == []
    assert [f.fed_by_name for f in feeds(bot)] == ["Mormor"]
    assert session_count(bot) == 1 and session_count(bot, GROUP_CHAT) == 0

    group_stash = plain((await bot.say("/stash", chat_id=GROUP_CHAT, user_id=GRANDMA)).text)
    assert "Fridge: 30 ml in 1 portion" in group_stash
    # Nothing of her pumping log shows in the group.
    today = plain((await bot.say("/today", chat_id=GROUP_CHAT, user_id=GRANDMA)).text)
    assert "137" not in today


async def test_a_code_works_once_and_not_after_an_hour(bot: BotHarness) -> None:
    reply = plain((await bot.say("/link")).text)
    code = re.search(r"/link ([A-Z0-9]{6})", reply)
    assert code is not None
    bot.clock.advance(minutes=61)
    late = plain((await bot.say(f"/link {code.group(1)}", chat_id=GROUP_CHAT)).text)
    assert "That code doesn't work" in late
    assert "This group now shares" in await link(bot)
    again = plain((await bot.say(f"/link {code.group(1)}", chat_id=-555)).text)
    assert "That code doesn't work" in again


async def test_unlinking_is_one_tap_and_loses_nothing(bot: BotHarness) -> None:
    await bot.say("fridge 120")
    await link(bot)
    await bot.say("fed 30", chat_id=GROUP_CHAT, user_id=GRANDMA)
    calls = await bot.press("Unlink", chat_id=GROUP_CHAT, user_id=GRANDMA)
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "Only the parent whose stash it is" in str(answer.params.get("text"))
    calls = await bot.press("Unlink", chat_id=GROUP_CHAT, user_id=PARENT_CHAT)
    assert "no longer shares the stash. Nothing was deleted." in plain(calls[-1].text)
    assert stored(bot) == [("fridge", 90.0)] and len(feeds(bot)) == 1
    # The group is on its own again: its own (empty) stash.
    text = plain((await bot.say("fed 30", chat_id=GROUP_CHAT, user_id=GRANDMA)).text)
    assert "none of it came from the stash" in text
    assert stored(bot) == [("fridge", 90.0)]


async def test_the_parent_unlinks_from_her_private_chat(bot: BotHarness) -> None:
    await link(bot)
    calls = await bot.press("Unlink Family")
    assert "Unlinked: Family no longer shares the stash" in plain(calls[-1].text)
    reply = plain((await bot.say("/link", chat_id=GROUP_CHAT)).text)
    assert "the parent who pumps sends /link to me" in reply


async def test_the_link_survives_a_supergroup_migration_and_a_restart(
    tmp_path: Path, clock: FakeClock
) -> None:
    bot = await BotHarness(tmp_path, clock).start()
    try:
        await bot.say("fridge 200")
        await link(bot)
        supergroup = -1009876543210
        user = bot.telegram.user(GRANDMA, "en")
        for update in bot.telegram.migration_updates(GROUP_CHAT, supergroup, user):
            await bot.feed(update)
        await bot.say("fed 50", chat_id=supergroup, user_id=GRANDMA)
        assert stored(bot) == [("fridge", 150.0)]
    finally:
        await bot.stop()
    again = await BotHarness(tmp_path, clock).start()
    try:
        await again.say("fed 50", chat_id=supergroup, user_id=GRANDMA)
        assert stored(again) == [("fridge", 100.0)]
        reply = plain((await again.say("/link")).text)
        assert "Linked now: Family" in reply
    finally:
        await again.stop()


async def test_norwegian_link(bot: BotHarness) -> None:
    chat = 602
    reply = plain((await bot.say("/koble", chat_id=chat, language_code="nb")).text)
    code = re.search(r"/koble ([A-Z0-9]{6})", reply)
    assert code is not None and "familiegruppen" in reply
    linked = plain(
        (await bot.say(f"/koble {code.group(1)}", chat_id=-600, language_code="nb")).text
    )
    assert "Denne gruppen deler nå lageret til Parent" in linked


async def test_her_log_shows_in_the_group_only_when_she_turns_it_on(bot: BotHarness) -> None:
    await bot.say("137 ml")
    await link(bot)
    assert "137" not in plain((await bot.say("/today", chat_id=GROUP_CHAT, user_id=GRANDMA)).text)
    await bot.say("/link")
    calls = await bot.press("Show my log in Family")
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "Your pumping log now shows in Family" in str(answer.params.get("text"))
    assert "137" in plain((await bot.say("/today", chat_id=GROUP_CHAT, user_id=GRANDMA)).text)
    assert "137" in plain((await bot.say("/week", chat_id=GROUP_CHAT, user_id=GRANDMA)).text)
    await bot.press("Hide my log from Family")
    assert "137" not in plain((await bot.say("/today", chat_id=GROUP_CHAT, user_id=GRANDMA)).text)
    assert session_count(bot) == 1 and session_count(bot, GROUP_CHAT) == 0


async def test_away_in_the_linked_group_plans_from_her_stash(bot: BotHarness) -> None:
    await bot.say("froze 300")
    await link(bot)
    text = plain((await bot.say("/away 8h", chat_id=GROUP_CHAT, user_id=GRANDMA)).text)
    assert "• 🧊 300 ml, pumped Tue, Mar 10" in text


async def test_the_group_sees_her_days_covered_by_her_own_settings_and_is_not_asked(
    bot: BotHarness,
) -> None:
    await bot.say("/exclusive")
    await bot.press("Yes, I pump exclusively")
    await bot.say("froze 800")
    await link(bot)
    before = len(bot.sent_to(GROUP_CHAT))
    text = plain((await bot.say("/stash", chat_id=GROUP_CHAT, user_id=GRANDMA)).text)
    assert "at 750–800 ml a day (a rough guide)" in text
    later = [plain(c.text) for c in bot.sent_to(GROUP_CHAT)[before:]]
    assert not [t for t in later if "How many babies is your milk for?" in t]
