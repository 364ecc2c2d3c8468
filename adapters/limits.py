"""One rate limiter for every platform's sends, on the bot's injected clock (tests move time
by hand; the outbox's clock, so a deferred row is due when the limiter has room again).

A platform counts sends in two scopes, an outer one (Slack's workspace, Teams' tenant) and an
inner one within it (a channel, a conversation), each with its own rule: a token bucket
(``TokenBuckets``: a burst, then so many a second) or sliding windows (``SlidingWindows``: at
most N in S seconds, for several pairs). When the platform answers 429 with Retry-After, the
whole outer scope is paused until then. The numbers are the platform's
(``adapters/<platform>/limits.py``); the counting is here, once.

The limiter never sleeps: it says how long until a send may go, and the outbox reschedules the
row (without using an attempt) and moves on. It counts in one process; several replicas each
keep their own counts, and each honours a 429 it receives.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock

#: Keys kept before quiet ones are forgotten (they count as nothing sent).
KEPT_KEYS = 10_000


class Rule(Protocol):
    """How one scope counts sends per key. Not thread-safe: the limiter locks around it."""

    def wait(self, key: str, now: datetime) -> float:
        """Seconds until ``key`` may send (0 if it may now). Records nothing."""
        ...

    def record(self, key: str, now: datetime) -> None:
        """Count a send for ``key``."""
        ...


class TokenBuckets:
    """A token bucket per key: ``burst`` tokens at most, refilled at ``rate`` a second."""

    def __init__(self, burst: float, rate: float) -> None:
        if burst < 1 or rate <= 0:
            raise ValueError("a token bucket needs a burst of at least 1 and a positive rate")
        self.burst = float(burst)
        self.rate = float(rate)
        #: key -> (tokens, when counted)
        self._buckets: dict[str, tuple[float, datetime]] = {}

    def wait(self, key: str, now: datetime) -> float:
        tokens = self._tokens(key, now)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def record(self, key: str, now: datetime) -> None:
        self._buckets[key] = (self._tokens(key, now) - 1, now)
        if len(self._buckets) > KEPT_KEYS:  # full buckets are the default: forget them
            for quiet in [k for k in self._buckets if self._tokens(k, now) >= self.burst]:
                del self._buckets[quiet]

    def _tokens(self, key: str, now: datetime) -> float:
        tokens, then = self._buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + max(_age(then, now), 0.0) * self.rate)


class SlidingWindows:
    """Per key, at most ``count`` sends in any ``seconds``, for each (count, seconds) given."""

    def __init__(self, windows: Sequence[tuple[int, float]]) -> None:
        self.windows = tuple(windows)
        self._longest = max(seconds for _, seconds in self.windows)
        self._most = max(count for count, _ in self.windows)
        self._sent: dict[str, deque[datetime]] = {}

    def wait(self, key: str, now: datetime) -> float:
        """The longest wait any full window imposes: until its oldest send leaves it."""
        sent = self._recent(key, now)
        wait = 0.0
        for count, seconds in self.windows:
            if len(sent) >= count and _age(sent[-count], now) < seconds:
                wait = max(wait, seconds - _age(sent[-count], now))
        return wait

    def record(self, key: str, now: datetime) -> None:
        self._recent(key, now).append(now)

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        sent = self._sent.setdefault(key, deque(maxlen=self._most))
        while sent and _age(sent[0], now) >= self._longest:
            sent.popleft()
        if len(self._sent) > KEPT_KEYS:  # forget quiet keys now and then
            for quiet in [
                k for k, v in self._sent.items() if not v or _age(v[-1], now) >= self._longest
            ]:
                del self._sent[quiet]
        return sent


def _age(instant: datetime, now: datetime) -> float:
    return (now - instant).total_seconds()


class RateLimiter:
    """Sends counted in an outer scope (optional rule) and an inner one, with the outer
    scope's pause after a 429. Thread-safe: the outbox's sender and the adapter's replies
    count from different threads."""

    def __init__(self, clock: Clock, inner: Rule, outer: Rule | None = None) -> None:
        self.clock = clock
        self.inner = inner
        self.outer = outer
        #: outer key -> the instant until which the platform asked us to wait
        self._paused: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def take(self, outer: str, inner: str) -> float:
        """0 and a send counted in both scopes, or the seconds to wait (nothing counted)."""
        now = self.clock.now()
        key = f"{outer}/{inner}"  # the same channel id in two workspaces is two channels
        with self._lock:
            wait = max(
                self._pause_left(outer, now),
                self.inner.wait(key, now),
                self.outer.wait(outer, now) if self.outer else 0.0,
            )
            if wait > 0:
                return wait
            self._paused.pop(outer, None)
            self.inner.record(key, now)
            if self.outer:
                self.outer.record(outer, now)
            return 0.0

    def note(self, outer: str, inner: str) -> None:
        """Count a send that happened anyway (a reply in a conversation), so later sends
        see the load."""
        now = self.clock.now()
        with self._lock:
            self.inner.record(f"{outer}/{inner}", now)
            if self.outer:
                self.outer.record(outer, now)

    def pacing(self, outer: str) -> float:
        """Seconds until the outer scope's rule has room (0 if it has, or there is none): a
        wait every send in that scope shares. Counts nothing."""
        if self.outer is None:
            return 0.0
        now = self.clock.now()
        with self._lock:
            return self.outer.wait(outer, now)

    def pause(self, outer: str, seconds: float) -> None:
        """The platform answered 429 with Retry-After ``seconds``: hold the whole scope."""
        until = self.clock.now() + timedelta(seconds=max(seconds, 0.0))
        with self._lock:  # a shorter Retry-After does not cut a pause short
            self._paused[outer] = max(self._paused.get(outer, until), until)

    def paused_for(self, outer: str) -> float:
        """Seconds the scope is still paused for (0 if it is not)."""
        now = self.clock.now()
        with self._lock:
            return self._pause_left(outer, now)

    def _pause_left(self, outer: str, now: datetime) -> float:
        until = self._paused.get(outer)
        return max(0.0, _age(now, until)) if until is not None else 0.0
