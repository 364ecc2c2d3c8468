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
from bot.timezones import next_weekly, parse_local_time, zone


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


def reschedule(leader: Leader, now: datetime, closed: frozenset[date]) -> None:
    """Set the next check-in from the leader's weekday, local time and zone, strictly after now,
    moved off a public holiday or closure day (``closed``) to the next working day."""
    tz = zone(leader.timezone)
    regular, _ = next_weekly(leader.weekday, parse_local_time(leader.local_time), tz, now)
    leader.next_checkin_at = shift(regular, tz, workplace(leader), closed)


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
    reschedule(leader, now, closed)
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
        reschedule(leader, now, closed)


def pause(session: Session, leader: Leader) -> None:
    leader.status = "paused"
    leader.next_checkin_at = None
    _stop_ladders(session, leader.id)


def resume(leader: Leader, now: datetime, closed: frozenset[date]) -> None:
    leader.status = "active"
    reschedule(leader, now, closed)


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


def coming_checkins(leader: Leader, closed: frozenset[date]) -> Iterator[tuple[datetime, date]]:
    """The leader's next check-ins by schedule, in order, as (UTC instant, local date), each
    moved off a day off as the tick will move it; the weeks they are away get none, so those
    are passed over. Endless: take what you need."""
    if leader.next_checkin_at is None:
        return
    tz, at, place = zone(leader.timezone), parse_local_time(leader.local_time), workplace(leader)
    instant = shift(leader.next_checkin_at, tz, place, closed)
    while True:
        day = instant.astimezone(tz).date()
        if leader.away_until is None or day > leader.away_until:
            yield instant, day
        regular, _ = next_weekly(leader.weekday, at, tz, instant)
        instant = shift(regular, tz, place, closed)


def _weeks_settled_ahead(session: Session, leader: Leader) -> set[date]:
    """The local dates, from the next check-in on, that already have a check-in row: one
    skipped before it was due (``/pledge skip`` with none open), or one from earlier the same
    day before the time was moved. The tick finds the row there and sends nothing."""
    if leader.next_checkin_at is None:
        return set()
    first = leader.next_checkin_at.astimezone(zone(leader.timezone)).date()
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
    return next((day for _, day in coming_checkins(leader, closed) if day not in settled), None)


def skip_coming(
    session: Session, leader: Leader, closed: frozenset[date]
) -> tuple[date, date | None] | None:
    """Skip the next check-in before it is due: its row is written now, as skipped, so the tick
    sends nothing that week. Returns (the day skipped, the check-in after it), or None when
    check-ins are paused (there is none coming)."""
    settled = _weeks_settled_ahead(session, leader)
    coming = (pair for pair in coming_checkins(leader, closed) if pair[1] not in settled)
    first = next(coming, None)
    if first is None:
        return None
    due_at, day = first
    session.add(
        Checkin(leader_id=leader.id, week_of=day, due_at=due_at, status="skipped", reminders_sent=0)
    )
    session.flush()
    after = next(coming, None)
    return day, after[1] if after else None
