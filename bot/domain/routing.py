"""The one router for typed text: what a message is, decided once, by one pure function.

`route_message(text, chat)` reads a message (new or edited) and returns one `Decision`; the one
text handler (`handlers/text.py`) hands it to the feature that registered for its kind. Which
feature gets a text is decided here, in this order, and nowhere else:

1. **A new time for a confirmation**: the message replies to one of the bot's confirmations
   and says only when (`14:30`, `20 min ago`): that entry moves.
2. **Milk for the stash** (`froze 120`, `kjøleskap 90`): a portion, never a session.
   **A timer command** (`start pumping`, `begynner`, `stopp`: the whole message), in a
   private chat: the live session timer starts or stops (`bot.domain.timer`).
   **A warning word while stepping down** (`sore`, `a lump`, `vondt`, `rødt`), in a private
   chat with a step-down plan: the plan pauses and the warning signs are shown
   (`bot.domain.stepdown`), before any tip could answer it.
   **A bottle feed** (`fed 90`, `ga 90 ml`): milk taken from the stash, never a session; in a
   family group too, where anyone may give the bottle.
3. **A log** (`L 60 R 70 20min`): every word is a log word and an amount, a time or a duration
   is given. Stored, or refused with the reason (`1200 ml` is too much). A question mark makes
   it a question instead (`120 ml?`).
4. **A warning sign** (fever, a red, hot or hard area, pus, bleeding that keeps coming, low
   mood, a real drop for an exclusive pumper: `bot.domain.warnings`): always the tip that ends
   with the line to a doctor, the health visitor or the maternity ward.
   **A question or worry** a tip answers: the trained model (`bot.domain.understanding`) is
   confident of a topic. When it is unsure, the topic menu with its two likeliest topics.
   **Chatter** (thanks, hello, ok): a short kind word back, never "I don't understand".
5. **An attempt at a log** the parser cannot read (`pumped 120 mls lft`): the model says so,
   or is unsure of a text made mostly of log words. The log examples. Never for a message
   that asks something or has no number: a question with a number is still a question.
6. Anything else: in a private chat the menu and a line on how to log; in a group nothing
   (grown-ups talk there, the bot answers only what clearly asks it something).

The text is parsed once for each reading: the log parser's result travels in the decision, so
the handler stores exactly what was routed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.feeds import FeedRequest, parse_feed_text
from bot.domain.parsing import LogProblem, ParsedLog, Problem, attempts_a_log, parse_time, read_log
from bot.domain.questions import asks, has_number
from bot.domain.stash import StashRequest, parse_stash_text
from bot.domain.stepdown import has_warning_word
from bot.domain.timer import TimerCommand, parse_timer_text
from bot.domain.tips import TOPICS_BY_ID, Topic
from bot.domain.understanding import CHATTER, LOG_ATTEMPT, understand
from bot.domain.units import Unit
from bot.domain.warnings import WARNING_SIGNS_BY_ID, warning_sign_in, warning_topic


class Kind(StrEnum):
    FIX_TIME = "fix_time"  # a time, in reply to a confirmation: `moment` or `problem`
    STASH = "stash"  # milk into the stash: `stash`
    TIMER = "timer"  # start or stop the live session timer: `timer`
    STEPDOWN_WARNING = "stepdown_warning"  # a warning word while a step-down plan runs
    FEED = "feed"  # a bottle given, taken from the stash: `feed`
    LOG = "log"  # a log: `log` to store, or `problem` to explain
    QUESTION = "question"  # a tip answers it: `topic`
    CHATTER = "chatter"  # thanks, hello, ok: a short kind word back
    MENU = "menu"  # a question, worry or unclear text no tip fits well: the topic menu
    UNREADABLE = "unreadable"  # an attempt at a log the parser cannot read: the examples
    IGNORE = "ignore"  # nothing for the bot (group chatter)


@dataclass(frozen=True)
class ChatState:
    """What the router needs to know about the chat and the message, besides its text."""

    language: str
    unit: Unit
    tz: ZoneInfo
    written_at: datetime  # aware: when the parent wrote it
    private: bool
    replies_to_entry: bool = False  # replies to one of the bot's log confirmations
    stepping_down: bool = False  # the chat has a step-down plan


@dataclass(frozen=True)
class Decision:
    kind: Kind
    log: ParsedLog | None = None
    problem: LogProblem | None = None
    moment: datetime | None = None
    stash: StashRequest | None = None
    timer: TimerCommand | None = None
    feed: FeedRequest | None = None
    topic: Topic | None = None
    asked: bool = False  # a question mark or a question word
    # A number in a message that is no log: the answer says nothing was logged.
    unlogged_number: bool = False
    # A warning sign whose help line comes before the tip's text (thoughts of self-harm).
    help_first: bool = False
    # A menu because the model was unsure: its two likeliest topic ids, offered as buttons.
    likely: tuple[str, ...] = ()


IGNORE = Decision(Kind.IGNORE)

# In a family group, a topic is answered without a question only when the model is this sure.
GROUP_CONFIDENCE = 0.6


def route_message(text: str, chat: ChatState) -> Decision:
    """The one decision for a typed message (see the module docstring for the order)."""
    if chat.replies_to_entry:
        moment = parse_time(text, chat.written_at, chat.tz)
        if isinstance(moment, LogProblem):
            return Decision(Kind.FIX_TIME, problem=moment)
        if moment is not None:
            return Decision(Kind.FIX_TIME, moment=moment)
    if chat.private and (stash := parse_stash_text(text, chat.unit)) is not None:
        return Decision(Kind.STASH, stash=stash)
    if chat.private and (command := parse_timer_text(text)) is not None:
        return Decision(Kind.TIMER, timer=command)
    if chat.private and chat.stepping_down and has_warning_word(text):
        return Decision(Kind.STEPDOWN_WARNING)
    if (feed := parse_feed_text(text, chat.unit)) is not None:
        return Decision(Kind.FEED, feed=feed)
    # A note after `#` belongs to a log (`120 #is this low?`): only the part before it asks.
    body = text.split("#", 1)[0]
    asked, number = asks(body), has_number(body)
    if not asked:
        reading = read_log(text, chat.language, chat.unit, chat.written_at, chat.tz)
        if isinstance(reading, ParsedLog):
            return Decision(Kind.LOG, log=reading) if chat.private else IGNORE
        if isinstance(reading, LogProblem):
            return Decision(Kind.LOG, problem=reading) if chat.private else IGNORE
    # A warning sign always gets the tip with its help line, whatever else the text seems to
    # ask (bot.domain.warnings): the model may be unsure, the sign is not.
    sign = warning_sign_in(body)
    understood = understand(body, chat.language)
    found = TOPICS_BY_ID.get(warning_topic(sign) if sign else understood.label or "")
    if found is not None:
        sure = sign is not None or understood.confidence >= GROUP_CONFIDENCE
        if chat.private or answers_in_group(asked, sure, number):
            return Decision(
                Kind.QUESTION,
                topic=found,
                asked=asked,
                unlogged_number=number and not asked,
                help_first=sign is not None and WARNING_SIGNS_BY_ID[sign].help_first,
            )
        return IGNORE
    if not chat.private:
        return IGNORE
    if understood.label == CHATTER and not number and not asked:
        return Decision(Kind.CHATTER)
    failed_log = understood.label == LOG_ATTEMPT or (
        understood.label is None and attempts_a_log(body)
    )
    if asked or not number or not failed_log:
        # Two likely topics only when the model was unsure of one: chatter has none.
        unsure = understood.label is None
        return Decision(Kind.MENU, asked=asked, likely=understood.likely if unsure else ())
    return Decision(Kind.UNREADABLE, problem=LogProblem(Problem.UNREADABLE))


def answers_in_group(asked: bool, sure: bool, number: bool) -> bool:
    """In a family group the bot answers only what clearly asks it something: a question
    with a topic, or a topic the model is sure of with no number ("blod i melken")."""
    return asked or (sure and not number)


def route_edit(text: str, chat: ChatState) -> Decision:
    """An edited message can only change what it logged: stash text and feeds are said to stay
    as they were, a log (or its problem) revises the entry, anything else changes nothing."""
    if chat.private and (stash := parse_stash_text(text, chat.unit)) is not None:
        return Decision(Kind.STASH, stash=stash)
    if (feed := parse_feed_text(text, chat.unit)) is not None:
        return Decision(Kind.FEED, feed=feed)
    reading = read_log(text, chat.language, chat.unit, chat.written_at, chat.tz)
    if isinstance(reading, ParsedLog):
        return Decision(Kind.LOG, log=reading)
    return Decision(Kind.LOG, problem=reading or LogProblem(Problem.UNREADABLE))
