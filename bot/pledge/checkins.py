"""The weekly check-in message and the answers to it.

A check-in lists the leader's steps, each with a row of status buttons; pressing one records a
StepUpdate and redraws the message so it shows what was answered. Any answer, however late,
marks the check-in answered and stops its reminder ladder.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversation import (
    ActionsBlock,
    Block,
    Button,
    Form,
    FormField,
    Message,
    Option,
    TextBlock,
    nudge,
)
from bot.dates import long_date
from bot.pledge.content import Pledge
from bot.pledge.models import Checkin, Leader, Step, StepUpdate
from bot.pledge.wording import STATUSES, statuses_for
from bot.text import NOTE_LIMIT

CHECKIN_RENDERER = "pledge.checkin"
ANSWER_FORM = "pledge.answer"
FIRST_NUDGE = (
    "A gentle reminder: your pledge check-in for the week of {week} is still open. "
    "Answer whenever you have a moment."
)
LAST_NUDGE = (
    "A last gentle reminder: your pledge check-in for the week of {week} is still open. "
    "I won't nudge you about it again, and you can answer any time."
)
OPEN_LABEL = "Open check-in"
SAME_LABEL = "No change since last week"
AWAY_FORM = "pledge.away"
NOTE_LABEL_WIDTH = 60


@dataclass(frozen=True)
class Answer:
    status: str
    note: str


def latest_answers(session: Session, checkin_id: int) -> dict[int, Answer]:
    """The latest status and note per step in one check-in (later updates win)."""
    rows = session.execute(
        select(StepUpdate.step_id, StepUpdate.status, StepUpdate.note)
        .where(StepUpdate.checkin_id == checkin_id)
        .order_by(StepUpdate.id)
    )
    return {row.step_id: Answer(row.status, row.note) for row in rows}


def checkin_message(
    pledge: Pledge,
    checkin_id: int,
    week_of_text: str,
    steps: Sequence[tuple[int, int, str, bool | None]],
    answers: dict[int, Answer],
    *,
    status: str = "open",
    lead: str | None = None,
    repeatable: bool = False,
) -> Message:
    """Render a check-in. ``steps`` are (step id, commitment, text, ongoing) in commitment
    order, ``ongoing`` as ``Pledge.ongoing`` says (it decides the answers offered).

    Kept free of ORM objects so the tick can render thousands from plain rows.
    ``repeatable``: an earlier week has answers, so "No change since last week" is offered.
    """
    blocks: list[Block] = [
        TextBlock(text=f"Your pledge check-in for the week of {week_of_text}", style="heading")
    ]
    if lead:
        blocks.append(TextBlock(text=lead))
    if status == "skipped":
        blocks.append(TextBlock(text="You skipped this week. See you next week.", style="context"))
    else:
        blocks.append(
            TextBlock(
                text="How are your steps going? Tap a status for each one; add notes with "
                "“Answer with notes”. Only you and your organisation's D&I lead see the answers.",
                style="context",
            )
        )
    shown = None
    for step_id, commitment, text, ongoing in steps:
        if commitment != shown:
            title = pledge.commitment(commitment).title
            blocks.append(TextBlock(text=f"{commitment}. {title}", style="heading"))
            shown = commitment
        blocks.append(TextBlock(text=text))
        answer = answers.get(step_id)
        if answer:
            said = f"Your answer: {STATUSES[answer.status]}"
            blocks.append(TextBlock(text=said, style="context"))
            if answer.note:
                blocks.append(TextBlock(text=answer.note, style="quote"))
        if status != "skipped":
            blocks.append(
                ActionsBlock(
                    buttons=[
                        Button(
                            action_id="pledge.status",
                            value=f"{checkin_id}:{step_id}:{key}",
                            label=label,
                            style="primary" if answer and answer.status == key else "default",
                        )
                        for key, label in statuses_for(ongoing).items()
                    ]
                )
            )
    if status != "skipped":
        same = [Button(action_id="pledge.same", value=str(checkin_id), label=SAME_LABEL)]
        blocks.append(
            ActionsBlock(
                buttons=[
                    *(same if repeatable else []),
                    Button(
                        action_id="pledge.notes", value=str(checkin_id), label="Answer with notes"
                    ),
                    Button(action_id="pledge.skip", value=str(checkin_id), label="Skip this week"),
                    Button(action_id="pledge.away", value=str(checkin_id), label="Away until…"),
                ]
            )
        )
    return Message(blocks=blocks, ref=f"checkin:{checkin_id}")


def active_steps(session: Session, leader_id: int) -> list[Step]:
    return list(
        session.scalars(
            select(Step)
            .where(Step.leader_id == leader_id, Step.active.is_(True))
            .order_by(Step.commitment, Step.id)
        )
    )


def earlier_answers(session: Session, checkin: Checkin) -> dict[int, str]:
    """Each step's latest status from the leader's earlier weeks (a skipped or missed week in
    between is passed over): what "No change since last week" records again."""
    rows = session.execute(
        select(StepUpdate.step_id, StepUpdate.status)
        .join(Checkin, Checkin.id == StepUpdate.checkin_id)
        .where(Checkin.leader_id == checkin.leader_id, Checkin.week_of < checkin.week_of)
        .order_by(Checkin.week_of, StepUpdate.id)
    )
    return {row.step_id: row.status for row in rows}


def has_earlier_answers(session: Session, checkin: Checkin) -> bool:
    """One indexed probe, not the history: every check-in render asks it."""
    found = session.scalar(
        select(StepUpdate.id)
        .join(Checkin, Checkin.id == StepUpdate.checkin_id)
        .where(Checkin.leader_id == checkin.leader_id, Checkin.week_of < checkin.week_of)
        .limit(1)
    )
    return found is not None


def repeat_earlier(session: Session, checkin: Checkin, now: datetime) -> tuple[int, int]:
    """Record, for each step not yet answered this week, its status from earlier weeks.
    Returns (steps repeated, steps with no earlier answer and none this week)."""
    earlier = earlier_answers(session, checkin)
    answered = latest_answers(session, checkin.id)
    repeated = unknown = 0
    for step in active_steps(session, checkin.leader_id):
        if step.id in answered:
            continue
        if step.id in earlier:
            record(session, checkin, step.id, Answer(earlier[step.id], ""), now)
            repeated += 1
        else:
            unknown += 1
    return repeated, unknown


def render(
    session: Session,
    pledge: Pledge,
    checkin: Checkin,
    lead: str | None = None,
    extra: Sequence[Block] = (),
) -> Message:
    """The check-in as it stands now, with the answers given so far; ``extra``: what other
    features' check-ins add for the same person and week (bot/pledge/weekly.py)."""
    steps = [
        (s.id, s.commitment, s.text, pledge.ongoing(s.suggestion_id))
        for s in active_steps(session, checkin.leader_id)
    ]
    message = checkin_message(
        pledge,
        checkin.id,
        long_date(checkin.week_of),
        steps,
        latest_answers(session, checkin.id),
        status=checkin.status,
        lead=lead,
        repeatable=has_earlier_answers(session, checkin),
    )
    if not extra:
        return message
    return Message(blocks=[*message.blocks, *extra], ref=message.ref)


def reminder_message(checkin: Checkin, last: bool) -> Message:
    """A short line and one button: the check-in itself is shown when the button is pressed,
    not sent again (eight to sixteen steps with a row of buttons each is a lot to nudge with)."""
    text = (LAST_NUDGE if last else FIRST_NUDGE).format(week=long_date(checkin.week_of))
    opener = Button(
        action_id="pledge.open", value=str(checkin.id), label=OPEN_LABEL, style="primary"
    )
    return nudge(text, opener)


def render_outgoing(
    pledge: Pledge,
    session: Session,
    args: dict[str, Any],
    extra: Callable[[Session, Checkin], list[Block]] | None = None,
) -> Message | None:
    """The outbox's renderer for check-ins and reminders, run when their turn to be sent comes.

    Returns None, cancelling the send, if the check-in is no longer open (answered, skipped,
    away) or its leader has paused or left since it was queued.
    """
    checkin = session.get(Checkin, int(args["checkin"]))
    if checkin is None or checkin.status != "open":
        return None
    leader = session.get(Leader, checkin.leader_id)
    if leader is None or leader.status != "active":
        return None
    if args.get("reminder"):
        return reminder_message(checkin, bool(args.get("last")))
    return render(session, pledge, checkin, extra=extra(session, checkin) if extra else ())


def record(session: Session, checkin: Checkin, step_id: int, answer: Answer, now: datetime) -> None:
    """Record one step's answer; the first answer closes the reminder ladder, however late."""
    session.add(
        StepUpdate(
            checkin_id=checkin.id,
            step_id=step_id,
            status=answer.status,
            note=answer.note,
            answered_at=now,
        )
    )
    if checkin.status != "answered":
        checkin.status = "answered"
        checkin.answered_at = now
    checkin.next_reminder_at = None


def note_label(step_text: str) -> str:
    """A step as a note's label and errors name it: short, since its status field above
    already shows it whole."""
    return textwrap.shorten(step_text, NOTE_LABEL_WIDTH, placeholder="…")


def answer_form(session: Session, pledge: Pledge, checkin: Checkin) -> Form:
    """All steps at once, with a status and an optional note each, prefilled with answers so far."""
    answers = latest_answers(session, checkin.id)
    fields: list[FormField] = []
    for step in active_steps(session, checkin.leader_id):
        answer = answers.get(step.id)
        offered = statuses_for(pledge.ongoing(step.suggestion_id))
        fields.append(
            FormField(
                name=f"status_{step.id}",
                label=f"{step.commitment}. {step.text}",
                kind="choice",
                required=False,
                options=[Option(value=k, label=v) for k, v in offered.items()],
                default=answer.status if answer and answer.status in offered else None,
            )
        )
        fields.append(
            FormField(
                name=f"note_{step.id}",
                label=f"Note on “{note_label(step.text)}” (optional)",
                kind="long_text",
                required=False,
                max_length=NOTE_LIMIT,
                default=answer.note if answer and answer.note else None,
            )
        )
    return Form(
        form_id=ANSWER_FORM,
        title="Your check-in",
        intro=[TextBlock(text=f"Week of {long_date(checkin.week_of)}", style="heading")],
        fields=fields,
        submit_label="Save",
        context=str(checkin.id),
    )


def away_form(context: str) -> Form:
    return Form(
        form_id=AWAY_FORM,
        title="Away",
        intro=[
            TextBlock(
                text="No check-ins or reminders until the day you give; they resume after it."
            )
        ],
        fields=[
            FormField(
                name="until",
                label="Away until (the last day you are away)",
                kind="date",
                hint="For example 2027-04-14",
            )
        ],
        submit_label="Save",
        context=context,
    )
