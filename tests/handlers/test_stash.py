"""The milk stash through the bot: storing from a log confirmation and by typing, /stash,
its buttons, the thaw rule, refusals that change nothing, groups, both languages, export and
forget."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.domain.export import export_csv
from bot.storage.models import StashPortion
from bot.storage.repo import SessionRepo, StashRepo
from bot.terminal.fakeapi import ApiCall
from tests.support.kit import GROUP_CHAT, PARENT_CHAT, BotHarness

NORWEGIAN_CHAT = 602
OTHER_CHAT = 777


def plain(text: str) -> str:
    """The text as read: no HTML tags, ordinary spaces."""
    return re.sub(r"<[^>]+>", "", text).replace("\u202f", " ").replace("\u00a0", " ")


def ml(amount: int) -> str:
    """An amount as buttons show it (with a no-break space)."""
    return f"{amount}\u00a0ml"


def portions(bot: BotHarness, chat_id: int = PARENT_CHAT) -> list[StashPortion]:
    with bot.services.db.session() as session:
        return list(StashRepo(session, chat_id).all())


def stored(bot: BotHarness, chat_id: int = PARENT_CHAT) -> list[tuple[str, float]]:
    return [(p.place, p.amount_ml) for p in portions(bot, chat_id) if p.state == "stored"]


def snapshot(bot: BotHarness) -> list[tuple[object, ...]]:
    """Every stash row, every column: to prove a refusal changed nothing."""
    with bot.services.db.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM stash_portions ORDER BY id")).all()
    return [tuple(row) for row in rows]


def session_count(bot: BotHarness, chat_id: int = PARENT_CHAT) -> int:
    with bot.services.db.session() as session:
        return SessionRepo(session, chat_id).count()


def answers(calls: list[ApiCall]) -> list[str]:
    return [str(c.params.get("text", "")) for c in calls if c.method == "answerCallbackQuery"]


def sent_texts(calls: list[ApiCall]) -> list[str]:
    return [plain(c.text) for c in calls if c.method in ("sendMessage", "editMessageText")]


async def test_a_log_confirmation_puts_that_sessions_milk_in_the_freezer_once(
    bot: BotHarness,
) -> None:
    confirmation = await bot.say("120 ml")
    labels = [b["text"] for b in confirmation.buttons]
    assert any("Undo" in label for label in labels) and any("Fix time" in label for label in labels)
    assert "🧊 Freezer" in labels and "🥛 Fridge" in labels

    calls = await bot.press("🧊 Freezer")
    reply = sent_texts(calls)[-1]
    # Pumped 10:00 in Oslo on 10 March 2026; best within 6 months.
    assert "120 ml is in the freezer (pumped today at 10:00 AM)" in reply
    assert "Best used by Sep 10, 2026" in reply
    assert stored(bot) == [("freezer", 120.0)]

    before = snapshot(bot)
    again = await bot.press("🥛 Fridge")  # the same session's milk cannot be stored twice
    assert "already in the freezer" in answers(again)[0] and "Nothing changed" in answers(again)[0]
    assert snapshot(bot) == before
    assert session_count(bot) == 1  # and the session itself is logged once


async def test_typed_stash_messages_store_milk_and_are_never_logged(bot: BotHarness) -> None:
    for text, expected in [
        ("froze 120", ("freezer", 120.0)),
        ("fridge 90", ("fridge", 90.0)),
        ("put 60 ml in the freezer", ("freezer", 60.0)),
        ("fryste 100", ("freezer", 100.0)),
        ("kjøleskap 80", ("fridge", 80.0)),
        ("/stash add 150 freezer", ("freezer", 150.0)),
        ("/lager legg til 70 kjøleskap", ("fridge", 70.0)),
    ]:
        reply = await bot.say(text)
        assert "/stash shows all your milk" in reply.text, text
        assert stored(bot)[-1] == expected, text
    assert session_count(bot) == 0


async def test_an_edited_stash_message_is_not_logged_as_a_session(bot: BotHarness) -> None:
    await bot.say("froze 12")
    calls = await bot.edit(bot.last_user_message_id, "froze 120")
    assert "edited message" in sent_texts(calls)[-1]
    assert session_count(bot) == 0 and stored(bot) == [("freezer", 12.0)]


async def test_stash_lists_places_oldest_first_with_totals_and_the_note_once(
    bot: BotHarness,
) -> None:
    await bot.say("fridge 90")  # Tue 10 Mar, 10:00 in Oslo
    bot.clock.advance(hours=26)
    await bot.say("froze 120")  # Wed 11 Mar, 12:00
    await bot.say("fridge 60")
    bot.clock.advance(hours=1)
    reply = plain((await bot.say("/stash")).text)
    lines = reply.splitlines()
    fridge = lines.index(next(line for line in lines if "Fridge" in line))
    assert "Fridge: 150 ml in 2 portions" in lines[fridge]
    assert lines[fridge + 1].startswith("• 90 ml · pumped Tue, Mar 10")
    assert "use by Sat, Mar 14 at 10:00 AM" in lines[fridge + 1]
    assert lines[fridge + 2].startswith("• 60 ml · pumped Wed, Mar 11")
    assert "use by Sun, Mar 15 at 12:00 PM" in lines[fridge + 2]
    assert "Freezer: 120 ml in 1 portion" in reply
    assert "best by Sep 11, 2026" in reply
    assert "healthy baby born at term" in reply and "hospital's rules" in reply
    assert "rough guide" not in reply  # this chat has not said it pumps exclusively

    again = plain((await bot.say("/stash")).text)
    assert "Fridge: 150 ml" in again and "born at term" not in again


async def test_exclusive_pumping_shows_about_how_many_days_the_stash_covers(
    bot: BotHarness,
) -> None:
    await bot.say("/exclusive")
    await bot.press("Yes, I pump exclusively")
    for _ in range(4):
        await bot.say("froze 600")
    await bot.say("fridge 800")
    bot.clock.advance(days=5)  # the fridge milk is past its time and no longer counts
    reply = plain((await bot.say("/stash")).text)
    assert "⚠️ past its use-by time" in reply
    # 2,400 ml at 750-800 ml a day: 3.0 to 3.2 days.
    assert "That is about 3 days' milk at 750–800 ml a day (a rough guide)." in reply


async def test_use_the_oldest_then_thaw_then_the_thawed_milk_never_refreezes(
    bot: BotHarness,
) -> None:
    await bot.say("fridge 90")
    bot.clock.advance(hours=1)
    await bot.say("fridge 60")
    await bot.say("froze 120")
    await bot.say("/stash")
    calls = await bot.press(f"Use the oldest: {ml(90)}")
    shown = sent_texts(calls)[-1]
    assert "Used 90 ml from the fridge. Left there: 60 ml." in shown
    assert sorted(stored(bot)) == [("freezer", 120.0), ("fridge", 60.0)]

    bot.clock.advance(hours=2)  # 13:00 in Oslo
    calls = await bot.press(f"Thaw the oldest: {ml(120)}")
    shown = sent_texts(calls)[-1]
    assert "120 ml is thawing in the fridge. Use it within 24 hours," in shown
    assert "by tomorrow at 1:00 PM" in shown
    thawed = next(p for p in portions(bot) if p.amount_ml == 120)
    assert thawed.place == "fridge" and thawed.thawed_at == bot.clock.now()
    assert thawed.use_by == bot.clock.now() + timedelta(hours=24)

    # The pick list offers no Freeze for thawed milk; forged data gets the kind refusal.
    before = snapshot(bot)
    message_id = calls[-1].message_id
    refused = await bot.tap(f"stash:freeze:{thawed.id}", message_id)
    text = " ".join(answers(refused) + sent_texts(refused))
    assert "Thawed milk can't go back in the freezer" in text
    assert "should not be frozen again" in text and "Nothing changed" in text
    assert snapshot(bot) == before

    twice = await bot.tap(f"stash:thaw:{thawed.id}", message_id)
    assert "already thawed" in answers(twice)[0]
    assert snapshot(bot) == before


async def test_pick_a_portion_offers_only_what_the_rules_allow(bot: BotHarness) -> None:
    await bot.say("fridge 90")
    await bot.say("froze 120")
    await bot.say("/stash")
    await bot.press("Pick a portion")
    calls = await bot.press(f"🥛 {ml(90)}")
    labels = [b["text"] for c in calls for b in c.buttons]
    assert "🍼 Use" in labels and "🧊 Freeze" in labels and "🗑 Throw out" in labels
    assert "💧 Thaw" not in labels  # fresh fridge milk has nothing to thaw
    calls = await bot.press("🧊 Freeze")
    assert "90 ml moved to the freezer" in sent_texts(calls)[-1]
    await bot.press("Pick a portion")
    calls = await bot.press(f"🧊 {ml(120)}")
    labels = [b["text"] for c in calls for b in c.buttons]
    assert "💧 Thaw" in labels and "🧊 Freeze" not in labels
    calls = await bot.press("🗑 Throw out")
    assert "Threw out 120 ml from the freezer." in sent_texts(calls)[-1]
    assert stored(bot) == [("freezer", 90.0)]
    assert [p.state for p in portions(bot)] == ["stored", "discarded"]


async def test_bad_input_gets_a_clear_reply_and_changes_nothing(bot: BotHarness) -> None:
    await bot.say("fridge 90")
    await bot.say("fridge 60")
    await bot.say("froze 5", chat_id=OTHER_CHAT, user_id=OTHER_CHAT)
    other_portion = portions(bot, OTHER_CHAT)[0]
    before = snapshot(bot)

    reply = plain((await bot.say("/stash use 200")).text)
    assert "There's only 150 ml in the fridge. Nothing changed." in reply
    reply = plain((await bot.say("froze 5000")).text)
    assert "A portion can be from 1 ml up to 1,000 ml. Nothing changed." in reply
    reply = plain((await bot.say("/stash add 0 fridge")).text)
    assert "Nothing changed" in reply
    reply = plain((await bot.say("/stash use freezer")).text)
    assert "There's no milk in the freezer within its time. /stash shows what you have." in reply
    assert "Nothing changed" in reply
    reply = plain((await bot.say("/stash eat everything")).text)
    assert "couldn't read that" in reply
    status = await bot.say("/stash")
    for data in (
        f"stash:use:{other_portion.id}",
        f"stash:toss:{other_portion.id}",
        f"stash:thaw:{other_portion.id}",
        f"stash:show:{other_portion.id}",
        "stash:use:99999999",
        "stash:put:fridge:424242",
        "stash:put:attic:1",
        "stash:melt:1",
        "stash:use:-1",
        "stash:",
    ):
        calls = await bot.tap(data, status.message_id)
        assert answers(calls), data
        assert answers(calls)[0], data  # a polite word, not silence
    assert snapshot(bot) == before
    assert session_count(bot) == 0


async def test_using_an_amount_takes_the_oldest_first_and_keeps_the_rest(bot: BotHarness) -> None:
    await bot.say("fridge 90")
    bot.clock.advance(hours=1)
    await bot.say("fridge 60")
    reply = plain((await bot.say("/stash use 100")).text)
    assert "Used 100 ml from the fridge. Left there: 50 ml." in reply
    assert stored(bot) == [("fridge", 50.0)]
    used = sorted(p.amount_ml for p in portions(bot) if p.state == "used")
    assert used == [10.0, 90.0]  # the history adds up to what was stored


async def test_a_family_group_shares_one_stash(bot: BotHarness) -> None:
    await bot.say("/stash add 120 freezer", chat_id=GROUP_CHAT, user_id=11, first_name="Kari")
    reply = plain((await bot.say("/stash", chat_id=GROUP_CHAT, user_id=12, first_name="Ola")).text)
    assert "Freezer: 120 ml in 1 portion" in reply and "Kari" in reply
    await bot.say("/stash use 120 freezer", chat_id=GROUP_CHAT, user_id=12)
    assert stored(bot, GROUP_CHAT) == []


async def test_norwegian_stash(bot: BotHarness) -> None:
    reply = plain((await bot.say("fryste 120", chat_id=NORWEGIAN_CHAT, language_code="nb")).text)
    assert "120 ml ligger i fryseren" in reply and "/lager viser all melken din" in reply
    await bot.say("kjøleskap 90", chat_id=NORWEGIAN_CHAT, language_code="nb")
    reply = plain((await bot.say("/lager", chat_id=NORWEGIAN_CHAT, language_code="nb")).text)
    assert "Melkelageret ditt" in reply
    assert "Kjøleskap: 90 ml i 1 porsjon" in reply and "Fryser: 120 ml i 1 porsjon" in reply
    assert "frisk baby født til termin" in reply and "sykehusets regler" in reply
    reply = plain(
        (await bot.say("/lager bruk 500", chat_id=NORWEGIAN_CHAT, language_code="nb")).text
    )
    assert "Det er bare 90 ml i kjøleskapet. Ingenting ble endret." in reply


async def test_export_adds_a_stash_file_and_leaves_the_sessions_file_as_it_was(
    bot: BotHarness,
) -> None:
    await bot.say("120 ml")
    await bot.press("🧊 Freezer")
    await bot.say("fridge 60")
    await bot.say("/stash use 60")
    with bot.services.db.session() as session:
        sessions = list(SessionRepo(session, PARENT_CHAT).all())
    await bot.say("/export")
    documents = bot.sent_to(PARENT_CHAT, "sendDocument")
    files = {
        name: data
        for call in documents
        for name, data in zip(call.file_names.values(), call.files.values(), strict=True)
    }
    log_name, stash_name = "pumpbot-2026-03-10.csv", "pumpbot-stash-2026-03-10.csv"
    assert files[log_name] == export_csv(sessions, ZoneInfo("Europe/Oslo"), "en")
    rows = list(csv.DictReader(io.StringIO(files[stash_name].decode("utf-8-sig"))))
    assert [(r["place"], r["amount_ml"], r["state"]) for r in rows] == [
        ("freezer", "120", "stored"),
        ("fridge", "60", "used"),
    ]
    assert rows[0]["pumped"] == "2026-03-10T10:00:00+01:00"
    assert rows[0]["use_by"] == "2026-09-10T10:00:00+02:00"
    assert rows[1]["closed"] == "2026-03-10T10:00:00+01:00"


async def test_forget_deletes_the_stash_and_its_note_job(bot: BotHarness) -> None:
    await bot.say("fridge 90")
    await bot.say("/stash")
    assert bot.app.job_queue.get_jobs_by_name(f"stash-note:{PARENT_CHAT}")
    await bot.say("/forget")
    await bot.press("Delete everything")
    assert portions(bot) == []
    with bot.services.db.engine.connect() as connection:
        left = connection.execute(
            sa.text("SELECT count(*) FROM stash_state WHERE chat_id = :c"), {"c": PARENT_CHAT}
        ).scalar_one()
    assert left == 0
    assert not bot.app.job_queue.get_jobs_by_name(f"stash-note:{PARENT_CHAT}")


async def test_a_group_that_becomes_a_supergroup_keeps_its_stash_and_note(
    bot: BotHarness,
) -> None:
    supergroup = -1001234567890
    await bot.say("/stash add 90 fridge", chat_id=GROUP_CHAT, user_id=11, first_name="Kari")
    assert bot.app.job_queue.get_jobs_by_name(f"stash-note:{GROUP_CHAT}")
    user = bot.telegram.user(11, "en")
    for update in bot.telegram.migration_updates(GROUP_CHAT, supergroup, user):
        await bot.feed(update)
    assert stored(bot, GROUP_CHAT) == [] and stored(bot, supergroup) == [("fridge", 90.0)]
    assert not bot.app.job_queue.get_jobs_by_name(f"stash-note:{GROUP_CHAT}")
    (job,) = bot.app.job_queue.get_jobs_by_name(f"stash-note:{supergroup}")
    assert job.chat_id == supergroup
    reply = plain((await bot.say("/stash", chat_id=supergroup, user_id=12)).text)
    assert "Fridge: 90 ml in 1 portion" in reply


async def test_a_typed_change_handled_twice_after_a_crash_counts_once(bot: BotHarness) -> None:
    """The inbox runs an update again from the top if the process died while handling it."""
    user = bot.telegram.user(501, "en")
    await bot.say("fridge 90")
    for text in ("froze 120", "/stash use 60"):
        update = bot.telegram.message_update(PARENT_CHAT, text, user)
        await bot.feed(update)
        calls = await bot.feed(update)
        assert "already handled that message" in sent_texts(calls)[-1]
    assert sorted(stored(bot)) == [("freezer", 120.0), ("fridge", 30.0)]
