"""What the pledge journey has due at an instant: weekly check-ins and reminder nudges.

Both are found by indexed columns (``leaders.next_checkin_at``, ``checkins.next_reminder_at``),
so a quiet tick costs two index probes however many leaders there are, and a busy one grows
with what is due. Work goes in batches with set-based statements, so the Monday-morning peak
stays fast. Idempotency is the database's: a check-in is unique per (leader, week) and every
outbox row per key, and leader rows are claimed with SKIP LOCKED on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.conversation import Address
from bot.outbox import Outgoing, queue
from bot.pledge.checkins import CHECKIN_RENDERER
from bot.pledge.models import Checkin, Leader
from bot.pledge.workdays import closed_days, shift, workplace_of
from bot.store.models import Base, Person
from bot.store.upsert import insert_new
from bot.timezones import next_weekly, parse_local_time, zone

BATCH = 1000


def _table(model: type[Base]) -> Table:
    """The Core table, for executemany updates (the ORM's bulk path wants primary keys)."""
    return cast(Table, model.__table__)


def queue_checkins(session: Session, now: datetime, settings: Settings) -> int:
    """Open this week's check-in for every leader due by ``now``; return how many were queued."""
    queued = 0
    ladder = settings.reminder_ladder
    closed = closed_days(session, settings.content_dir)
    while True:
        leaders = session.execute(
            select(
                Leader.id,
                Leader.weekday,
                Leader.local_time,
                Leader.timezone,
                Leader.country,
                Leader.subdivision,
                Leader.away_until,
                Leader.next_checkin_at,
                Person.platform,
                Person.tenant,
                Person.user_id,
            )
            .join(Person, Person.id == Leader.person_id)
            .where(Leader.status == "active", Leader.next_checkin_at <= now)
            .order_by(Leader.next_checkin_at, Leader.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True, of=Leader)
        ).all()
        if not leaders:
            return queued
        checkins: list[dict[str, Any]] = []
        advances: list[dict[str, Any]] = []
        for row in leaders:
            tz, at = zone(row.timezone), parse_local_time(row.local_time)
            place = workplace_of(row.country, row.subdivision, row.timezone)
            due = row.next_checkin_at
            if due <= now - timedelta(days=7):
                # The bot was down for over a week: ask about this week, not every week missed.
                due, _ = next_weekly(row.weekday, at, tz, now - timedelta(days=7))
            moved = shift(max(due, now), tz, place, closed)
            if moved > now:
                # Today is a day off: a closure day added since it was scheduled, or the bot
                # was down and comes back on a holiday. It waits for the next working day.
                advances.append({"leader": row.id, "next": moved})
                continue
            week_of = due.astimezone(tz).date()
            away = row.away_until is not None and week_of <= row.away_until
            # Reminders count from when the check-in goes out: a late one (the bot was down)
            # must not be followed at once by nudges that fell due while it was not there.
            asked = max(due, now)
            first_nudge = None if away or not ladder else asked + timedelta(hours=ladder[0])
            checkins.append(
                {
                    "leader_id": row.id,
                    "week_of": week_of,
                    "due_at": due,
                    "status": "away" if away else "open",
                    "reminders_sent": 0,
                    "next_reminder_at": first_nudge and shift(first_nudge, tz, place, closed),
                }
            )
            regular, _ = next_weekly(row.weekday, at, tz, now)
            advances.append({"leader": row.id, "next": shift(regular, tz, place, closed)})
        created = insert_new(
            session,
            Checkin,
            checkins,
            ["leader_id", "week_of"],
            returning=("id", "leader_id", "week_of", "status"),
        )
        # A leader's new check-in makes any other still open (an earlier week's) missed, and
        # stops its reminders. A leader whose week already had its check-in (the time was moved
        # later the same day) got no new row, and that check-in stays open.
        if created:
            session.execute(
                update(Checkin)
                .where(
                    Checkin.leader_id.in_([new.leader_id for new in created]),
                    Checkin.id.not_in([new.id for new in created]),
                    Checkin.status == "open",
                )
                .values(status="missed", next_reminder_at=None)
                .execution_options(synchronize_session=False)
            )
        by_leader = {row.id: row for row in leaders}
        outgoing = [
            Outgoing(
                f"checkin:{new.id}",
                Address(
                    platform=by_leader[new.leader_id].platform,
                    tenant=by_leader[new.leader_id].tenant,
                    id=by_leader[new.leader_id].user_id,
                ),
                render=CHECKIN_RENDERER,
                args={"checkin": new.id},
            )
            for new in created
            if new.status == "open"
        ]
        queued += queue(session, outgoing, now)
        leader_table = _table(Leader)
        session.execute(
            update(leader_table)
            .where(leader_table.c.id == bindparam("leader"))
            .values(next_checkin_at=bindparam("next")),
            advances,
        )


def queue_reminders(session: Session, now: datetime, settings: Settings) -> int:
    """Nudge, privately, each leader whose open check-in has reached its next reminder."""
    ladder = settings.reminder_ladder
    queued = 0
    closed = closed_days(session, settings.content_dir)
    while True:
        due = session.execute(
            select(
                Checkin.id,
                Checkin.leader_id,
                Checkin.week_of,
                Checkin.due_at,
                Checkin.reminders_sent,
                Checkin.next_reminder_at,
                Leader.timezone,
                Leader.country,
                Leader.subdivision,
                Person.platform,
                Person.tenant,
                Person.user_id,
            )
            .join(Leader, Leader.id == Checkin.leader_id)
            .join(Person, Person.id == Leader.person_id)
            .where(Checkin.next_reminder_at <= now, Checkin.status == "open")
            .order_by(Checkin.next_reminder_at, Checkin.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True, of=Checkin)
        ).all()
        if not due:
            return queued
        outgoing, advances = [], []
        for row in due:
            tz, place = zone(row.timezone), workplace_of(row.country, row.subdivision, row.timezone)
            moved = shift(max(row.next_reminder_at, now), tz, place, closed)
            if moved > now:
                # Today became a day off after it was set: it waits for the working day.
                advances.append({"checkin": row.id, "sent": row.reminders_sent, "next": moved})
                continue
            number = row.reminders_sent + 1
            last = number >= len(ladder)
            following = None
            if not last:
                following = row.due_at + timedelta(hours=ladder[number])
                if following <= now:
                    # The tick was not running when this nudge fell due: keep the ladder's
                    # spacing from now, rather than sending the next rung at once as well.
                    following = now + timedelta(hours=ladder[number] - ladder[number - 1])
                following = shift(following, tz, place, closed)
            outgoing.append(
                Outgoing(
                    f"reminder:{row.id}:{number}",
                    Address(platform=row.platform, tenant=row.tenant, id=row.user_id),
                    render=CHECKIN_RENDERER,
                    args={"checkin": row.id, "reminder": number, "last": last},
                )
            )
            advances.append(
                {
                    "checkin": row.id,
                    "sent": number,
                    "next": following,
                }
            )
        queued += queue(session, outgoing, now)
        checkin_table = _table(Checkin)
        session.execute(
            update(checkin_table)
            .where(checkin_table.c.id == bindparam("checkin"))
            .values(reminders_sent=bindparam("sent"), next_reminder_at=bindparam("next")),
            advances,
        )
