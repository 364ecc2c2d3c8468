"""Prometheus metrics: what the core counts as it works, and the outbox read at scrape time.

Counters and the latency histogram live in prometheus-client's default registry, beside its
process and Python collectors, and are served by the web server's /metrics. The outbox's depth
and age are not counted as they change (several replicas share one outbox, and a process that
restarts would lose its count): they are read from the database when Prometheus scrapes, so
every replica reports the same, true, figures.

Latency is measured with ``time.perf_counter``, not the injected Clock: it times how long the
work took on this machine, which a test's manual clock cannot say and the behaviour never uses.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

from bot import outbox_ops, platforms
from bot.clock import Clock
from bot.store import Store

log = logging.getLogger(__name__)

#: Outbox statuses worth a gauge: the sent and cancelled only ever grow (see the counters).
GAUGED_STATUSES = ("pending", "sending", "dead")

EVENTS = Histogram(
    "inclusion_bot_event_duration_seconds",
    "Time Bot.handle took for one event (its _count is the events handled), by platform and "
    "event type.",
    ["platform", "kind"],
)
EVENT_FAILURES = Counter(
    "inclusion_bot_event_failures",
    "Events whose handling failed (rolled back; the person got an apology).",
    ["platform", "kind"],
)
SENDS = Counter(
    "inclusion_bot_outbox_sends",
    "Outbox deliveries by result: sent, retried, deferred (the bot's own rate limit), dead, "
    "cancelled (no longer wanted when its turn came).",
    ["platform", "result"],
)
RATE_LIMITED = Counter(
    "inclusion_bot_rate_limited_responses",
    "Sends a platform answered with 429 (rate limited).",
    ["platform"],
)


def platform_label(platform: str) -> str:
    """A registered platform's name; anything else is "other", so a stray value in a
    JSON-lines script cannot grow the number of time series without bound."""
    known = {p.name for p in platforms.registered()}
    return platform if platform in known else "other"


@contextmanager
def timed_event(platform: str, kind: str) -> Iterator[None]:
    """Observe how long the block took, whatever happens in it."""
    start = time.perf_counter()
    try:
        yield
    finally:
        EVENTS.labels(platform_label(platform), kind).observe(time.perf_counter() - start)


def event_failed(platform: str, kind: str) -> None:
    EVENT_FAILURES.labels(platform_label(platform), kind).inc()


def sent(platform: str, result: str, *, rate_limited: bool = False) -> None:
    SENDS.labels(platform_label(platform), result).inc()
    if rate_limited:
        RATE_LIMITED.labels(platform_label(platform)).inc()


class OutboxCollector:
    """The outbox's depth by status and platform, and the age of its oldest unsent message,
    queried when scraped. A database that does not answer gives ``inclusion_bot_database_up 0``
    and no outbox figures, rather than a failed scrape that would hide the process metrics."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "inclusion_bot_database_up", "1 if the database answered this scrape's queries."
        )
        try:
            with self.store.session() as session:
                counted = outbox_ops.counts(session, GAUGED_STATUSES)
                ages = outbox_ops.oldest_unsent_age(session, self.clock.now())
        except Exception as exc:
            log.warning("metrics: the database did not answer: %s", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        depth = GaugeMetricFamily(
            "inclusion_bot_outbox_messages",
            "Outbox messages not yet sent (pending, sending) and given up on (dead).",
            labels=["status", "platform"],
        )
        seen = {(status, platform): n for status, platform, n in counted}
        gauged = {p.name for p in platforms.registered() if p.gauged}
        labels = sorted({platform for _, platform in seen} | gauged)
        for status in GAUGED_STATUSES:
            for platform in labels:  # zeros too, so a drained queue reads 0, not absent
                depth.add_metric([status, platform], seen.get((status, platform), 0))
        yield depth
        age = GaugeMetricFamily(
            "inclusion_bot_outbox_oldest_unsent_age_seconds",
            "Seconds since the oldest message not yet sent was queued (0: nothing waiting).",
            labels=["platform"],
        )
        for platform in labels:
            age.add_metric([platform], ages.get(platform, 0.0))
        yield age


def exposition(store: Store, clock: Clock) -> bytes:
    """The /metrics body: the default registry, then the outbox read now from the database.
    (Sync: the web server calls it in a worker thread.)"""
    outbox = CollectorRegistry(auto_describe=False)
    outbox.register(OutboxCollector(store, clock))
    return generate_latest(REGISTRY) + generate_latest(outbox)
