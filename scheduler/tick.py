"""The tick: given the database and an instant, queue everything that is due.

It is what the scheduler's timers call, with the outbox's drain after it (``run_due``). It
runs each registered feature's steps (``Feature.tick``), in order, each in its own transaction.
Being a function of (state, now), it is safe to run twice for one instant, after a restart, or
on several replicas at once: everything it queues is keyed, and the keys are unique in the
database.

On PostgreSQL each tick also takes an advisory lock first, and a replica that finds it taken
returns at once having done nothing: N replicas ticking every minute would otherwise run N
ticks that mostly skip each other's locked rows and collide on unique keys, costing the
database N times the work for the same result. The lock is an optimisation, not the guarantee:
the tick stays idempotent without it. SQLite needs none (it serialises writers itself).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from sqlalchemy import text

from bot.catalogue import FEATURES
from bot.clock import as_utc
from bot.config import Settings
from bot.deadletters import alert_admins
from bot.features import Feature, offered
from bot.outbox import Dispatcher, DrainReport, Sender
from bot.resources import Resources
from bot.router import Bot
from bot.store import Store

log = logging.getLogger(__name__)

#: The advisory lock's key: any fixed 64-bit number, the same in every replica. Advisory locks
#: are per database, so other databases on the same server are not affected.
TICK_LOCK = 0x1B07_71C4


@dataclass(frozen=True)
class TickReport:
    #: How many each step queued, by step name ("checkins", "reminders", ...), in tick order.
    queued: Mapping[str, int] = field(default_factory=dict)
    #: What each step's count counts ("check-in(s)"), by step name.
    counted: Mapping[str, str] = field(default_factory=dict)
    #: Another replica was ticking (it held the lock), so this tick did nothing.
    skipped: bool = False

    def __getitem__(self, step: str) -> int:
        return self.queued.get(step, 0)

    def summary(self) -> str:
        """For the operator: "3 check-in(s), 1 reminder(s), ... and 0 report notice(s)"."""
        parts = [f"{self.queued[step]} {self.counted[step]}" for step in self.queued]
        return " and ".join(filter(None, (", ".join(parts[:-1]), *parts[-1:])))


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
    store: Store,
    now: datetime,
    settings: Settings,
    *resources: object,
    features: Sequence[Feature] = FEATURES,
) -> TickReport:
    """Queue what is due; each step in its own transaction, so one cannot hold up another.
    ``resources`` are what the features were loaded with (the awareness calendar, ...)."""
    now = as_utc(now)
    found = Resources(*resources, *offered(tuple(features)))
    steps = [step for feature in features for step in feature.tick]
    counted = {step.name: step.counted for step in steps}
    queued = dict.fromkeys(counted, 0)
    with tick_lock(store) as mine:
        if not mine:
            log.info("another replica is ticking; this tick does nothing")
            return TickReport(queued, counted, skipped=True)
        for step in steps:
            with store.session() as session:
                queued[step.name] = step.run(session, now, settings, found)
    return TickReport(queued, counted)


def run_due(
    bot: Bot, senders: Mapping[str, Sender], stop: threading.Event | None = None
) -> tuple[TickReport, DrainReport]:
    """One tick at the bot's clock's now, then drain what can be sent through ``senders``
    (until ``stop`` is set: the web server sets it when shutting down). What every timer,
    the console after each line and `inclusion-bot tick` run."""
    report = tick(bot.store, bot.clock.now(), bot.settings, *bot.loaded, features=bot.features)
    dispatcher = Dispatcher(
        bot.store,
        bot.clock,
        senders,
        max_attempts=bot.settings.outbox_max_attempts,
        renderers=bot.renderers(),
        on_dead=partial(alert_admins, bot.settings),
    )
    return report, dispatcher.drain(stop=stop)
