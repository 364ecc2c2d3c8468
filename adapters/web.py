"""The bot's one web server: Slack's /slack/events (Teams' /api/messages joins it), /healthz,
and the scheduler's tick, all on one asyncio loop.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from aiohttp import web

from adapters.runtime import Runtime
from bot.outbox import Sender
from scheduler.aio import start_async_ticking

log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


class Server:
    """Routes, the platforms' outbox senders, start/stop hooks and the periodic tick."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.web = web.Application()
        self.web.router.add_get("/healthz", healthz)
        self.senders: dict[str, Sender] = {}
        self.on_start: list[Hook] = []
        self.on_stop: list[Hook] = []

    async def tick(self) -> None:
        """Queue what is due and drain the outbox, in a worker thread (the core is sync)."""
        try:
            await asyncio.to_thread(self.runtime.run_due, dict(self.senders))
        except Exception:  # logged and retried at the next tick: nothing is lost
            log.exception("the tick failed")

    async def run(self, port: int, stop: asyncio.Event | None = None) -> None:
        """Serve until ``stop`` is set or the process gets SIGINT/SIGTERM."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        runner = web.AppRunner(self.web)
        await runner.setup()
        await web.TCPSite(runner, port=port).start()
        for hook in self.on_start:
            await hook()
        ticker = start_async_ticking(self.tick, self.runtime.settings.tick_interval_seconds)
        log.warning("inclusion-bot is serving on port %d (%s)", port, ", ".join(self.senders))
        try:
            await stop.wait()
        finally:
            ticker.shutdown(wait=False)
            for hook in self.on_stop:
                await hook()
            await runner.cleanup()
