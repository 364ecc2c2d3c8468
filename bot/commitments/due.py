"""What the tick queues for organisation packs: the owners' weekly check-ins (with the nudge
before a due date folded in) and the admins' note of actions gone overdue.

Owners do not choose a schedule (the pledge's leaders do): they are asked on Mondays from
09:00 in the organisation's DEFAULT_TIMEZONE, at most once a week (``owner_checkins`` is unique
per person and week), with everything they own across packs in one message.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.commitments.board import latest_updates
from bot.commitments.checkins import CHECKIN_RENDERER, DUE_SOON
from bot.commitments.models import AdoptedAction, Adoption, OwnerCheckin, OwnerCheckinItem
from bot.commitments.periods import monday, period_start
from bot.config import Settings
from bot.conversation import Address, Message, TextBlock
from bot.dates import long_date
from bot.deadletters import admins_of
from bot.features import Weekly
from bot.outbox import Outgoing, queue
from bot.packs.content import Packs
from bot.people import address_of
from bot.store.models import Person
from bot.store.upsert import insert_new
from bot.timezones import zone

CHECKIN_TIME = time(9, 0)


def local_today(now: datetime, settings: Settings) -> date:
    return now.astimezone(zone(settings.default_timezone)).date()


def _owned(session: Session) -> list[tuple[AdoptedAction, Adoption]]:
    rows = session.execute(
        select(AdoptedAction, Adoption)
        .join(Adoption, Adoption.id == AdoptedAction.adoption_id)
        .where(AdoptedAction.active.is_(True), AdoptedAction.owner_id.is_not(None))
        .order_by(AdoptedAction.id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def queue_owner_checkins(
    session: Session, now: datetime, settings: Settings, packs: Packs, weekly: Weekly | None
) -> int:
    """One check-in per owner this week, if anything they own is due to be asked about: in
    another feature's weekly check-in when one carries it (a leader's pledge check-in, made
    earlier in this same tick), else a message of its own from Monday 09:00."""
    local = now.astimezone(zone(settings.default_timezone))
    week = monday(local.date())
    own_time = not (local.date() == week and local.time() < CHECKIN_TIME)
    owned = _owned(session)
    latest = latest_updates(session, [a.id for a, _ in owned])
    due: dict[int, list[AdoptedAction]] = defaultdict(list)
    for action, adoption in owned:
        pack = packs.get(adoption.pack_id)
        if pack is None or pack.action(action.action_id) is None:
            continue
        period = period_start(pack.cadence, local.date())
        update = latest.get(action.id)
        status = pack.status(update.status) if update else None
        soon = (
            action.due_on is not None
            and action.due_on <= week + DUE_SOON
            and not (status and status.settled)
        )
        if (action.asked_period is None or action.asked_period < period) or (
            soon and action.asked_period is not None and action.asked_period < week
        ):
            assert action.owner_id is not None
            due[action.owner_id].append(action)
    queued = 0
    for person_id, actions in due.items():
        host, state = weekly.host(session, person_id, week) if weekly else ("", "")
        if state in ("waiting", "sent") or (not host and not own_time):
            continue  # the host's check-in is still to come, or has gone: next week
        made = insert_new(
            session,
            OwnerCheckin,
            [
                {
                    "person_id": person_id,
                    "week_of": week,
                    "created_at": now,
                    "status": "open",
                    "host": host,
                }
            ],
            ["person_id", "week_of"],
        )
        if not made:  # asked already this week: the rest waits for next week
            continue
        checkin_id = made[0].id
        session.add_all(
            OwnerCheckinItem(checkin_id=checkin_id, adopted_action_id=a.id) for a in actions
        )
        for action in actions:
            action.asked_period = week
        if host:  # drawn into the host's message when it is sent, later in this tick
            queued += 1
            continue
        person = session.get(Person, person_id)
        assert person is not None
        queued += queue(
            session,
            [
                Outgoing(
                    key=f"owner-checkin:{checkin_id}",
                    destination=address_of(person),
                    render=CHECKIN_RENDERER,
                    args={"checkin": checkin_id, "today": local.date().isoformat()},
                )
            ],
            now,
        )
    return queued


def _admin_key(platform: str, tenant: str, day: date, admin: Address) -> str:
    who = hashlib.sha256(f"{platform}:{tenant}:{admin}".encode()).hexdigest()[:16]
    return f"commitments:overdue:{day.isoformat()}:{who}"


def queue_overdue(session: Session, now: datetime, settings: Settings, packs: Packs) -> int:
    """Tell each organisation's admins, once per due date, of actions whose date has passed
    without a settled status (done, ongoing, green)."""
    today = local_today(now, settings)
    rows = session.execute(
        select(AdoptedAction, Adoption)
        .join(Adoption, Adoption.id == AdoptedAction.adoption_id)
        .where(AdoptedAction.active.is_(True), AdoptedAction.due_on < today)
        .order_by(Adoption.pack_id, AdoptedAction.id)
    ).all()
    pending = [(r[0], r[1]) for r in rows if r[0].overdue_told_on != r[0].due_on]
    latest = latest_updates(session, [a.id for a, _ in pending])
    owners = {a.owner_id for a, _ in pending if a.owner_id}
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(owners)))}
    lines: dict[tuple[str, str], list[str]] = defaultdict(list)
    for action, adoption in pending:
        pack = packs.get(adoption.pack_id)
        found = pack.action(action.action_id) if pack else None
        if pack is None or found is None or action.due_on is None:
            continue
        update = latest.get(action.id)
        status = pack.status(update.status) if update else None
        if status and status.settled:
            continue
        action.overdue_told_on = action.due_on
        owner = people.get(action.owner_id) if action.owner_id else None
        who = (owner.display_name or owner.user_id) if owner else "nobody"
        lines[(adoption.platform, adoption.tenant)].append(
            f"{pack.title}, {action.action_id} {found[1].text} (owner: {who}; due "
            f"{long_date(action.due_on)})"
        )
    queued = 0
    for (platform, tenant), found_lines in lines.items():
        message = Message(
            blocks=[
                TextBlock(text="Actions past their due date", style="heading"),
                TextBlock(text="\n".join(found_lines)),
                TextBlock(
                    text="A word with the owner, or a new date (/commitments, then Edit), "
                    "helps more than a reminder.",
                    style="context",
                ),
            ]
        )
        place = Address(platform=platform, tenant=tenant, kind="user", id="-")
        queued += queue(
            session,
            [
                Outgoing(
                    key=_admin_key(platform, tenant, today, admin),
                    destination=admin,
                    message=message,
                )
                for admin in admins_of(session, settings, place)
            ],
            now,
        )
    return queued
