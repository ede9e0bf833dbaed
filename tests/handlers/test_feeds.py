"""Bottle feeds through the bot: /feed takes ready milk (fridge and thawed, soonest use-by
first, never frozen), splits a portion and keeps the rest as milk left over from a feed, says
when the stash is not enough, undoes exactly, handles a message once, and never logs a pumping
session. Both languages."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bot.storage.models import Feed
from bot.storage.repo import FeedRepo, SessionRepo
from scheduler.stash_notes import send_note
from tests.handlers.test_report import a_week_of_logs, pdf_text
from tests.handlers.test_stash import ml, plain, portions, snapshot, stored
from tests.support.kit import GROUP_CHAT, PARENT_CHAT, BotHarness


def feeds(bot: BotHarness, chat_id: int = PARENT_CHAT) -> list[Feed]:
    with bot.services.db.session() as session:
        return list(FeedRepo(session, chat_id).all())


async def stock(bot: BotHarness) -> None:
    """Tue 10 Mar 2026, 10:00 in Oslo: 120 and 100 ml frozen; an hour later 60 ml in the
    fridge; at 12:00 the 120 ml is thawed; at 13:00 80 ml more in the fridge."""
    await bot.say("froze 120")
    await bot.say("froze 100")
    bot.clock.advance(hours=1)
    await bot.say("fridge 60")
    bot.clock.advance(hours=1)
    await bot.say("/stash")
    await bot.press(f"Thaw the oldest: {ml(120)}")
    bot.clock.advance(hours=1)
    await bot.say("fridge 80")
    bot.clock.advance(hours=1)  # 14:00 in Oslo


async def test_a_feed_takes_thawed_milk_first_splits_it_and_keeps_the_rest_two_hours(
    bot: BotHarness,
) -> None:
    await stock(bot)
    reply = await bot.say("/feed 90")
    text = plain(reply.text)
    assert "Logged a feed of 90 ml, all from the stash" in text
    assert "90 ml of the portion pumped Tue, Mar 10" in text
    assert "The 30 ml left in it counts as milk left over from a feed" in text
    assert "use it within 2 hours, by today at 4:00 PM" in text
    assert sorted(stored(bot)) == [
        ("freezer", 100.0),
        ("fridge", 30.0),
        ("fridge", 60.0),
        ("fridge", 80.0),
    ]
    assert [b["text"] for b in reply.buttons] == ["↩️ Undo"]
    # The next feed: the 30 ml left over (it runs out first), the 60 ml, then part of the 80.
    text = plain((await bot.say("/feed 100")).text)
    assert "• 💧 30 ml of thawed milk, pumped Tue, Mar 10" in text
    assert "• 🥛 60 ml, pumped Tue, Mar 10" in text
    assert "10 ml of the portion pumped Tue, Mar 10. The 70 ml left in it" in text
    assert sorted(stored(bot)) == [("freezer", 100.0), ("fridge", 70.0)]
    # Never a pumping session.
    with bot.services.db.session() as session:
        assert SessionRepo(session, PARENT_CHAT).count() == 0
    assert [(f.amount_ml, f.from_stash_ml) for f in feeds(bot)] == [(90.0, 90.0), (100.0, 100.0)]


async def test_frozen_milk_is_never_taken_and_the_reply_says_what_came_from_outside(
    bot: BotHarness,
) -> None:
    await bot.say("froze 150")
    await bot.say("fridge 60")
    text = plain((await bot.say("/feed 100")).text)
    assert "Logged a feed of 100 ml: 60 ml from the stash, 40 ml from outside it" in text
    assert "There's 150 ml in the freezer. Thaw the oldest portion" in text
    assert stored(bot) == [("freezer", 150.0)]
    text = plain((await bot.say("/feed 70")).text)
    assert "There was no milk ready in the fridge, so none of it came from the stash" in text
    assert [(f.amount_ml, f.from_stash_ml) for f in feeds(bot)] == [(100.0, 60.0), (70.0, 0.0)]


async def test_milk_past_its_time_is_never_fed(bot: BotHarness) -> None:
    await bot.say("fridge 60")
    bot.clock.advance(days=4, hours=1)
    await bot.say("fridge 50")
    text = plain((await bot.say("/feed 90")).text)
    assert "50 ml from the stash, 40 ml from outside it" in text
    assert stored(bot) == [("fridge", 60.0)]  # the old one stays, for /stash to show and toss


async def test_undo_puts_every_portion_back_exactly(bot: BotHarness) -> None:
    await stock(bot)
    before = snapshot(bot)
    await bot.say("/feed 90")
    bot.clock.advance(minutes=30)
    await bot.say("/feed 100")
    bot.clock.advance(minutes=30)
    calls = await bot.press("↩️ Undo")
    assert "The feed of 100 ml is undone, and the 100 ml it took is back in the stash" in (
        plain(calls[-1].text)
    )
    calls = await bot.press("↩️ Undo")  # the first feed's, now the newest Undo left
    assert "The feed of 90 ml is undone" in plain(calls[-1].text)
    assert snapshot(bot) == before, "every portion as it was: amount, place, use-by, state"
    assert feeds(bot) == []


async def test_undo_twice_changes_nothing_the_second_time(bot: BotHarness) -> None:
    await bot.say("fridge 60")
    reply = await bot.say("/feed 60")
    data = reply.buttons[0]["callback_data"]
    await bot.tap(data, reply.message_id)
    before = snapshot(bot)
    calls = await bot.tap(data, reply.message_id)
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "no longer logged" in str(answer.params.get("text"))
    assert snapshot(bot) == before and stored(bot) == [("fridge", 60.0)]


async def test_when_the_rest_of_a_split_portion_is_gone_undo_brings_back_the_part_taken(
    bot: BotHarness,
) -> None:
    await bot.say("fridge 100")
    first = await bot.say("/feed 70")
    await bot.say("/stash use")  # the 30 ml left: used
    await bot.tap(first.buttons[0]["callback_data"], first.message_id)
    assert stored(bot) == [("fridge", 70.0)]
    restored = next(p for p in portions(bot) if p.state == "stored")
    assert restored.use_by == restored.pumped_at + timedelta(days=4), "its own use-by again"


async def test_the_same_message_delivered_twice_is_one_feed(bot: BotHarness) -> None:
    await bot.say("fridge 60")
    reply = await bot.say("/feed 30")
    message_id = bot.last_user_message_id
    user = bot.telegram.user(501, "en", "Parent")
    update = bot.telegram.message_update(PARENT_CHAT, "/feed 30", user)
    update["message"]["message_id"] = message_id
    calls = await bot.feed(update)
    assert "already handled that message" in plain(calls[-1].text)
    assert len(feeds(bot)) == 1 and stored(bot) == [("fridge", 30.0)]
    assert reply.buttons


async def test_feed_refusals_and_prompt(bot: BotHarness) -> None:
    await bot.say("fridge 60")
    before = snapshot(bot)
    assert "How much did your baby have?" in plain((await bot.say("/feed")).text)
    assert "How much did your baby have?" in plain((await bot.say("/feed lots")).text)
    assert "A feed can be from 1 ml up to 500 ml. Nothing changed." in plain(
        (await bot.say("/feed 900")).text
    )
    assert snapshot(bot) == before and feeds(bot) == []


async def test_a_family_group_feeds_from_its_stash(bot: BotHarness) -> None:
    await bot.say("/stash add 120 fridge", chat_id=GROUP_CHAT, user_id=11, first_name="Kari")
    await bot.say("/feed 90", chat_id=GROUP_CHAT, user_id=12, first_name="Ola")
    assert stored(bot, GROUP_CHAT) == [("fridge", 30.0)]
    assert [f.fed_by_name for f in feeds(bot, GROUP_CHAT)] == ["Ola"]


async def test_norwegian_feed(bot: BotHarness) -> None:
    chat = 602
    await bot.say("kjøleskap 100", chat_id=chat, language_code="nb")
    text = plain((await bot.say("/mat 90", chat_id=chat, language_code="nb")).text)
    assert "Logget et måltid på 90 ml, alt fra lageret" in text
    assert "De 10 ml som er igjen i den, regnes som rester etter et måltid" in text
    reply = await bot.say("/mat 500", chat_id=chat, language_code="nb")
    assert "10 ml fra lageret, 490 ml fra utenfor lageret" in plain(reply.text)
    calls = await bot.press("↩️ Angre", chat_id=chat, language_code="nb")
    assert "Måltidet på 500 ml er angret" in plain(calls[-1].text)


async def test_stash_shows_the_days_it_covers_at_the_last_days_real_feeds(
    bot: BotHarness,
) -> None:
    for _ in range(10):
        await bot.say("froze 120")
    await bot.say("fridge 100")
    await bot.say("fridge 100")
    first = plain((await bot.say("/stash")).text)
    assert "📅" not in first  # no feeds yet, and not an exclusive pumper: no guess
    for _ in range(12):  # 400 ml a day for three days
        await bot.say("/feed 100")
        bot.clock.advance(hours=6)
    text = plain((await bot.say("/stash")).text)
    assert (
        "That is about 3 days' milk at the 400 ml a day your baby has had from the bottle "
        "lately (a rule of thumb)." in text
    )


async def test_an_exclusive_pumper_sees_the_band_until_feeds_are_logged(bot: BotHarness) -> None:
    await bot.say("/exclusive")
    await bot.press("Yes, I pump exclusively")
    await bot.say("froze 800")
    assert "at 750–800 ml a day (a rough guide)" in plain((await bot.say("/stash")).text)
    for _ in range(4):
        await bot.say("/feed 150")
        bot.clock.advance(hours=6)
    text = plain((await bot.say("/stash")).text)
    assert "at the 600 ml a day your baby has had from the bottle lately" in text
    assert "750–800" not in text


async def test_away_says_which_frozen_portions_to_thaw_tonight(bot: BotHarness) -> None:
    await bot.say("froze 90")
    bot.clock.advance(hours=1)
    await bot.say("froze 120")
    await bot.say("fridge 60")
    text = plain((await bot.say("/away 8h")).text)
    assert "leave about 300 ml" in text
    assert "In the fridge and still good tomorrow: 60 ml." in text
    assert "Thaw these tonight in the fridge, the oldest first" in text
    lines = text.splitlines()
    thaw = [line for line in lines if line.startswith("• 🧊")]
    assert thaw == ["• 🧊 90 ml, pumped Tue, Mar 10", "• 🧊 120 ml, pumped Tue, Mar 10"]
    assert "Your stash is 30 ml short of that." in text


async def test_away_without_a_stash_says_only_how_much_to_leave(bot: BotHarness) -> None:
    text = plain((await bot.say("/away 8h")).text)
    assert "leave about 300 ml" in text and "From your stash" not in text


async def test_typed_feeds_in_a_chat_and_a_family_group_are_feeds_never_sessions(
    bot: BotHarness,
) -> None:
    await bot.say("fridge 200")
    for text in ("fed 30", "gave 30 ml", "ga 30 ml", "flaske 30"):
        reply = plain((await bot.say(text)).text)
        assert "Logged a feed of 30 ml, all from the stash" in reply, text
    assert stored(bot) == [("fridge", 80.0)]
    await bot.say("/stash add 100 fridge", chat_id=GROUP_CHAT, user_id=11, first_name="Kari")
    reply = await bot.say("fed 40", chat_id=GROUP_CHAT, user_id=12, first_name="Ola")
    assert "Logged a feed of 40 ml" in plain(reply.text)
    assert stored(bot, GROUP_CHAT) == [("fridge", 60.0)]
    with bot.services.db.session() as session:
        assert SessionRepo(session, PARENT_CHAT).count() == 0
        assert SessionRepo(session, GROUP_CHAT).count() == 0


async def test_an_edited_feed_stays_as_it_was(bot: BotHarness) -> None:
    await bot.say("fridge 100")
    await bot.say("fed 30")
    calls = await bot.edit(bot.last_user_message_id, "fed 60")
    assert "I don't change a feed from an edited message" in plain(calls[-1].text)
    assert stored(bot) == [("fridge", 70.0)] and len(feeds(bot)) == 1


async def test_export_adds_a_feeds_file(bot: BotHarness) -> None:
    await bot.say("fridge 60")
    await bot.say("/feed 90", first_name="Ola")
    await bot.say("/export")
    documents = bot.sent_to(PARENT_CHAT, "sendDocument")
    files = {
        name: data
        for call in documents
        for name, data in zip(call.file_names.values(), call.files.values(), strict=True)
    }
    rows = list(
        csv.DictReader(io.StringIO(files["pumpbot-feeds-2026-03-10.csv"].decode("utf-8-sig")))
    )
    assert rows == [
        {
            "fed": "2026-03-10T10:00:00+01:00",
            "amount_ml": "90",
            "from_stash_ml": "60",
            "fed_by": "Ola",
        }
    ]
    assert "Your bottle feeds: 1 feed" in str(documents[-1].params.get("caption"))


async def test_forget_deletes_every_feed_and_what_it_took(bot: BotHarness) -> None:
    await bot.say("fridge 100")
    await bot.say("/feed 60")
    await bot.say("/forget")
    await bot.press("Delete everything")
    with bot.services.db.engine.connect() as connection:
        for table in ("feeds", "feed_takes", "stash_portions"):
            count = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            assert count == 0, table


async def test_the_report_shows_the_bottles_beside_the_milk_pumped(bot: BotHarness) -> None:
    a_week_of_logs(bot)
    await bot.say("fridge 200")
    await bot.say("/feed 90")
    await bot.say("/feed 60")
    text = pdf_text((await bot.say("/report 7")).files["document"])
    assert "Bottles (ml)" in text
    assert "Tue, Mar 10, 2026* 260 2 130 11:00 46/54 150" in text
    assert "Mon, Mar 9, 2026 520 4 130 11:00 46/54 –" in text
    assert "Bottles: what the baby was given from the bottle that day" in text


BABY_BUDDY_FEEDINGS = Path(__file__).parent.parent / "data" / "babybuddy-feedings.csv"


async def test_baby_buddys_feeding_export_imports_its_bottles_of_breast_milk_as_feeds(
    bot: BotHarness,
) -> None:
    preview = plain(
        (await bot.send_file(BABY_BUDDY_FEEDINGS.read_bytes(), file_name="feedings.csv")).text
    )
    assert "It is a feeding export from Baby Buddy" in preview
    assert "In it: 4 bottles from Mar 8, 2026 to Mar 9, 2026, 420 ml in all." in preview
    assert "2 other feeds (at the breast, formula or solid food) are left out." in preview
    assert "line 7: there is no amount" in preview
    calls = await bot.press("Import 4 feeds")
    assert "Imported 4 bottles from Mar 8, 2026 to Mar 9, 2026" in plain(calls[-1].text)
    assert [(f.amount_ml, f.from_stash_ml) for f in feeds(bot)] == [
        (90.0, 0.0),
        (110.0, 0.0),
        (100.0, 0.0),
        (120.0, 0.0),
    ]
    with bot.services.db.session() as session:
        assert SessionRepo(session, PARENT_CHAT).count() == 0
    await bot.say("fridge 500")
    assert "about 2 days' milk at the 219 ml a day" in plain((await bot.say("/stash")).text)
    again = plain((await bot.send_file(BABY_BUDDY_FEEDINGS.read_bytes(), file_name="f.csv")).text)
    assert "Every bottle in it is already logged" in again
    calls = await bot.press("Undo this import")
    assert "I removed the 4 bottle feeds it added" in plain(calls[-1].text)
    assert feeds(bot) == [] and stored(bot) == [("fridge", 500.0)]


async def test_milk_left_over_from_a_feed_brings_no_morning_note(bot: BotHarness) -> None:
    await bot.say("fridge 100")
    await bot.say("fridge 60")
    bot.clock.advance(hours=4)  # 14:00: this morning's note time has passed
    await bot.say("/feed 70")  # the 30 ml left keeps 2 hours, as the reply says
    assert await send_note(bot.app, PARENT_CHAT) is False
    assert not [c for c in bot.sent_to(PARENT_CHAT) if "Good morning" in c.text]
    bot.clock.advance(days=3, hours=16, minutes=30)  # Sat 14 Mar, 06:30: the 60 ml's last morning
    assert await send_note(bot.app, PARENT_CHAT) is True
    note = plain(bot.sent_to(PARENT_CHAT)[-1].text)
    assert "60 ml in the fridge, use by today at 10:00 AM" in note and "30 ml" not in note
