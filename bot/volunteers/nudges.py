"""The words of the week's nudge and question, rendered when the outbox sends them: an offer
withdrawn meanwhile renders as nothing, and the outbox cancels the row."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.awareness.calendar import Calendar
from bot.awareness.confirmations import effective
from bot.conversation import ActionsBlock, Block, Button, LinkBlock, Message, TextBlock
from bot.dates import long_date
from bot.volunteers.due import WEEK_ID
from bot.volunteers.models import VolunteerOffer, VolunteerYear
from bot.volunteers.offers import describe, lowered

SHOW_ACTION = "volunteer.show"
DONE_ACTION = "volunteer.done"


def _span(start: date, end: date) -> str:
    first = long_date(start)
    if start.year == end.year:
        first = first.removesuffix(f" {start.year}")
    return f"from {first} to {long_date(end)}"


def render_nudge(calendar: Calendar, session: Session, args: dict[str, Any]) -> Message | None:
    offer = session.get(VolunteerOffer, int(args["offer"]))
    week = effective(session, calendar).occurrence(f"{WEEK_ID}:{args['start']}")
    if offer is None or week is None:
        return None
    when = (
        f"Careers in Ideas Week runs {_span(week.start, week.end)}."
        if week.confirmed
        else f"Careers in Ideas Week is expected to run {_span(week.start, week.end)} "
        "(the organisers have not confirmed the dates yet)."
    )
    label = (
        f"More from the organisers of {week.entry.name}"
        if week.entry.organisers
        else "Find out more"
    )
    return Message(
        blocks=[
            TextBlock(text=when),
            TextBlock(
                text=f"You offered {lowered(describe(offer))} Thank you! "
                "Now is a good time to plan it with a school, university or social mobility "
                "charity."
            ),
            LinkBlock(label=label, url=week.entry.link),
            ActionsBlock(buttons=[Button(action_id=SHOW_ACTION, label="See or change my offer")]),
        ]
    )


def render_ask(session: Session, args: dict[str, Any]) -> Message | None:
    row = session.get(VolunteerYear, int(args["year"]))
    if row is None or row.done is not None:
        return None
    return ask_message(row)


def ask_message(row: VolunteerYear) -> Message:
    blocks: list[Block] = [
        TextBlock(
            text=f"Careers in Ideas Week {row.year} is over. Did you give the time you offered? "
            "Your answer helps show what the week achieved."
        ),
        ActionsBlock(
            buttons=[
                Button(
                    action_id=DONE_ACTION,
                    value=f"{row.id}:yes",
                    label="Yes, I did",
                    style="primary",
                ),
                Button(action_id=DONE_ACTION, value=f"{row.id}:no", label="Not this time"),
            ]
        ),
    ]
    return Message(blocks=blocks)


def answered_message(row: VolunteerYear) -> Message:
    if row.done == "yes":
        text = f"Careers in Ideas Week {row.year}: you gave your time. Thank you!"
    else:
        text = (
            f"Careers in Ideas Week {row.year}: not this time. Thanks for letting me know; "
            "your offer stands for next year."
        )
    return Message(blocks=[TextBlock(text=text)])
