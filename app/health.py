"""/readyz and /metrics on the bot's one web server (/healthz is in adapters/web.py).

/healthz says the process is alive, so a failing database never gets a healthy process killed
and restarted in a loop. /readyz says whether this replica should get traffic: the database
answers and its schema is the one the code expects; it is 503 with the reason otherwise, and
from the moment the process starts shutting down, so a load balancer stops sending it work.
/metrics is Prometheus' text format (bot/metrics.py).

The database is synchronous (bot/store), so each check runs in a worker thread, never on the
event loop that acks Slack and Teams.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.clock import Clock
from bot.metrics import exposition
from bot.store import Store, StoreUnreachable

#: A probe gives up on a database that does not answer within this many seconds.
READY_TIMEOUT = 10.0

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def readiness(store: Store, head: str | None) -> str | None:
    """None when ready, else why not, in one line without any password."""
    try:
        store.check_reachable()
        current = store.current_revision()
    except StoreUnreachable as exc:
        return str(exc)
    except Exception as exc:  # e.g. no permission to read the schema version
        return f"cannot read the database's schema version: {type(exc).__name__}"
    if current != head:
        return (
            f"the database is at migration {current or 'none'} and the code needs {head}: "
            "run `inclusion-bot db upgrade`"
        )
    return None


def readyz(store: Store, stopping: threading.Event) -> Handler:
    """The /readyz handler. The code's newest migration is read once, on the first probe."""
    heads: list[str | None] = []

    async def handler(_: web.Request) -> web.Response:
        if stopping.is_set():
            return web.json_response({"status": "stopping", "reason": "shutting down"}, status=503)
        if not heads:
            heads.append(await asyncio.to_thread(store.head_revision))
        try:
            reason = await asyncio.wait_for(
                asyncio.to_thread(readiness, store, heads[0]), READY_TIMEOUT
            )
        except TimeoutError:
            reason = f"the database did not answer within {READY_TIMEOUT:.0f} s"
        if reason is not None:
            return web.json_response({"status": "unavailable", "reason": reason}, status=503)
        return web.json_response({"status": "ready"})

    return handler


def metrics(store: Store, clock: Clock) -> Handler:
    """The /metrics handler: counters from memory, outbox figures from the database."""

    async def handler(_: web.Request) -> web.Response:
        body = await asyncio.to_thread(exposition, store, clock)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return handler
