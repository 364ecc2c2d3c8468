"""Words the pledge journey uses in more than one message: statuses, dates, schedules."""

from __future__ import annotations

from datetime import date

from bot.store.models import Leader
from bot.timezones import WEEKDAYS

STATUSES: dict[str, str] = {
    "done": "Done",
    "progressing": "Progressing",
    "stuck": "Stuck",
    "not_started": "Not started",
}


def long_date(day: date) -> str:
    """``Monday 8 March 2027``: unambiguous on both sides of the Atlantic."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    return f"{day.day} {day:%b}"


def schedule(leader: Leader) -> str:
    return f"{WEEKDAYS[leader.weekday]}s at {leader.local_time} ({leader.timezone})"
