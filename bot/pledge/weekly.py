"""The pledge's check-in as the host of a person's weekly message: an organisation's owner
who is also a leader gets their actions in the pledge check-in, grouped by pack, rather than a
second message (the commitments feature's ``weekly_part``, found through ``Weekly``)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversation import Block, Message
from bot.features import Weekly, WeeklyHost
from bot.pledge import checkins, related
from bot.pledge.content import Pledge
from bot.pledge.models import Checkin, Leader
from bot.resources import Resources
from bot.store.models import OutboxMessage
from bot.timezones import zone


def _leader(session: Session, person_id: int) -> Leader | None:
    leader = session.scalar(select(Leader).where(Leader.person_id == person_id))
    return leader if leader is not None and leader.status == "active" else None


def _checkin(session: Session, leader: Leader, monday: date) -> Checkin | None:
    return session.scalar(
        select(Checkin).where(
            Checkin.leader_id == leader.id,
            Checkin.week_of.between(monday, monday + timedelta(days=6)),
        )
    )


def state(session: Session, person_id: int, monday: date) -> str:
    leader = _leader(session, person_id)
    if leader is None:
        return ""
    checkin = _checkin(session, leader, monday)
    if checkin is not None:
        if checkin.status in ("away", "skipped"):
            return ""
        queued = session.scalar(
            select(OutboxMessage.status).where(
                OutboxMessage.idempotency_key == f"checkin:{checkin.id}"
            )
        )
        return "open" if checkin.status == "open" and queued == "pending" else "sent"
    due = leader.next_checkin_at
    if due is None:
        return ""
    day = due.astimezone(zone(leader.timezone)).date()
    away = leader.away_until is not None and day <= leader.away_until
    return "waiting" if monday <= day <= monday + timedelta(days=6) and not away else ""


def guests(session: Session, resources: Resources | None, checkin: Checkin) -> list[Block]:
    """Other features' items for this check-in's leader and week (none without ``Weekly``)."""
    weekly = resources.find(Weekly) if resources is not None else None
    leader = session.get(Leader, checkin.leader_id)
    if weekly is None or leader is None or resources is None:
        return []
    monday = checkin.week_of - timedelta(days=checkin.week_of.weekday())
    return weekly.parts(session, leader.person_id, monday, resources)


def render(
    session: Session, resources: Resources, checkin: Checkin, lead: str | None = None
) -> Message:
    """The check-in as it stands, with what other features added to it."""
    return checkins.render(
        session, resources.need(Pledge), checkin, lead, extra=extras(session, resources, checkin)
    )


def extras(session: Session, resources: Resources, checkin: Checkin) -> list[Block]:
    """What follows the steps: lines on awareness dates coming up, then other features' items."""
    return [*related.blocks(session, resources, checkin), *guests(session, resources, checkin)]


def redraw(session: Session, person_id: int, monday: date, resources: Resources) -> Message | None:
    leader = _leader(session, person_id)
    checkin = _checkin(session, leader, monday) if leader else None
    return render(session, resources, checkin) if checkin is not None else None


HOST = WeeklyHost(state=state, redraw=redraw)
