"""A check-in's line about an awareness date coming up that one of the leader's steps relates to.

Steps (pack actions) carry ``tags``; awareness entries have a category. A check-in in the week
before a date whose category a step's tag names adds one line naming the date and the step
(Black History Month and a race-equality step). A step tagged ``calendar`` (adding D&I dates
to the department's calendar) relates to every date, and a tag may also name an entry by id
(``careers-in-ideas-week``). Never more than MAX_LINES lines; a leader turns them off with
``/pledge dates off``.

The calendar is the awareness feature's, read as data (as the volunteers read Careers in Ideas
Week): only dates the organisers have confirmed are named; a date still unconfirmed is not.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from bot.awareness.calendar import EMPTY_CALENDAR, Calendar, Occurrence, occurrences
from bot.awareness.confirmations import effective
from bot.conversation import Block, TextBlock
from bot.dates import long_date
from bot.pledge.checkins import active_steps
from bot.pledge.content import Pledge
from bot.pledge.models import Checkin, Leader, Step
from bot.pledge.workdays import workplace_of
from bot.resources import Resources

MAX_LINES = 2
#: "The week before": dates starting from the check-in's day to this many days after it.
AHEAD_DAYS = 7
EVERY_DATE = "calendar"
#: A step's tag -> the awareness categories it relates to (a category's own name works too).
TAG_CATEGORIES = {
    "race": ("race-and-heritage",),
    "faith": ("faith-and-culture",),
    "gender": ("gender",),
    "lgbt": ("lgbt",),
    "disability": ("disability",),
    "social-mobility": ("social-mobility",),
    "wellbeing": ("wellbeing",),
}
#: Where a leader works -> the calendar's region; other countries get the global dates only.
COUNTRY_REGIONS = {
    "GB": "uk",
    "US": "us",
    "CA": "ca",
    "IE": "ie",
    "AU": "au",
    "NZ": "nz",
    "IN": "in",
}
OFF_HINT = "Dates like this in your check-ins: /pledge dates off to stop them."


def _relates(tags: tuple[str, ...], occurrence: Occurrence) -> bool:
    """A tag names this date's category (or the date itself); ``calendar`` is not asked here."""
    entry = occurrence.entry
    return any(
        tag in (entry.id, entry.category) or entry.category in TAG_CATEGORIES.get(tag, ())
        for tag in tags
    )


def _tags(pledge: Pledge, step: Step) -> tuple[str, ...]:
    found = pledge.suggestion(step.suggestion_id) if step.suggestion_id else None
    return found.tags if found else ()  # a leader's own step has none


def lines(
    calendar: Calendar, pledge: Pledge, steps: list[Step], day: date, region: str | None
) -> list[str]:
    """The lines for a check-in on ``day``: the soonest related dates first, one step each."""
    tagged = [(step, tags) for step in steps if (tags := _tags(pledge, step))]
    if not tagged:
        return []
    found: list[str] = []
    coming = occurrences(calendar, day, day + timedelta(days=AHEAD_DAYS), region)
    for occurrence in coming:
        if not occurrence.confirmed or occurrence.start < day:
            continue
        # The most specific step: one tagged for this date's category before a calendar step.
        related = [step for step, tags in tagged if _relates(tags, occurrence)]
        related = related or [step for step, tags in tagged if EVERY_DATE in tags]
        if not related:
            continue
        when = "today" if occurrence.start == day else f"on {long_date(occurrence.start)}"
        verb = "is" if occurrence.start == occurrence.end else "begins"
        found.append(
            f"{occurrence.entry.called[:1].upper()}{occurrence.entry.called[1:]} {verb} {when}: "
            f"a moment for your step “{related[0].text}”."
        )
        if len(found) == MAX_LINES:
            break
    return found


def blocks(session: Session, resources: Resources, checkin: Checkin) -> list[Block]:
    """The check-in's related-date lines as blocks (none when the leader turned them off)."""
    leader = session.get(Leader, checkin.leader_id)
    shipped = resources.get(Calendar, EMPTY_CALENDAR)
    if leader is None or not leader.related_dates or not shipped.entries:
        return []
    # Only now the decisions' query: most check-ins render without related dates.
    calendar = effective(session, shipped)
    place = workplace_of(leader.country, leader.subdivision, leader.timezone)
    region = COUNTRY_REGIONS.get(place.country, "global") if place else "global"
    found = lines(
        calendar,
        resources.need(Pledge),
        active_steps(session, leader.id),
        checkin.week_of,
        region,
    )
    if not found:
        return []
    shown: list[Block] = [TextBlock(text=line) for line in found]
    return [*shown, TextBlock(text=OFF_HINT, style="context")]
