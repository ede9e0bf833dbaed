"""Tampered and odd input: forged button data, oversized and strange text, updates with no user
or no text. Nothing changes that should not, every forged tap gets a polite answer, and the
error handler's apology never appears."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from bot import buttons
from bot.domain.parsing import ParsedLog, parse_log
from bot.domain.units import Unit
from bot.storage.repo import FeedRepo, PlanRepo, SessionRepo, StashRepo
from bot.terminal.fakeapi import BOT_USER, ApiCall
from tests.support.buttons import example_parts
from tests.support.kit import PARENT_CHAT, PARENT_ID, BotHarness

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
OSLO = ZoneInfo("Europe/Oslo")
VICTIM_CHAT = 602  # another parent, with a log, a plan and a power-pumping hour running
VICTIM_ID = 602
VICTIM_GROUP = -602  # the other parent's family group, linked to her stash
APOLOGIES = ("Sorry, something went wrong", "Beklager")
REFUSALS = (
    "That button is out of date.",
    "That session is no longer in the log.",
    "That entry isn't in this chat's log (any more).",
    "Only the person who asked can confirm this.",
    "That portion is no longer in the stash.",
    "That portion is no longer in the stash. Nothing changed.",
    "That session is no longer in the log, so there's nothing to store. Nothing changed.",
    "That feed is no longer logged. Nothing changed.",
    "That group is not linked any more. Nothing changed.",
)


def snapshot(bot: BotHarness) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: what must not change."""
    with bot.services.db.engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(sa.select(table))), key=repr)
            for table in SQLModel.metadata.sorted_tables
        }


def apologies(calls: list[ApiCall]) -> list[str]:
    return [c.text for c in calls if any(a in c.text for a in APOLOGIES)]


@pytest.fixture
async def victim(bot: BotHarness) -> dict[str, int]:
    """The other chat's ids, as an attacker would put them in button data."""
    await bot.say("/start", chat_id=VICTIM_CHAT, user_id=VICTIM_ID)
    await bot.say("L 60 R 70", chat_id=VICTIM_CHAT, user_id=VICTIM_ID)
    await bot.say("/remind every 3h", chat_id=VICTIM_CHAT, user_id=VICTIM_ID)
    await bot.say("/power", chat_id=VICTIM_CHAT, user_id=VICTIM_ID)
    await bot.press("Start now", chat_id=VICTIM_CHAT, user_id=VICTIM_ID)
    await bot.say("froze 100", chat_id=VICTIM_CHAT, user_id=VICTIM_ID)
    await bot.say("/feed 30", chat_id=VICTIM_CHAT, user_id=VICTIM_ID)
    # The victim's family group, linked to the victim's stash with a one-time code.
    code = re.search(
        r"/link (\w+)", (await bot.say("/link", chat_id=VICTIM_CHAT, user_id=VICTIM_ID)).text
    )
    assert code is not None
    await bot.say(f"/link {code.group(1)}", chat_id=VICTIM_GROUP, user_id=VICTIM_ID)
    await bot.say("/forget", chat_id=VICTIM_CHAT, user_id=VICTIM_ID)  # asked, never confirmed
    # A file previewed (waiting for its tap) and one imported (undo offered).
    for content in (b"time,amount\n2026-03-09 06:00,100\n", b"time,amount\n2026-03-09 08:00,90\n"):
        await bot.send_file(content, chat_id=VICTIM_CHAT, user_id=VICTIM_ID)
    await bot.press("Import 1 session", chat_id=VICTIM_CHAT, user_id=VICTIM_ID)
    # The attacker's own chat, with its own entry (so its ids exist too).
    await bot.say("120 ml")
    with bot.services.db.session() as session:
        (entry,) = [e for e in SessionRepo(session, VICTIM_CHAT).all() if e.import_id is None]
        plan = PlanRepo(session).get(VICTIM_CHAT)
        (portion,) = StashRepo(session, VICTIM_CHAT).stored()
        (feed,) = FeedRepo(session, VICTIM_CHAT).all()
        assert plan is not None and plan.power_started_at is not None
        return {
            "entry": entry.id or 0,
            "portion": portion.id or 0,
            "feed": feed.id or 0,
            "plan": plan.id or 0,
            "power": int(plan.power_started_at.timestamp()),
            "due": int((plan.next_due_at or plan.power_started_at).timestamp()),
            "pending": 1,  # the victim's imports, in the order sent
            "imported": 2,
        }


def forged_data(v: dict[str, int]) -> list[str]:
    """For every button prefix: the other chat's ids, and data no button of ours ever had."""
    entry, plan, power, due = v["entry"], v["plan"], v["power"], v["due"]
    portion = v["portion"]
    return [
        # logging: Undo, Fix time, Done and shifts of the other chat's entry; nonsense
        f"log:undo:{entry}",
        f"log:fix:{entry}",
        f"log:done:{entry}",
        f"log:shift:{entry}:-15",
        "log:shift:1:-999",
        "log:undo:abc",
        "log:",
        # reminders: snooze, skip, pause and "log the same" on the other chat's plan; nonsense
        f"rem:snooze:{plan}:15:{due}",
        f"rem:skip:{plan}:{due}",
        f"rem:pause:{plan}:2",
        f"rem:pause:{plan}:morning",
        f"rem:log:{plan}:{due}",
        "rem:preset:bogus",
        "rem:occ:2500",
        "rem:snooze:x",
        "rem:",
        # power pumping: cancel the other chat's running hour
        f"pwr:cancel:{plan}:{power}",
        "pwr:cancel:1",
        "pwr:",
        # stats: open, delete, fix the other chat's entry; confirm someone else's /forget
        f"stats:entry:{entry}:0",
        f"stats:del:{entry}:0",
        f"stats:fix:{entry}:0",
        f"stats:forget:{VICTIM_ID}",
        "stats:hist:-1",
        "stats:chart:abc",
        "stats:excl:7",
        "stats:",
        # report: lengths no button offers
        "report:days:99",
        "report:days:0",
        # imports: confirm, cancel or undo the other chat's file; nonsense
        f"imp:go:{v['pending']}",
        f"imp:no:{v['pending']}",
        f"imp:undo:{v['imported']}",
        "imp:go:99999",
        # tips and settings: values no button offers
        "tip:t:no-such-topic",
        "tip:away:999",
        "tip:nudge:maybe",
        "tip:nudge:off:bogus",
        "tip:",
        "set:lang:xx",
        "set:unit:gallons",
        "set:tz:Mars/Olympus",
        "set:lang",
        "set:",
        # stash: use, thaw, freeze, throw out or open the other chat's portion; store the other
        # chat's session; nonsense
        f"stash:use:{portion}",
        f"stash:thaw:{portion}",
        f"stash:freeze:{portion}",
        f"stash:toss:{portion}",
        f"stash:show:{portion}",
        f"stash:put:freezer:{entry}",
        "stash:put:attic:1",
        "stash:use:abc",
        "stash:",
        # feeds and family links: undo the other chat's feed; unlink the other chat's group
        f"feed:undo:{v['feed']}",
        "feed:undo:abc",
        f"link:drop:{VICTIM_GROUP}",
        "link:off",
        "link:drop:1",
        # no feature's prefix at all
        "zzz:1",
        "x" * 64,
    ]


async def test_forged_button_data_changes_nothing_and_gets_a_polite_answer(
    bot: BotHarness, victim: dict[str, int]
) -> None:
    before = snapshot(bot)
    victim_calls = len(bot.sent_to(VICTIM_CHAT))
    own_message = bot.sent_to(PARENT_CHAT)[-1].message_id
    for data in forged_data(victim):
        calls = await bot.tap(data, own_message)
        answers = [c for c in calls if c.method == "answerCallbackQuery"]
        assert len(answers) == 1, f"{data!r}: the tap was answered {len(answers)} times"
        assert answers[0].params.get("text") in REFUSALS, f"{data!r}: {answers[0].params}"
        assert not apologies(calls), data
        assert not [c for c in calls if c.method != "answerCallbackQuery"], data
    assert snapshot(bot) == before
    assert len(bot.sent_to(VICTIM_CHAT)) == victim_calls


# Not data any button of ours carries: numbers too long for any column, digits that only
# `str.isdigit()` accepts, numbers written the ways `int()` also reads, empty parts.
BAD_PARTS = [
    "9" * 40,
    str(buttons.INT32_MAX + 1),
    str(2**63),
    "²",
    "١",
    "１２",
    "٣٠",
    "1²",
    "+1",
    "1_0",
    " 1",
    "01",
    "-1",
    "",
    "ℌ",
]


def malformed_data() -> list[str]:
    """For every button the bot declares: each field in turn replaced by a bad part, the last
    part missing, one part too many."""
    found = []
    for button in buttons.KINDS.values():
        head, good = example_parts(button)[:2], example_parts(button)[2:]
        assert buttons.parse(":".join(head + good)) is not None, button
        for i in range(len(good)):
            found += [":".join(head + good[:i] + [bad] + good[i + 1 :]) for bad in BAD_PARTS]
        found.append(":".join(head + good[:-1]) if good else button.prefix)
        found.append(":".join(head + good + ["1"]))
    # Some of these are another button's good data (tip:nudge:off is one): not malformed.
    return sorted({data for data in found if buttons.parse(data) is None})


def test_every_button_is_forged_in_many_ways() -> None:
    forged = malformed_data()
    for button in buttons.KINDS.values():
        assert any(data.startswith(f"{button.prefix}:{button.action}") for data in forged)
    assert len(forged) > 10 * len(buttons.KINDS)


async def test_malformed_button_data_of_every_prefix_is_out_of_date(
    bot: BotHarness, victim: dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    before = snapshot(bot)
    own_message = bot.sent_to(PARENT_CHAT)[-1].message_id
    with caplog.at_level(logging.WARNING):
        for data in malformed_data():
            calls = await bot.tap(data, own_message)
            answers = [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"]
            assert answers == ["That button is out of date."], f"{data!r}: {answers}"
            assert len(calls) == 1, f"{data!r}: {calls}"
    assert snapshot(bot) == before
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_ids_at_the_edge_of_the_columns_reach_the_database_harmlessly(
    bot: BotHarness, victim: dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    """The largest id a column holds is looked up (and found missing); one more is refused
    before any lookup, on PostgreSQL's 32-bit INTEGER ids too."""
    before = snapshot(bot)
    own_message = bot.sent_to(PARENT_CHAT)[-1].message_id
    largest, too_large = buttons.INT32_MAX, buttons.INT32_MAX + 1
    cases = {
        f"log:undo:{largest}": "That session is no longer in the log.",
        f"stats:del:{largest}:0": "That entry isn't in this chat's log (any more).",
        f"rem:skip:{largest}:{buttons.LAST_TIMESTAMP}": "That button is out of date.",
        f"rem:log:{largest}:{buttons.LAST_TIMESTAMP}": "That button is out of date.",
        f"pwr:cancel:{largest}:0": "That button is out of date.",
        f"stats:forget:{2**63 - 1}": "Only the person who asked can confirm this.",
        f"log:undo:{too_large}": "That button is out of date.",
        f"rem:log:1:{buttons.LAST_TIMESTAMP + 1}": "That button is out of date.",
        f"stats:forget:{2**63}": "That button is out of date.",
    }
    with caplog.at_level(logging.WARNING):
        for data, expected in cases.items():
            calls = await bot.tap(data, own_message)
            answers = [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"]
            assert answers == [expected], data
    assert snapshot(bot) == before
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_forged_taps_in_the_other_chat_by_a_stranger_are_refused_too(
    bot: BotHarness, victim: dict[str, int]
) -> None:
    """Someone in a shared group taps the confirmation of /forget another member asked for."""
    before = snapshot(bot)
    message = bot.sent_to(VICTIM_CHAT)[-1].message_id
    calls = await bot.tap(f"stats:forget:{VICTIM_ID}", message, chat_id=VICTIM_CHAT, user_id=999)
    (answer,) = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answer.params["text"] == "Only the person who asked can confirm this."
    assert snapshot(bot) == before


ODD_TEXTS = [
    "x" * 5000,  # longer than Telegram lets anyone send
    "120 ml " + "#" * 4100,
    "/log " + "9" * 4100,
    "/remind " + "every 3h " * 500,
    "/timezone " + "Europe/" * 700,
    "/pause " + "9" * 3000,
    "/away " + "8h" * 2000,
    "/tips " + "blod " * 900,
    "\u200f120 ml\u200f",  # right-to-left marks
    "\u202e120 ml",  # right-to-left override
    "1\u200b20 ml",  # zero-width space inside the number
    "\ufeff120 ml",  # byte-order mark
    "🍼120 ml🍼",
    "120 m\u0301l",  # combining accent
    "120\x00 ml",  # NUL
    "120 ml # a note\x00with a NUL",  # PostgreSQL refuses NUL in text
    "/log 120 #\x00",
    "１２０ ml",  # full-width digits
    "١٢٠ ml",  # Arabic-Indic digits
    "L ６０ R ７０",
    "120 ml # <b>bold</b> & <script>alert(1)</script>",
    "𝟏𝟐𝟎 ml",  # mathematical bold digits
    "\u0000",
    " ",
    "?" * 300,
    "/start " + "\u200d" * 100,
    "/",
    "//log 120",
]


@pytest.mark.parametrize("text", ODD_TEXTS, ids=range(len(ODD_TEXTS)))
async def test_odd_text_is_handled_without_an_error_reaching_the_user(
    bot: BotHarness, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.telegram.user(PARENT_ID, "en")
    with caplog.at_level(logging.ERROR):
        calls = await bot.feed(bot.telegram.message_update(PARENT_CHAT, text, user))
    assert not apologies(calls)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    with bot.services.db.session() as session:
        for entry in SessionRepo(session, PARENT_CHAT).all():
            assert 0 < entry.total_ml <= 1000  # anything stored is a sane amount
            assert entry.note is None or len(entry.note) <= 500


async def test_a_note_with_markup_is_shown_as_typed(bot: BotHarness) -> None:
    reply = await bot.say("120 ml # <b>bold</b> & <i>")
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;" in reply.text
    assert "<b>bold</b>" not in reply.text


async def test_an_odd_name_in_a_group_is_shown_as_typed(bot: BotHarness) -> None:
    reply = await bot.say("/log 120", chat_id=-100777, first_name="<b>Ma</b>\u202e\u200b 👩‍🍼")
    assert "&lt;b&gt;Ma&lt;/b&gt;" in reply.text


def bare_updates() -> dict[str, dict[str, Any]]:
    """Updates with no user, or no text, as Telegram sends them."""
    chat = {"id": PARENT_CHAT, "type": "private", "first_name": "Parent"}
    group = {"id": -100555, "type": "group", "title": "Family"}
    channel = {"id": -100999, "type": "channel", "title": "News"}
    user = {"id": PARENT_ID, "is_bot": False, "first_name": "Parent", "language_code": "en"}
    sticker = {
        "file_id": "s1",
        "file_unique_id": "s1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    photo = [{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 90}]
    member = {"user": BOT_USER, "status": "member"}
    left = {"user": BOT_USER, "status": "left"}
    return {
        "channel post": {"message_id": 1, "date": 0, "chat": channel, "text": "120 ml"},
        "channel command": {
            "message_id": 2,
            "date": 0,
            "chat": channel,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
        "sticker": {"message_id": 3, "date": 0, "chat": chat, "from": user, "sticker": sticker},
        "photo with a caption": {
            "message_id": 4,
            "date": 0,
            "chat": chat,
            "from": user,
            "photo": photo,
            "caption": "120 ml",
        },
        "voice": {
            "message_id": 5,
            "date": 0,
            "chat": chat,
            "from": user,
            "voice": {"file_id": "v1", "file_unique_id": "v1", "duration": 3},
        },
        "new group members": {
            "message_id": 6,
            "date": 0,
            "chat": group,
            "from": user,
            "new_chat_members": [BOT_USER],
        },
        "message without a sender": {"message_id": 7, "date": 0, "chat": chat, "text": "120 ml"},
        "anonymous group admin": {
            "message_id": 8,
            "date": 0,
            "chat": group,
            "sender_chat": group,
            "text": "/log 120",
            "entities": [{"type": "bot_command", "offset": 0, "length": 4}],
        },
    } | {
        name: {"_kind": kind, **body}
        for name, kind, body in [
            (
                "edited photo caption",
                "edited_message",
                {
                    "message_id": 4,
                    "date": 0,
                    "edit_date": 1,
                    "chat": chat,
                    "from": user,
                    "photo": photo,
                    "caption": "150 ml",
                },
            ),
            (
                "edited channel post",
                "edited_channel_post",
                {"message_id": 1, "date": 0, "edit_date": 1, "chat": channel, "text": "130 ml"},
            ),
            (
                "bot added to a group",
                "my_chat_member",
                {
                    "chat": group,
                    "from": user,
                    "date": 0,
                    "old_chat_member": left,
                    "new_chat_member": member,
                },
            ),
            (
                "bot blocked",
                "my_chat_member",
                {
                    "chat": chat,
                    "from": user,
                    "date": 0,
                    "old_chat_member": member,
                    "new_chat_member": {"user": BOT_USER, "status": "kicked", "until_date": 0},
                },
            ),
            (
                "button of an inline message (no message)",
                "callback_query",
                {
                    "id": "77",
                    "from": user,
                    "chat_instance": "1",
                    "inline_message_id": "AAA",
                    "data": "log:undo:1",
                },
            ),
            (
                "button without data",
                "callback_query",
                {"id": "78", "from": user, "chat_instance": "1", "game_short_name": "g"},
            ),
        ]
    }


BARE = bare_updates()


@pytest.mark.parametrize("name", list(BARE))
async def test_updates_without_a_user_or_text_are_handled_quietly(
    bot: BotHarness, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = dict(BARE[name])
    kind = body.pop("_kind", None)
    if kind is None:
        kind = "channel_post" if body["chat"]["type"] == "channel" else "message"
    before = snapshot(bot)
    with caplog.at_level(logging.ERROR):
        calls = await bot.feed({"update_id": 10_000, kind: body})
    assert not apologies(calls)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], name
    if kind in ("channel_post", "edited_channel_post", "my_chat_member"):
        assert not [c for c in calls if c.method == "sendMessage"], name
        assert snapshot(bot) == before, name


def test_control_characters_never_reach_a_stored_note() -> None:
    parsed = parse_log("120 ml # a\x00b\x07c\td", "en", Unit.ML, NOW, OSLO)
    assert isinstance(parsed, ParsedLog) and parsed.note == "abc\td"
