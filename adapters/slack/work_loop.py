"""A second event loop, in a thread of its own, for the Slack work that comes after an ack.

On one event loop every ready callback runs in turn, first come first served, and nothing
can jump the queue. Under a stream of sign-ups the work after the acks (users.info and
views.open calls, the JSON of 20 KB views, the core's answers coming back) piled up into
single loop iterations of 200 to 300 callbacks lasting up to a quarter of a second, and every
new request's read and ack waited behind them: ack p99 1.9 to 2.3 times a bare Bolt app's
(benchmarks/slack_ack.py; the README has the figures). Holding the work back until the acks
were written (the old "quiet" wait) only moved the pile to the moment the stream paused.

So the HTTP loop reads, verifies, acks and hands over; the work runs here. The two loops
still share the GIL, which CPython hands over at every blocking call and at least every
core_thread.SWITCH_INTERVAL, so an ack waits a millisecond or so for it, not for a batch.
The standard library runs a loop in another thread (``run_coroutine_threadsafe``) but has no
object that owns one, so this is that object.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


async def run_on(loop: asyncio.AbstractEventLoop, work: Coroutine[Any, Any, T]) -> T:
    """Run ``work`` on ``loop`` and wait for it from the running loop (at once if they are
    the same). The caller's task stays in flight until the work is done, so a graceful stop
    and the tests, which wait for the server's tasks, wait for the work too; cancelling the
    caller cancels the work."""
    if asyncio.get_running_loop() is loop:
        return await work
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, loop))


class WorkLoop:
    """An event loop running in a daemon thread until ``close``."""

    def __init__(self, name: str = "slack-work") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()
        self._closing = False

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` on this loop (see ``run_on``), or on the caller's once this one is
        closing: a request that arrives while the server stops is still answered."""
        if self._closing:
            return await work
        return await run_on(self.loop, work)

    async def close(self, timeout: float = 10) -> None:
        """Let the work under way finish (for at most ``timeout`` seconds), then stop the loop
        and its thread. Called once the server takes no more requests; awaited, not blocking,
        since work here may still need the caller's loop (a modal's ack is sent from there)."""
        if self._closing:
            return
        self._closing = True
        await run_on(self.loop, _settle(timeout))
        self.loop.call_soon_threadsafe(self.loop.stop)
        await asyncio.to_thread(self._thread.join, 5)
        if not self._thread.is_alive():
            self.loop.close()


async def _settle(timeout: float) -> None:
    """Until every other task on this loop is done, or ``timeout`` has passed."""
    others = asyncio.all_tasks() - {asyncio.current_task()}
    if others:
        await asyncio.wait(others, timeout=timeout)
