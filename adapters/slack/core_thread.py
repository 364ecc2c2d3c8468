"""One worker thread for the (synchronous) core, where urgent work goes to the front.

A request that carries a Slack trigger_id must open its modal within 3 seconds; one that does
not (a typed message, a button that only redraws) can wait. With a plain ThreadPoolExecutor a
burst of the second kind queues the first behind it, and its trigger expires. The standard
library has no executor with priorities, so this is a small one: a PriorityQueue feeding one
thread (more threads would only compete with the acks for the GIL), FIFO within a priority.
"""

from __future__ import annotations

import asyncio
import itertools
import queue
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")
URGENT, LATER = 0, 1


#: How long a thread may hold the GIL while another waits for it. Python's default, 5 ms,
#: means that each time the event loop gives up the GIL for a socket call while the core
#: thread runs, the loop may wait 5 ms to get it back, and an ack makes several such calls.
SWITCH_INTERVAL = 0.001


class CoreThread:
    def __init__(self, name: str = "slack-core") -> None:
        if sys.getswitchinterval() > SWITCH_INTERVAL:
            sys.setswitchinterval(SWITCH_INTERVAL)
        self._queue: queue.PriorityQueue[tuple[int, int, Callable[[], Any] | None, Future[Any]]]
        self._queue = queue.PriorityQueue()
        self._order = itertools.count()
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    async def call(self, function: Callable[..., T], *args: Any, urgent: bool = False) -> T:
        """Run ``function(*args)`` on the thread; urgent calls go before waiting ones."""
        future: Future[T] = Future()
        self._queue.put(
            (URGENT if urgent else LATER, next(self._order), lambda: function(*args), future)
        )
        return await asyncio.wrap_future(future)

    def _work(self) -> None:
        while True:
            _, _, job, future = self._queue.get()
            if job is None:
                return
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job())
            except BaseException as exc:  # handed to the awaiting coroutine, as an executor does
                future.set_exception(exc)

    def stop(self) -> None:
        """Let queued work finish, then end the thread."""
        self._queue.put((LATER + 1, next(self._order), None, Future()))
        self._thread.join(timeout=10)
