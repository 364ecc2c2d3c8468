"""The web server's timer: APScheduler's AsyncIOScheduler on the server's own event loop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger


def start_async_ticking(
    job: Callable[[], Awaitable[object]], every_seconds: int
) -> AsyncIOScheduler:
    """Await ``job`` every ``every_seconds`` on the running loop, never two at once."""
    scheduler = AsyncIOScheduler(
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": every_seconds}
    )
    scheduler.add_job(job, IntervalTrigger(seconds=every_seconds), id="tick")
    scheduler.start()
    return scheduler
