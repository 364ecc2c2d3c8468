"""Runs the core's tick on a timer with APScheduler 3.x.

The scheduler holds no job store and no state of its own: its one job asks the core what is due
(an idempotent function of the database and the time) and drains the outbox. Several processes
may run it at once; the database decides who sends what (see scheduler.tick and bot.outbox).
"""

from __future__ import annotations

from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger


def start_ticking(job: Callable[[], object], every_seconds: int) -> BackgroundScheduler:
    """Call ``job`` every ``every_seconds`` in a background thread, never two at once.

    A late run is still run (grace of a whole interval) and missed runs coalesce into one,
    because one tick catches up with everything that fell due meanwhile.
    """
    scheduler = BackgroundScheduler(
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": every_seconds}
    )
    scheduler.add_job(job, IntervalTrigger(seconds=every_seconds), id="tick")
    scheduler.start()
    return scheduler
