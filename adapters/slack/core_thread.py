"""One worker thread for the (synchronous) core, where urgent work goes to the front and no
work starts while Slack acks are waiting to be written.

A request that carries a Slack trigger_id must open its modal within 3 seconds; one that does
not (a typed message, a button that only redraws) can wait. With a plain ThreadPoolExecutor a
burst of the second kind queues the first behind it, and its trigger expires. The standard
library has no executor with priorities, so this is a small one: one thread (more would only
compete with the acks for the GIL) taking the most urgent job first, FIFO within a priority.

Acks first, on this thread too. The core is pure Python and holds the GIL while it runs; the
event loop gives the GIL up at every socket call (read a request, write an ack) and, while
this thread is runnable, must wait to take it back each time (the ack benchmark counts those
waits as voluntary context switches of the loop's thread: about three per request for the
bot, next to none for a bare Bolt app). Every slash command and button press carries a
trigger_id, so "urgent" alone started the core on a burst's first requests while the other
acks were still unwritten. So a job starts only once no ack is pending (``acks_pending``,
told by the adapter) or once it has waited ACKS_FIRST_WAIT since it was queued: a steady
stream of requests delays a job by at most that, and a backlog older than that runs without
pause. Work that an ack itself waits for (a modal submission's validation) is called with
``before_ack=True`` and never waits.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")
URGENT, LATER = 0, 1


#: How long a thread may hold the GIL while another waits for it. Python's default, 5 ms,
#: means that each time the event loop gives up the GIL for a socket call while the core
#: thread runs, the loop may wait 5 ms to get it back, and an ack makes several such calls.
SWITCH_INTERVAL = 0.001
#: Longest a queued job (and a hand-over to the work loop) waits for the pending acks to be
#: written before it starts anyway. A trigger has 3 s; a burst of 50 acks is written in a few
#: tens of milliseconds on a quiet machine, but took up to 0.16 s beside a fan-out in another
#: process, and at 0.1 s the work then took the GIL from the burst's last acks (button p99
#: 1.65 times the bare app's in benchmarks/ack_under_load.py; 1.09 and 1.33 at 0.2 s). Read at
#: each call, so a test may set it.
ACKS_FIRST_WAIT = 0.2


class _Job(NamedTuple):
    priority: int
    order: int
    #: Monotonic instant after which the job starts even if acks are still pending.
    start_by: float
    work: Callable[[], Any] | None
    future: Future[Any]


class CoreThread:
    def __init__(self, name: str = "slack-core") -> None:
        if sys.getswitchinterval() > SWITCH_INTERVAL:
            sys.setswitchinterval(SWITCH_INTERVAL)
        # Not a queue.PriorityQueue: the next job is the most urgent one free to start, which
        # a queue cannot tell, so a small list under a condition (seldom more than 50 long).
        self._jobs: list[_Job] = []
        self._acks_pending = False
        self._changed = threading.Condition()
        self._order = itertools.count()
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def acks_pending(self, pending: bool) -> None:
        """Whether some Slack request still waits for its ack (told by the adapter)."""
        with self._changed:
            self._acks_pending = pending
            self._changed.notify()

    async def call(
        self, function: Callable[..., T], *args: Any, urgent: bool = False, before_ack: bool = False
    ) -> T:
        """Run ``function(*args)`` on the thread and wait for it; see ``submit``."""
        return await asyncio.wrap_future(
            self.submit(function, *args, urgent=urgent, before_ack=before_ack)
        )

    def submit(
        self, function: Callable[..., T], *args: Any, urgent: bool = False, before_ack: bool = False
    ) -> Future[T]:
        """Queue ``function(*args)`` for the thread; urgent calls go before waiting ones. Unless
        ``before_ack`` (an ack waits for the answer), it starts once pending acks are written
        or after ACKS_FIRST_WAIT. The future may be awaited from any event loop."""
        future: Future[T] = Future()
        start_by = time.monotonic() + (0.0 if before_ack else ACKS_FIRST_WAIT)
        priority = URGENT if urgent else LATER
        self._put(_Job(priority, next(self._order), start_by, lambda: function(*args), future))
        return future

    def _put(self, job: _Job) -> None:
        with self._changed:
            self._jobs.append(job)
            self._changed.notify()

    def _next(self) -> _Job:
        """The most urgent job free to start: any while no ack is pending, else those whose
        ACKS_FIRST_WAIT is over or that an ack waits for. Waits, without the GIL, until one is."""
        with self._changed:
            while True:
                now = time.monotonic()
                ready = [j for j in self._jobs if not self._acks_pending or j.start_by <= now]
                if ready:
                    job = min(ready)
                    self._jobs.remove(job)
                    return job
                soonest = min((j.start_by for j in self._jobs), default=None)
                self._changed.wait(None if soonest is None else soonest - now)

    def _work(self) -> None:
        while True:
            job = self._next()
            if job.work is None:
                return
            if not job.future.set_running_or_notify_cancel():
                continue
            try:
                job.future.set_result(job.work())
            except BaseException as exc:  # handed to the awaiting coroutine, as an executor does
                job.future.set_exception(exc)

    def stop(self) -> None:
        """Let queued work finish, then end the thread. The end is due no sooner than any job
        already queued, so pending acks cannot let it pass work still held for them."""
        start_by = time.monotonic() + ACKS_FIRST_WAIT
        self._put(_Job(LATER + 1, next(self._order), start_by, None, Future()))
        self._thread.join(timeout=10)
