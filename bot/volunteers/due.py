"""Careers in Ideas Week: a private nudge to every offer before it, and afterwards one question,
"did it happen?", whose answer marks the year done (or not).

Why ask rather than mark every offer done once the week has passed: an offer is a promise, not
proof, and a programme lead reports what happened. The answer is one button; an unanswered
question leaves the year as "not said", never "done".

The week's dates are the awareness calendar's (``careers-in-ideas-week`` in
content/awareness.yaml, or the organisation's own entry with that id) as the admins confirmed,
changed or declined them (``bot.awareness.confirmations.effective``); while nobody has
confirmed them the nudge says they are expected. Times are 09:00 in DEFAULT_TIMEZONE.
Each nudge and question is an outbox row keyed by offer and year, and a ``volunteer_years`` row
records it, so however often the tick runs each goes out once a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.awareness.calendar import Calendar, Entry
from bot.awareness.confirmations import effective
from bot.config import Settings
from bot.outbox import Outgoing, queue
from bot.people import address_of
from bot.store.models import Person
from bot.store.upsert import insert_new
from bot.timezones import zone
from bot.volunteers.models import VolunteerOffer, VolunteerYear

WEEK_ID = "careers-in-ideas-week"
#: The nudge comes two weeks before the week: time to arrange half a day with a school.
NUDGE_DAYS = 14
#: The question after the week is sent within four weeks of it, never months later.
ASK_WITHIN = timedelta(days=28)
NUDGE_RENDERER = "volunteers.nudge"
ASK_RENDERER = "volunteers.ask"


@dataclass(frozen=True)
class Week:
    """One year's Careers in Ideas Week, and when its nudges and questions are due."""

    entry: Entry
    start: date
    end: date
    confirmed: bool
    nudge_from: datetime
    ask_from: datetime

    @property
    def year(self) -> int:
        return self.start.year


def weeks(calendar: Calendar, now: datetime, settings: Settings) -> list[Week]:
    """This year's and last year's weeks, from the calendar (none if it has no such entry)."""
    entry = calendar.entry(WEEK_ID)
    if entry is None:
        return []
    local = zone(settings.default_timezone)

    def at_nine(day: date) -> datetime:
        return datetime.combine(day, time(9), tzinfo=local)

    found = []
    for year in (now.year - 1, now.year):
        for start, end, confirmed in calendar.spans(entry, year):
            nudge_from = at_nine(start - timedelta(days=NUDGE_DAYS))
            found.append(
                Week(entry, start, end, confirmed, nudge_from, at_nine(end + timedelta(days=1)))
            )
    return found


def queue_volunteer_nudges(
    session: Session, now: datetime, settings: Settings, calendar: Calendar
) -> int:
    """Queue what is due at ``now``: nudges before the week, questions after it. The week's
    dates are the ones the admins confirmed or changed; a year they declined has none."""
    queued = 0
    for week in weeks(effective(session, calendar), now, settings):
        if week.nudge_from <= now < week.ask_from:
            queued += _nudge(session, week, now)
        if week.ask_from <= now < week.ask_from + ASK_WITHIN:
            queued += _ask(session, week, now)
    return queued


def _nudge(session: Session, week: Week, now: datetime) -> int:
    """Every offer not yet nudged this year (one index probe when all have been)."""
    rows = session.execute(
        select(VolunteerOffer.id, Person)
        .join(Person, Person.id == VolunteerOffer.person_id)
        .where(
            ~exists().where(
                VolunteerYear.offer_id == VolunteerOffer.id, VolunteerYear.year == week.year
            )
        )
        .order_by(VolunteerOffer.id)
    ).all()
    to = {offer_id: address_of(person) for offer_id, person in rows}
    new = insert_new(
        session,
        VolunteerYear,
        [{"offer_id": offer_id, "year": week.year, "nudged_at": now} for offer_id in to],
        ["offer_id", "year"],
        ("offer_id",),
    )
    outgoing = [
        Outgoing(
            f"volunteer-nudge:{row.offer_id}:{week.year}",
            to[row.offer_id],
            render=NUDGE_RENDERER,
            args={"offer": row.offer_id, "start": week.start.isoformat()},
        )
        for row in new
    ]
    return queue(session, outgoing, now)


def _ask(session: Session, week: Week, now: datetime) -> int:
    """The offers nudged this year and not yet asked whether it happened."""
    rows = session.execute(
        select(VolunteerYear, Person)
        .join(VolunteerOffer, VolunteerOffer.id == VolunteerYear.offer_id)
        .join(Person, Person.id == VolunteerOffer.person_id)
        .where(VolunteerYear.year == week.year, VolunteerYear.asked_at.is_(None))
        .order_by(VolunteerYear.id)
        .with_for_update(skip_locked=True, of=VolunteerYear)
    ).all()
    outgoing = []
    for year_row, person in rows:
        year_row.asked_at = now
        outgoing.append(
            Outgoing(
                f"volunteer-ask:{year_row.offer_id}:{week.year}",
                address_of(person),
                render=ASK_RENDERER,
                args={"year": year_row.id},
            )
        )
    return queue(session, outgoing, now)
