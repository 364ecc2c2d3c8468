"""Words the pledge journey uses in more than one message: statuses and schedules (dates,
which every feature writes, are bot/dates.py)."""

from __future__ import annotations

from bot.pledge.models import Leader
from bot.timezones import WEEKDAYS

#: Every status a step can be given. "Ongoing" is for behaviours kept up week after week
#: (acting as an ally, attending the forum): they are never finished, so "Done" is wrong for
#: them. See docs/content-style.md.
STATUSES: dict[str, str] = {
    "done": "Done",
    "ongoing": "Ongoing",
    "progressing": "Progressing",
    "stuck": "Stuck",
    "not_started": "Not started",
}


def statuses_for(ongoing: bool | None) -> dict[str, str]:
    """The answers a step is offered. A behaviour (``ongoing: true`` in pledge.yaml) may be
    "Ongoing" as well as "Done" (done this week); an action is not offered "Ongoing"; a
    leader's own step (``None``), which could be either, is offered both."""
    if ongoing is False:
        return {key: label for key, label in STATUSES.items() if key != "ongoing"}
    return STATUSES


def schedule(leader: Leader) -> str:
    return f"{WEEKDAYS[leader.weekday]}s at {leader.local_time} ({leader.timezone})"
