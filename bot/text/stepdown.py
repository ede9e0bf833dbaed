"""What the step-down plan says: the question about the goal, the plan proposed, each step and
its question about the breasts, the answers, the warning signs, and the status line /reminders
and /stepdown show. Whole sentences in the chat's language; the facts are the source note's
(locales/sources/stepdown.md) and the Norwegian pumping guide's."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_skeleton

from bot.domain.chats import ChatSettings
from bot.domain.stepdown import STEP_DAYS, Feeling, Step, step_interval, step_start
from bot.text.i18n import Translator
from bot.text.reminders import every


def ask_goal_text(sessions: int, tr: Translator, *, from_log: bool = True) -> str:
    """The goal question. `from_log`: the count is yesterday's log; otherwise the parent typed
    it (`/stepdown 6`) or it is the step of a plan being changed, and the log is not cited."""
    if from_log:
        count = tr.ngettext(
            "Yesterday you logged {n} session.", "Yesterday you logged {n} sessions.", sessions
        )
    else:
        count = tr.ngettext(
            "You pump {n} session a day now.", "You pump {n} sessions a day now.", sessions
        )
    # TRANSLATORS: source: pumping-guide-nb.txt: "For noen kan det være vanskelig å finne"
    question = tr._(
        "Would you like to pump less often, or stop? I'll suggest a plan that steps down gradually."
    )
    return f"{count} {question}"


def no_sessions_text(tr: Translator) -> str:
    return tr._(
        "I see no sessions logged yesterday, so I don't know where to start. Tell me how many "
        "sessions you pump a day, like <code>/stepdown 6</code>."
    )


def ask_target_text(tr: Translator) -> str:
    return tr._("How many sessions a day would you like to come down to?")


def step_line(step: Step, tr: Translator) -> str:
    if step.sessions == 0:
        return tr._("no more sessions")
    interval = step_interval(step.sessions)
    assert interval is not None
    if step.shorter:
        return tr._("1 shorter session a day (pump just until you feel comfortable)")
    return tr.ngettext(
        "{n} session a day, reminders {every}",
        "{n} sessions a day, reminders {every}",
        step.sessions,
        every=every(interval, tr),
    )


def proposal_text(steps: list[Step], settings: ChatSettings, now: datetime) -> str:
    """The plan, step by step with dates, and where it comes from."""
    tr = settings.tr
    lines = [
        # TRANSLATORS: source: stepdown.md: "Stop or reduce gradually, not all at once"
        # TRANSLATORS: source: stepdown.md: "Drop or merge one session (or feed) at a time"
        # TRANSLATORS: source: stepdown.md: "Shortening a session before dropping it"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det kan øke risikoen for brystbetennelse"
        "🪜 "
        + tr.ngettext(
            "<b>A plan that steps down gradually</b>: one session fewer at a time, with {days} "
            "day between steps so your breasts can adjust, and the last session made shorter "
            "before it goes. Stepping down too fast can leave milk behind and raise the risk "
            "of mastitis.",
            "<b>A plan that steps down gradually</b>: one session fewer at a time, with {days} "
            "days between steps so your breasts can adjust, and the last session made shorter "
            "before it goes. Stepping down too fast can leave milk behind and raise the risk "
            "of mastitis.",
            STEP_DAYS,
            days=STEP_DAYS,
        ),
        "",
    ]
    for index, step in enumerate(steps):
        start = step_start(now, index).astimezone(settings.tz)
        day = format_skeleton("MMMEd", start, locale=tr.locale)
        lines.append(
            tr._(
                "{number}. From {day}: {step}", number=index + 1, day=day, step=step_line(step, tr)
            )
        )
    lines += [
        "",
        tr._(
            "I move your reminders at each step and ask how your breasts feel. You can pause, "
            "change or end the plan any time with /stepdown."
        ),
    ]
    return "\n".join(lines)


def step_text(view_step: Step, number: int, total: int, settings: ChatSettings) -> str:
    """A new step: what it is, and the question."""
    tr = settings.tr
    lines = [
        "🪜 "
        + tr._(
            "<b>Step {number} of {total}</b>: {step}.",
            number=number,
            total=total,
            step=step_line(view_step, tr),
        )
    ]
    if view_step.sessions == 0:
        lines.append(
            # TRANSLATORS: source: stepdown.md: "If the breasts feel full and uncomfortable"
            tr._(
                "Your step-down plan is done and your reminders are off. If your breasts feel "
                "full, express just a little, until they feel comfortable."
            )
        )
        lines.append(warning_signs(tr))
        return "\n".join(lines)
    lines.append(tr._("How do your breasts feel?"))
    return "\n".join(lines)


def plan_done_text(step: Step, settings: ChatSettings) -> str:
    """The plan reached its goal (fewer sessions): the reminders stay at it."""
    return "🪜 " + settings.tr._(
        "You have reached your goal: {step}. Your step-down plan is done; the reminders stay "
        "like this.",
        step=step_line(step, settings.tr),
    )


def feeling_reply(
    feeling: Feeling, next_at: datetime | None, settings: ChatSettings, now: datetime
) -> str:
    tr = settings.tr
    if feeling is Feeling.SORE:
        return paused_for_warning(tr)
    when = (
        format_skeleton("MMMEd", next_at.astimezone(settings.tz), locale=tr.locale)
        if next_at is not None
        else None
    )
    if feeling is Feeling.FULL:
        # TRANSLATORS: source: stepdown.md: "If the breasts feel full and uncomfortable"
        text = tr._(
            "If they feel full, express just a little, until they feel comfortable, not until "
            "empty. If it does not ease, pause the plan with /stepdown to give it more days."
        )
    else:
        text = tr._("Good to hear.")
    if when is not None:
        text += " " + tr._("The next step is on {day}.", day=when)
    return text


def warning_signs(tr: Translator) -> str:
    # TRANSLATORS: source: stepdown.md: "A sore, hard, red or hot area, a lump"
    return tr._(
        "A sore, hard, red or hot area in a breast, a lump that does not go, a fever or feeling "
        "ill can be signs of mastitis: contact your doctor, the health visitor or the maternity "
        "ward."
    )


def paused_for_warning(tr: Translator) -> str:
    """The plan paused on a warning word or answer, and where to turn."""
    return "⚠️ " + "\n".join(
        [
            tr._(
                "I've paused your step-down plan: the reminders stay as they are, and no session "
                "is dropped until you go on with /stepdown."
            ),
            # TRANSLATORS: source: pumping-guide-nb.txt: "Det kan øke risikoen for brystbetennelse"
            tr._(
                "Dropping a session while a breast is sore can leave more milk behind, and that "
                "can raise the risk of mastitis."
            ),
            warning_signs(tr),
        ]
    )


def status_text(
    step: Step,
    number: int,
    total: int,
    paused: bool,
    next_at: datetime | None,
    settings: ChatSettings,
) -> str:
    """Where the plan is: for /stepdown and /reminders."""
    tr = settings.tr
    line = tr._(
        "Step-down plan: step {number} of {total}, {step}.",
        number=number,
        total=total,
        step=step_line(step, tr),
    )
    if paused:
        return line + " " + tr._("Paused.")
    if next_at is not None:
        day = format_skeleton("MMMEd", next_at.astimezone(settings.tz), locale=tr.locale)
        return line + " " + tr._("Next step on {day}.", day=day)
    return line
