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
import logging
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from contextlib import suppress
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class WorkLoop:
    """An event loop running in a daemon thread for as long as the process runs."""

    def __init__(self, name: str = "slack-work") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()
        self._lock = threading.Lock()
        self._under_way: set[Future[Any]] = set()
        # Whether some request waits for its ack: set from the HTTP loop's thread, read here.
        # Only a waiting reply costs a wake-up of this loop; a stream of sign-ups, which has
        # none, pays nothing for it.
        self._acks_pending = False
        self._waiting = 0
        self._acks_written = asyncio.Event()  # used on this loop only

    def acks_pending(self, pending: bool) -> None:
        """Whether some request still waits for its ack (told from the HTTP loop, when the
        count of such requests leaves or reaches zero)."""
        with self._lock:
            self._acks_pending = pending
            wake = not pending and self._waiting > 0
        if wake:
            self.loop.call_soon_threadsafe(self._acks_written.set)

    async def acks_written(self, timeout: float) -> None:
        """On this loop: until no request waits for its ack, or ``timeout`` seconds."""
        with self._lock:
            if not self._acks_pending:
                return
            self._waiting += 1
            self._acks_written.clear()
        try:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._acks_written.wait(), timeout)
        finally:
            with self._lock:
                self._waiting -= 1

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` on this loop and wait for it from the caller's. The caller's task stays
        in flight until the work is done (the tests wait for the server's tasks); cancelling
        the caller cancels the work."""
        future = asyncio.run_coroutine_threadsafe(work, self.loop)
        with self._lock:
            self._under_way.add(future)
        future.add_done_callback(self._done)
        return await asyncio.wrap_future(future)

    def _done(self, future: Future[Any]) -> None:
        with self._lock:
            self._under_way.discard(future)

    async def finish(self, timeout: float = 10) -> None:
        """Wait, for at most ``timeout`` seconds, for the work handed over so far: called when
        the server stops, so what was acked is answered. The loop is not stopped: a request
        still arriving while the server stops is served too (the thread ends with the
        process), and nothing is cut off half done."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:  # work may hand over more work (an apology after a failure)
            with self._lock:
                under_way = list(self._under_way)
            if not under_way:
                return
            left = deadline - loop.time()
            if left <= 0:
                log.warning(
                    "%d Slack requests' work still under way after %.0f s; stopping anyway",
                    len(under_way),
                    timeout,
                )
                return
            await asyncio.wait([asyncio.wrap_future(f) for f in under_way], timeout=left)
