"""The tick: given the database and an instant, queue everything that is due.

It is the only thing the scheduler calls. Being a function of (state, now), it is safe to run
twice for one instant, after a restart, or on several replicas at once: everything it queues is
keyed, and the keys are unique in the database.

On PostgreSQL each tick also takes an advisory lock first, and a replica that finds it taken
returns at once having done nothing: N replicas ticking every minute would otherwise run N
ticks that mostly skip each other's locked rows and collide on unique keys, costing the
database N times the work for the same result. The lock is an optimisation, not the guarantee:
the tick stays idempotent without it. SQLite needs none (it serialises writers itself).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text

from bot.awareness.calendar import EMPTY_CALENDAR, Calendar
from bot.awareness.due import queue_awareness
from bot.clock import as_utc
from bot.config import Settings
from bot.pledge.due import queue_checkins, queue_reminders
from bot.reports.due import queue_reports
from bot.store import Store

log = logging.getLogger(__name__)

#: The advisory lock's key: any fixed 64-bit number, the same in every replica. Advisory locks
#: are per database, so other databases on the same server are not affected.
TICK_LOCK = 0x1B07_71C4


@dataclass(frozen=True)
class TickReport:
    checkins: int
    reminders: int
    awareness: int = 0
    reports: int = 0
    #: Another replica was ticking (it held the lock), so this tick did nothing.
    skipped: bool = False


@contextmanager
def tick_lock(store: Store) -> Iterator[bool]:
    """Yield True if this process may tick now, False if another replica is ticking.

    A session-level lock on a connection of its own, not a transaction-level one: the tick is
    several short transactions (one per feature), and the lock must span them all. It is
    released when the block ends, and by PostgreSQL itself if the process dies (its connection
    closes), so a crashed replica never blocks the others.
    """
    if store.dialect != "postgresql":
        yield True
        return
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        held = bool(
            connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": TICK_LOCK})
        )
        try:
            yield held
        finally:
            if held:
                try:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": TICK_LOCK})
                except Exception:
                    # Never hand a connection that may still hold the lock back to the pool.
                    connection.invalidate()
                    raise


def tick(
    store: Store, now: datetime, settings: Settings, calendar: Calendar = EMPTY_CALENDAR
) -> TickReport:
    """Queue what is due; each feature in its own transaction, so one cannot hold up another."""
    now = as_utc(now)
    with tick_lock(store) as mine:
        if not mine:
            log.info("another replica is ticking; this tick does nothing")
            return TickReport(checkins=0, reminders=0, skipped=True)
        with store.session() as session:
            checkins = queue_checkins(session, now, settings)
        with store.session() as session:
            reminders = queue_reminders(session, now, settings)
        with store.session() as session:
            posts = queue_awareness(session, now, settings, calendar)
        with store.session() as session:
            notices = queue_reports(session, now, settings)
    return TickReport(checkins=checkins, reminders=reminders, awareness=posts, reports=notices)
