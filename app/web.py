"""The bot's web server: Slack's /slack/events, Teams' /api/messages and the dashboard at
/admin/ on the public listener (``HOST``:``PORT``), /healthz, /readyz and /metrics on a
separate one (``METRICS_HOST``, loopback by default: ``METRICS_PORT``), and the scheduler's
tick, all on one asyncio loop.

The metrics are not on the public port: their counters move when anyone acts, so an
unauthenticated scrape at the right moment would date a report to the second.

Shutdown (SIGTERM from Kubernetes, Docker or systemd) is graceful: the ticker stops, so nothing
new is claimed; the tick and drain in flight finish, its send in flight included, while the web
server still answers (up to ``Server.shutdown_timeout``); then the platforms' stop hooks run and
the web server closes. Rows the drain had claimed but not sent keep their lease and are sent by
any replica once it ends (bot.outbox.LEASE), so nothing is lost; only a send cut off by the
timeout, if its answer was lost, may be repeated (as after a crash).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import threading
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from aiohttp import web

from adapters.host import Hook
from app import health
from app.dashboard.web import attach as attach_dashboard
from app.runtime import Runtime
from bot.outbox import DrainReport, Sender
from scheduler.aio import start_async_ticking
from scheduler.tick import TickReport

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How long a stopping server waits for the tick in flight (Kubernetes gives 30 s by default).
SHUTDOWN_TIMEOUT = 20.0


def freeze_startup_objects() -> None:
    """Put everything loaded at start-up (libraries, content, mappers) out of the garbage
    collector's way. Unfrozen, every full collection walked it all and stalled the event loop
    for ~100 ms every few seconds under load: whole bursts of Slack acks waited
    (benchmarks/slack_ack.py). What is made later is collected as usual."""
    gc.collect()
    gc.freeze()


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def in_daemon_thread(work: Callable[..., T], *args: Any) -> asyncio.Future[T]:
    """Run ``work(*args)`` in a daemon thread; its result arrives on the running loop.

    Not ``asyncio.to_thread``: its executor's threads are joined when the process exits, so a
    send hanging past the shutdown timeout would keep a stopping process alive. A daemon thread
    ends with the process, and the row it was sending keeps its lease.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[], object]) -> None:
        def apply() -> None:
            if not future.done():
                outcome()

        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
            loop.call_soon_threadsafe(apply)

    def run() -> None:
        try:
            result = work(*args)
        except BaseException as exc:
            settle(partial(future.set_exception, exc))
        else:
            settle(partial(future.set_result, result))

    threading.Thread(target=run, name="inclusion-bot-tick", daemon=True).start()
    return future


def _bound_port(addresses: list[Any]) -> int:
    """The IPv4 port bound (with port 0, IPv4 and IPv6 may each get a different free one)."""
    ipv4 = [address for address in addresses if isinstance(address, tuple) and len(address) == 2]
    return int((ipv4 or addresses)[0][1])


def _after_tick(work: asyncio.Future[Any]) -> None:
    """Log how a tick ended; a failure is retried at the next tick, so nothing is lost."""
    if work.cancelled():
        return
    failure = work.exception()
    if failure is not None:
        log.error("the tick failed", exc_info=failure)
        return
    _, drained = work.result()
    if drained.left_leased:
        log.warning(
            "stopping: %d claimed message(s) keep their lease and will be sent by any replica "
            "when it ends",
            drained.left_leased,
        )


class Server:
    """Routes, the platforms' outbox senders, start/stop hooks and the periodic tick."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.web = web.Application()
        #: /healthz, /readyz and /metrics: an application of their own, on their own listener.
        self.ops = web.Application()
        #: Set when shutdown begins: the drain claims nothing more, /readyz answers 503.
        self.stopping = threading.Event()
        self.ops.router.add_get("/healthz", healthz)
        self.ops.router.add_get("/readyz", health.readyz(runtime.store, self.stopping))
        self.ops.router.add_get("/metrics", health.metrics(runtime.store, runtime.clock))
        attach_dashboard(self.web, runtime)
        self.senders: dict[str, Sender] = {}
        self.on_start: list[Hook] = []
        self.on_stop: list[Hook] = []
        #: The ports actually bound (``run(0)`` picks free ones), once serving.
        self.port: int | None = None
        self.metrics_port: int | None = None
        self.shutdown_timeout = SHUTDOWN_TIMEOUT
        self._in_flight: asyncio.Future[Any] | None = None

    async def tick(self) -> None:
        """Queue what is due and drain the outbox, in a worker thread (the core is sync).
        Nothing once the server is stopping; ``run`` waits for the one in flight.

        The scheduler cancels its running job when it shuts down: ``asyncio.wait`` (unlike a
        plain await) leaves the work itself running, for ``run`` to wait for.
        """
        if self.stopping.is_set():
            return
        work = in_daemon_thread(self.runtime.run_due, dict(self.senders), self.stopping)
        work.add_done_callback(_after_tick)
        self._in_flight = work
        await asyncio.wait({work})

    async def tick_once(self) -> tuple[TickReport, DrainReport]:
        """One tick and drain through every attached platform, without serving: what cron
        runs (`inclusion-bot tick --now`). The application's start-up runs first, as under
        ``run``, so each sender is bound exactly as when serving (the Teams SDK's loop)."""
        runner = web.AppRunner(self.web)
        await runner.setup()
        try:
            return await in_daemon_thread(self.runtime.run_due, dict(self.senders), self.stopping)
        finally:
            await runner.cleanup()

    async def _finish_in_flight(self) -> None:
        """Wait, within the shutdown timeout, for the tick and drain in flight."""
        work = self._in_flight
        if work is None or work.done():
            return
        done, _ = await asyncio.wait({work}, timeout=self.shutdown_timeout)
        if not done:
            log.warning(
                "the tick in flight did not finish within %.0f s; stopping anyway (what it "
                "claimed keeps its lease and is sent by any replica when it ends)",
                self.shutdown_timeout,
            )

    async def run(
        self,
        port: int,
        stop: asyncio.Event | None = None,
        *,
        metrics_port: int | None = None,
        beside_console: bool = False,
    ) -> None:
        """Serve until ``stop`` is set or the process gets SIGINT/SIGTERM, then stop
        gracefully (see the module's docstring). ``metrics_port`` defaults to METRICS_PORT.

        ``beside_console``: served from a thread while the console chat has the terminal (no
        platform configured). The console then ticks and owns the signals, so this neither
        ticks nor handles them."""
        settings = self.runtime.settings
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        signals = () if beside_console else (signal.SIGINT, signal.SIGTERM)
        for signum in signals:
            loop.add_signal_handler(signum, stop.set)
        runner = web.AppRunner(self.web)
        await runner.setup()
        await web.TCPSite(runner, host=settings.host or None, port=port).start()
        self.port = _bound_port(runner.addresses)
        ops = web.AppRunner(self.ops, access_log=None)
        await ops.setup()
        wanted = settings.metrics_port if metrics_port is None else metrics_port
        await web.TCPSite(ops, host=settings.metrics_host, port=wanted).start()
        self.metrics_port = _bound_port(ops.addresses)
        for hook in self.on_start:
            await hook()
        if not beside_console:
            freeze_startup_objects()
        ticker = (
            None
            if beside_console
            else start_async_ticking(self.tick, self.runtime.settings.tick_interval_seconds)
        )
        log.warning(
            "health and metrics on %s port %d (not public)",
            settings.metrics_host,
            self.metrics_port,
        )
        log.warning("inclusion-bot is serving on port %d (%s)", self.port, ", ".join(self.senders))
        try:
            await stop.wait()
            log.warning("inclusion-bot is stopping: claiming nothing more, finishing sends")
        finally:
            self.stopping.set()
            if ticker is not None:
                ticker.shutdown(wait=False)
            await self._finish_in_flight()
            for hook in self.on_stop:
                await hook()
            await runner.cleanup()
            await ops.cleanup()
            for signum in signals:
                loop.remove_signal_handler(signum)
        log.warning("inclusion-bot stopped cleanly")
