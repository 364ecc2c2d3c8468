"""The tick: given the database and an instant, queue everything that is due.

It is the only thing the scheduler calls. Being a function of (state, now), it is safe to run
twice for one instant, after a restart, or on several replicas at once: everything it queues is
keyed, and the keys are unique in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.awareness.calendar import EMPTY_CALENDAR, Calendar
from bot.awareness.due import queue_awareness
from bot.clock import as_utc
from bot.config import Settings
from bot.pledge.due import queue_checkins, queue_reminders
from bot.reports.due import queue_reports
from bot.store import Store


@dataclass(frozen=True)
class TickReport:
    checkins: int
    reminders: int
    awareness: int = 0
    reports: int = 0


def tick(
    store: Store, now: datetime, settings: Settings, calendar: Calendar = EMPTY_CALENDAR
) -> TickReport:
    """Queue what is due; each feature in its own transaction, so one cannot hold up another."""
    now = as_utc(now)
    with store.session() as session:
        checkins = queue_checkins(session, now, settings)
    with store.session() as session:
        reminders = queue_reminders(session, now, settings)
    with store.session() as session:
        posts = queue_awareness(session, now, settings, calendar)
    with store.session() as session:
        notices = queue_reports(session, now, settings)
    return TickReport(checkins=checkins, reminders=reminders, awareness=posts, reports=notices)
