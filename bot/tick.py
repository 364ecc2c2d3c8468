"""The tick: given the database and an instant, queue everything that is due.

It is the only thing the scheduler calls. Being a function of (state, now), it is safe to run
twice for one instant, after a restart, or on several replicas at once: everything it queues is
keyed, and the keys are unique in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import as_utc
from bot.config import Settings
from bot.pledge.due import queue_checkins, queue_reminders
from bot.store import Store


@dataclass(frozen=True)
class TickReport:
    checkins: int
    reminders: int


def tick(store: Store, now: datetime, settings: Settings) -> TickReport:
    now = as_utc(now)
    with store.session() as session:
        checkins = queue_checkins(session, now, settings)
    with store.session() as session:
        reminders = queue_reminders(session, now, settings)
    return TickReport(checkins=checkins, reminders=reminders)
