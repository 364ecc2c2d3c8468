"""The awareness calendar as an iCalendar file (the icalendar package), one all-day event per
occurrence, for Outlook and Google Calendar to import."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar as ICalendar
from icalendar import Event

from bot.awareness.calendar import Occurrence
from bot.awareness.posts import when


def to_ics(found: list[Occurrence], stamp: datetime, name: str) -> bytes:
    calendar = ICalendar()
    calendar.add("prodid", "-//inclusion-bot//awareness dates//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for occurrence in found:
        entry = occurrence.entry
        event = Event()
        event.add("uid", f"{occurrence.key}@inclusion-bot")
        event.add("dtstamp", stamp)
        event.add("summary", entry.name if occurrence.confirmed else f"{entry.name} (unconfirmed)")
        event.add("dtstart", occurrence.start)
        event.add("dtend", occurrence.end + timedelta(days=1))  # all-day DTEND is exclusive
        ideas = "\n".join(f"- {action}" for action in entry.actions)
        event.add(
            "description", f"{entry.description}\n{when(occurrence)}\n\n{ideas}\n\n{entry.link}"
        )
        event.add("url", entry.link)
        event.add("categories", [entry.category])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
