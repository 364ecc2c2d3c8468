"""Changes to a leader's pledge: signing, editing, pausing, leaving, going away.

Every change that affects the schedule recomputes ``next_checkin_at`` from the injected ``now``;
anything that should stop messages also closes open reminder ladders, so a paused, departed or
absent leader is never nudged.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.conversation import Actor, Address, LinkBlock, Message, TextBlock
from bot.outbox import Outgoing, queue
from bot.people import person_for
from bot.pledge.content import Pledge
from bot.pledge.models import Checkin, Leader, Step
from bot.pledge.signup import PledgeChoices
from bot.pledge.workdays import Workplace, shift, workplace_of
from bot.store.models import Person
from bot.timezones import last_weekly, next_weekly, parse_local_time, zone


def leader_of(session: Session, actor: Actor) -> Leader | None:
    return session.scalar(
        select(Leader)
        .join(Person)
        .where(
            Person.platform == actor.platform,
            Person.tenant == actor.tenant,
            Person.user_id == actor.user_id,
        )
    )


def workplace(leader: Leader) -> Workplace | None:
    """Where the leader works, for public holidays: as they said, else from their time zone."""
    return workplace_of(leader.country, leader.subdivision, leader.timezone)


def week_of(leader: Leader, instant: datetime) -> date:
    """The week a check-in at ``instant`` belongs to: the local date of its usual slot, the
    latest at or before it (a moved check-in is a few days after its usual slot)."""
    tz, at = zone(leader.timezone), parse_local_time(leader.local_time)
    return last_weekly(leader.weekday, at, tz, instant)[1]


def reschedule(session: Session, leader: Leader, now: datetime, closed: frozenset[date]) -> None:
    """Set the next check-in from the leader's weekday, local time and zone, strictly after now,
    moved off a public holiday or closure day (``closed``) to the next working day.

    This week's usual slot may already have passed while its moved time has not (an edit on
    Easter Monday afternoon, for a Monday 09:00 leader): that week's check-in is still to
    come on Tuesday, unless the week already has one or the leader signed after the slot."""
    tz, at, place = zone(leader.timezone), parse_local_time(leader.local_time), workplace(leader)
    current, _ = last_weekly(leader.weekday, at, tz, now)
    moved = shift(current, tz, place, closed)
    if moved > now and current >= leader.signed_at:
        settled = session.scalar(
            select(Checkin.id).where(
                Checkin.leader_id == leader.id, Checkin.week_of == week_of(leader, moved)
            )
        )
        if settled is None:
            leader.next_checkin_at = moved
            return
    regular, _ = next_weekly(leader.weekday, at, tz, now)
    leader.next_checkin_at = shift(regular, tz, place, closed)


def _stop_ladders(session: Session, leader_id: int) -> None:
    session.execute(
        update(Checkin)
        .where(Checkin.leader_id == leader_id, Checkin.next_reminder_at.is_not(None))
        .values(next_reminder_at=None)
    )


def _apply_steps(session: Session, leader: Leader, choices: PledgeChoices) -> None:
    """Keep steps that are still chosen (their history stays attached), retire the rest."""
    wanted = {(s.commitment, s.suggestion_id, s.text) for s in choices.steps}
    kept = set()
    for step in leader.steps:
        key = (step.commitment, step.suggestion_id, step.text)
        step.active = step.active and key in wanted
        if step.active:
            kept.add(key)
    for chosen in choices.steps:
        key = (chosen.commitment, chosen.suggestion_id, chosen.text)
        if key not in kept:
            leader.steps.append(
                Step(
                    commitment=chosen.commitment,
                    suggestion_id=chosen.suggestion_id,
                    text=chosen.text,
                    active=True,
                )
            )


def _apply_schedule(leader: Leader, choices: PledgeChoices) -> None:
    leader.weekday = choices.weekday
    leader.local_time = choices.at.strftime("%H:%M")
    leader.timezone = choices.timezone
    leader.country = choices.workplace.country if choices.workplace else None
    leader.subdivision = choices.workplace.subdivision if choices.workplace else None


def sign(
    session: Session,
    actor: Actor,
    choices: PledgeChoices,
    now: datetime,
    settings: Settings,
    pledge: Pledge,
    closed: frozenset[date],
) -> Leader:
    """Sign (or re-sign after leaving) and, if asked, queue the announcement."""
    person = person_for(session, actor)
    leader = session.scalar(select(Leader).where(Leader.person_id == person.id))
    if leader is None:
        leader = Leader(
            person=person,
            status="active",
            weekday=0,
            local_time="09:00",
            timezone=choices.timezone,
            signed_at=now,
        )
        session.add(leader)
    leader.status = "active"
    leader.signed_at = now
    leader.left_at = None
    leader.away_until = None
    _apply_schedule(leader, choices)
    _apply_steps(session, leader, choices)
    reschedule(session, leader, now, closed)
    session.flush()
    channel = settings.announcement_channel_for(actor.platform, actor.tenant)
    if choices.announce and channel is not None:
        queue(session, [announcement(leader, person, channel, pledge, now)], now)
    return leader


def announcement(
    leader: Leader, person: Person, channel: Address, pledge: Pledge, now: datetime
) -> Outgoing:
    name = person.display_name or "A leader"
    message = Message(
        blocks=[
            TextBlock(text=f"{name} has signed the {pledge.title}.", style="heading"),
            TextBlock(
                text="They have chosen practical steps for each of its eight commitments to "
                "diversity and inclusion, and will check in on them every week."
            ),
            LinkBlock(label="About the pledge", url=pledge.url),
        ]
    )
    return Outgoing(f"announce:{leader.id}:{now.isoformat()}", channel, message)


def edit(
    session: Session,
    leader: Leader,
    choices: PledgeChoices,
    now: datetime,
    closed: frozenset[date],
) -> None:
    _apply_steps(session, leader, choices)
    _apply_schedule(leader, choices)
    if leader.status == "active":
        reschedule(session, leader, now, closed)


def pause(session: Session, leader: Leader) -> None:
    leader.status = "paused"
    leader.next_checkin_at = None
    _stop_ladders(session, leader.id)


def resume(session: Session, leader: Leader, now: datetime, closed: frozenset[date]) -> None:
    leader.status = "active"
    reschedule(session, leader, now, closed)


def leave(session: Session, leader: Leader, now: datetime) -> None:
    """Stop every message; the steps and check-in history stay for the record."""
    leader.status = "left"
    leader.left_at = now
    leader.next_checkin_at = None
    _stop_ladders(session, leader.id)


def go_away(session: Session, leader: Leader, until: date) -> None:
    """No check-ins on or before ``until`` (handled by the tick) and no reminders meanwhile."""
    leader.away_until = until
    session.execute(
        update(Checkin)
        .where(
            Checkin.leader_id == leader.id,
            Checkin.status == "open",
            Checkin.week_of <= until,
        )
        .values(status="away", next_reminder_at=None)
    )


def come_back(leader: Leader) -> None:
    leader.away_until = None


def away_until(leader: Leader, now: datetime) -> date | None:
    """The last day the leader is away, if that is today or later in their time zone."""
    if leader.away_until is None:
        return None
    today = now.astimezone(zone(leader.timezone)).date()
    return leader.away_until if leader.away_until >= today else None


def coming_checkins(
    leader: Leader, closed: frozenset[date]
) -> Iterator[tuple[datetime, date, date]]:
    """The leader's next check-ins by schedule, in order, as (UTC instant, local date, week:
    the usual slot's date, the check-in row's key), each moved off a day off as the tick will
    move it; the weeks they are away get none, so those are passed over. Endless: take what
    you need."""
    if leader.next_checkin_at is None:
        return
    tz, at, place = zone(leader.timezone), parse_local_time(leader.local_time), workplace(leader)
    instant = shift(leader.next_checkin_at, tz, place, closed)
    while True:
        day, week = instant.astimezone(tz).date(), week_of(leader, instant)
        if leader.away_until is None or week > leader.away_until:
            yield instant, day, week
        regular, _ = next_weekly(leader.weekday, at, tz, instant)
        instant = shift(regular, tz, place, closed)


def _weeks_settled_ahead(session: Session, leader: Leader) -> set[date]:
    """The weeks (usual slots' dates), from the next check-in on, that already have a row: one
    skipped before it was due (``/pledge skip`` with none open), or one from earlier the same
    day before the time was moved. The tick finds the row there and sends nothing."""
    if leader.next_checkin_at is None:
        return set()
    first = week_of(leader, leader.next_checkin_at)
    return set(
        session.scalars(
            select(Checkin.week_of).where(
                Checkin.leader_id == leader.id,
                Checkin.week_of >= first,
            )
        )
    )


def next_checkin_day(session: Session, leader: Leader, closed: frozenset[date]) -> date | None:
    """The local date of the next check-in the leader will really get: weeks away and weeks
    already settled (skipped ahead) are passed over, and days off moved from."""
    settled = _weeks_settled_ahead(session, leader)
    coming = coming_checkins(leader, closed)
    return next((day for _, day, week in coming if week not in settled), None)


def skip_coming(
    session: Session, leader: Leader, closed: frozenset[date]
) -> tuple[date, date | None] | None:
    """Skip the next check-in before it is due: its row is written now, as skipped, so the tick
    sends nothing that week. Returns (the day skipped, the check-in after it), or None when
    check-ins are paused (there is none coming)."""
    settled = _weeks_settled_ahead(session, leader)
    coming = (slot for slot in coming_checkins(leader, closed) if slot[2] not in settled)
    first = next(coming, None)
    if first is None:
        return None
    due_at, day, week = first
    session.add(
        Checkin(
            leader_id=leader.id, week_of=week, due_at=due_at, status="skipped", reminders_sent=0
        )
    )
    session.flush()
    after = next(coming, None)
    return day, after[1] if after else None
