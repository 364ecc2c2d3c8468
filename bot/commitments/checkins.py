"""The owners' check-in: one private message a week at most, with every action the person
owns that is due to be asked about (its pack's cadence) or due soon, grouped by pack.

A status button records an ``ActionUpdate`` and redraws the message; any answer marks the
check-in answered. A button keeps working on an older check-in: a status is a status.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.commitments.board import latest_updates
from bot.commitments.models import (
    ActionUpdate,
    AdoptedAction,
    Adoption,
    OwnerCheckin,
    OwnerCheckinItem,
)
from bot.conversation import ActionsBlock, Block, Button, Message, TextBlock
from bot.dates import long_date
from bot.packs.content import Action, Pack, Packs, Status
from bot.resources import Resources

CHECKIN_RENDERER = "commitments.checkin"
STATUS_ACTION = "commitments.status"
#: An action due within this many days of a check-in is in it, whatever its cadence: the
#: nudge before a due date, without a message of its own.
DUE_SOON = timedelta(days=14)


def checkin_actions(session: Session, checkin_id: int) -> list[tuple[AdoptedAction, Adoption]]:
    rows = session.execute(
        select(AdoptedAction, Adoption)
        .join(OwnerCheckinItem, OwnerCheckinItem.adopted_action_id == AdoptedAction.id)
        .join(Adoption, Adoption.id == AdoptedAction.adoption_id)
        .where(OwnerCheckinItem.checkin_id == checkin_id)
        .order_by(Adoption.pack_id, AdoptedAction.id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def _due_line(due_on: date | None, today: date, settled: bool) -> str:
    if due_on is None or settled:
        return ""
    if due_on < today:
        return f"Overdue: it was due on {long_date(due_on)}."
    days = (due_on - today).days
    when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
    return f"Due on {long_date(due_on)} ({when})."


def item_blocks(session: Session, packs: Packs, checkin: OwnerCheckin, today: date) -> list[Block]:
    """The check-in's actions, grouped by pack, each with its pack's status buttons."""
    items = [(a, ad) for a, ad in checkin_actions(session, checkin.id) if a.active]
    latest = latest_updates(session, [a.id for a, _ in items])
    blocks: list[Block] = []
    shown = None
    for action, adoption in items:
        pack = packs.get(adoption.pack_id)
        found = pack.action(action.action_id) if pack else None
        if pack is None or found is None:
            continue
        if adoption.pack_id != shown:
            blocks.append(TextBlock(text=pack.title, style="heading"))
            shown = adoption.pack_id
        blocks.append(TextBlock(text=f"{action.action_id} {found[1].text}"))
        if found[1].note:  # the editors' note: words reconstructed or explained
            blocks.append(TextBlock(text=found[1].note, style="context"))
        update = latest.get(action.id)
        status = pack.status(update.status) if update else None
        line = _due_line(action.due_on, today, bool(status and status.settled))
        said = f"Latest: {status.label}." if status else ""
        if line or said:
            blocks.append(TextBlock(text=" ".join(filter(None, (said, line))), style="context"))
        blocks.append(
            ActionsBlock(
                buttons=[
                    Button(
                        action_id=STATUS_ACTION,
                        value=f"{checkin.id}:{action.id}:{s.key}",
                        label=s.button,
                        style="primary" if status and status.key == s.key else "default",
                    )
                    for s in offered(pack, found[1])
                ]
            )
        )
    return blocks


def offered(pack: Pack, action: Action) -> tuple[Status, ...]:
    """The statuses an action's buttons offer: "Ongoing" only for an action kept up week after
    week (``ongoing: true``); one meant to be finished is done or not."""
    return tuple(s for s in pack.statuses if s.key != "ongoing" or action.ongoing)


def checkin_message(
    session: Session, packs: Packs, checkin: OwnerCheckin, today: date
) -> Message | None:
    """The owner's own check-in (when no other feature's check-in carries it)."""
    items = item_blocks(session, packs, checkin, today)
    if not items:
        return None
    blocks: list[Block] = [
        TextBlock(
            text=f"Your check-in on your commitments, week of {long_date(checkin.week_of)}",
            style="heading",
        ),
        TextBlock(
            text="How are your actions going? Tap a status for each one. Only you and your "
            "organisation's D&I lead see the answers.",
            style="context",
        ),
        *items,
    ]
    return Message(blocks=blocks, ref=f"commitments.checkin:{checkin.id}")


def hosted_part(
    session: Session, person_id: int, monday: date, resources: Resources
) -> list[Block]:
    """This week's actions for a person whose weekly check-in another feature sends (the
    pledge's, for a leader): its ``weekly_part``."""
    checkin = session.scalar(
        select(OwnerCheckin).where(
            OwnerCheckin.person_id == person_id,
            OwnerCheckin.week_of == monday,
            OwnerCheckin.host != "",
        )
    )
    packs = resources.find(Packs)
    if checkin is None or packs is None:
        return []
    items = item_blocks(session, packs, checkin, checkin.created_at.date())
    if not items:
        return []
    lead = TextBlock(text="Your actions in your organisation's commitment packs", style="heading")
    return [lead, *items]


def render_outgoing(packs: Packs, session: Session, args: dict[str, Any]) -> Message | None:
    """The outbox renderer: drawn when sent, so it shows the latest statuses."""
    checkin = session.get(OwnerCheckin, int(args["checkin"]))
    if checkin is None:
        return None
    return checkin_message(session, packs, checkin, date.fromisoformat(args["today"]))


def record(
    session: Session,
    checkin: OwnerCheckin,
    action: AdoptedAction,
    status: str,
    person_id: int,
    now: datetime,
) -> None:
    """Keep a status the owner gave; the same status pressed again for the same check-in is
    not a second answer (it would be a second row in the export)."""
    latest = session.scalar(
        select(ActionUpdate.status)
        .where(ActionUpdate.adopted_action_id == action.id, ActionUpdate.checkin_id == checkin.id)
        .order_by(ActionUpdate.answered_at.desc(), ActionUpdate.id.desc())
        .limit(1)
    )
    if latest == status:
        return
    session.add(
        ActionUpdate(
            adopted_action_id=action.id,
            checkin_id=checkin.id,
            person_id=person_id,
            status=status,
            note="",
            answered_at=now,
        )
    )
    if checkin.status == "open":
        checkin.status = "answered"
        checkin.answered_at = now
