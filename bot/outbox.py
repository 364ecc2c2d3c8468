"""The durable outbox: every message the bot sends on its own initiative, and its dispatcher.

A feature queues an Outgoing with an idempotency key (``checkin:42:2027-03-08``); the unique
key makes queueing the same thing twice a no-op. The dispatcher claims due rows, hands each to
the Sender for its platform, and records the result on the row: sent, retried later with
exponential backoff and jitter, or dead after the configured number of attempts. A claim is a
lease (the row's next attempt is pushed past the send), so a process that dies mid-send leaves a
row that another drain picks up once the lease expires: at most that one message is repeated.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import metrics
from bot.clock import Clock
from bot.conversation import Address, Message
from bot.store import Store
from bot.store.models import OutboxMessage
from bot.store.upsert import insert_new

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


Renderer = Callable[[Session, dict[str, Any]], Message | None]


@dataclass(frozen=True)
class Outgoing:
    """A message to queue: either ready (``message``) or rendered when its turn comes
    (``render`` names a Renderer, ``args`` are its arguments).

    Rendering late keeps the Monday peak cheap (a row is a few bytes, not a whole check-in),
    shows the state at the moment of sending, and lets a renderer return None when the message
    is no longer wanted (a reminder for a check-in answered meanwhile): the row is cancelled.
    """

    key: str
    destination: Address
    message: Message | None = None
    render: str | None = None
    args: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        if self.message is not None:
            return {"message": self.message.model_dump(mode="json")}
        assert self.render is not None, "an Outgoing needs a message or a renderer"
        return {"render": self.render, "args": self.args}


def queue(session: Session, items: Iterable[Outgoing], now: datetime) -> int:
    """Queue messages in the caller's transaction; return how many were new (not duplicates)."""
    rows = [
        {
            "idempotency_key": item.key,
            "platform": item.destination.platform,
            "destination": str(item.destination),
            "payload": item.payload(),
            "status": "pending",
            "created_at": now,
            "next_attempt_at": now,
            "attempts": 0,
        }
        for item in items
    ]
    return len(insert_new(session, OutboxMessage, rows, ["idempotency_key"]))


@dataclass(frozen=True)
class SendResult:
    """What a Sender reports: sent, or not (with whether to retry and when)."""

    ok: bool
    retry: bool = False
    retry_after: float | None = None
    error: str | None = None
    #: Not sent because the bot's own rate limiter said wait: not a failed attempt.
    deferred: bool = False
    #: The platform answered "slow down" (HTTP 429, Slack's ``ratelimited``): set by the
    #: sender, which knows its platform's answer, never read from the error's words.
    rate_limited: bool = False
    #: The sender has told the admins itself (Teams: "the app is not installed for them"),
    #: so a dead letter raises no second, vaguer alert.
    admins_told: bool = False

    @classmethod
    def sent(cls) -> SendResult:
        return cls(ok=True)

    @classmethod
    def later(
        cls, error: str, retry_after: float | None = None, *, rate_limited: bool = False
    ) -> SendResult:
        return cls(
            ok=False, retry=True, retry_after=retry_after, error=error, rate_limited=rate_limited
        )

    @classmethod
    def defer(cls, reason: str, retry_after: float) -> SendResult:
        """Hold back by the bot's own rate limiting: retried then, without using an attempt."""
        return cls(ok=False, retry=True, retry_after=retry_after, error=reason, deferred=True)

    @classmethod
    def failed(cls, error: str, *, admins_told: bool = False) -> SendResult:
        return cls(ok=False, retry=False, error=error, admins_told=admins_told)


class Sender(Protocol):
    """An adapter's way of delivering a neutral message to an address on its platform."""

    def send(self, destination: Address, message: Message) -> SendResult: ...


@dataclass
class DrainReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)
    #: Claimed but not sent because the process is stopping: they keep their lease and are
    #: sent, by any replica, when it ends.
    left_leased: int = 0


@dataclass(frozen=True)
class DeadLetter:
    """A row the dispatcher has just given up on: what an alert to admins may name."""

    id: int
    key: str
    destination: Address
    attempts: int
    error: str | None
    #: The message's ``ref``: alerts are recognised by it, so none is alerted about.
    ref: str | None
    #: The sender already told the admins why (SendResult.admins_told).
    admins_told: bool = False


#: Called in the transaction that marks a row dead (bot.deadletters.alert_admins).
DeadHook = Callable[[Session, DeadLetter, datetime], object]


@dataclass(frozen=True)
class _Claimed:
    id: int
    key: str
    destination: Address
    message: Message
    attempts: int


class Dispatcher:
    """Drains the outbox through the Senders of the platforms this process serves."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        senders: Mapping[str, Sender],
        *,
        max_attempts: int = 8,
        rng: random.Random | None = None,
        renderers: Mapping[str, Renderer] | None = None,
        on_dead: DeadHook | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        self.store = store
        self.clock = clock
        self.senders = senders
        self.max_attempts = max_attempts
        self.rng = rng or random.Random()
        self.renderers = renderers or {}
        self.on_dead = on_dead
        #: How long a claimed row is held: after that, a process that died mid-send has its
        #: rows picked up by another drain.
        self.lease = lease

    def claim(self, limit: int = 100) -> list[_Claimed]:
        """Take up to ``limit`` due rows under a lease. SKIP LOCKED lets replicas share the work."""
        return self._claim(limit, DrainReport())[0]

    def _claim(self, limit: int, report: DrainReport) -> tuple[list[_Claimed], int]:
        """(the rows claimed and rendered, how many due rows were looked at)."""
        now = self.clock.now()
        with self.store.session() as session:
            rows = session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.status.in_(("pending", "sending")),
                    OutboxMessage.next_attempt_at <= now,
                    OutboxMessage.platform.in_(list(self.senders)),
                )
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            claimed = []
            for row in rows:
                row.attempts += 1
                try:
                    message = self._message(session, row.payload)
                except Exception as exc:  # a renderer bug must not lose the message either
                    log.exception("rendering outbox message %s failed", row.id)
                    row.status = "pending"
                    row.next_attempt_at = now + self._backoff(row.attempts, None)
                    row.last_error = f"rendering failed: {type(exc).__name__}"
                    report.retried += 1
                    metrics.sent(row.platform, "retried")
                    continue
                if message is None:
                    row.status = "cancelled"
                    row.last_error = "no longer needed when its turn came"
                    report.cancelled += 1
                    metrics.sent(row.platform, "cancelled")
                    continue
                row.status = "sending"
                row.next_attempt_at = now + self.lease
                claimed.append(
                    _Claimed(
                        row.id,
                        row.idempotency_key,
                        Address.parse(row.destination),
                        message,
                        row.attempts,
                    )
                )
            return claimed, len(rows)

    def _message(self, session: Session, payload: dict[str, Any]) -> Message | None:
        if "message" in payload:
            return Message.model_validate(payload["message"])
        return self.renderers[payload["render"]](session, payload.get("args", {}))

    def drain(self, batch: int = 100, stop: threading.Event | None = None) -> DrainReport:
        """Send everything due now; return what happened. Safe to call from several processes.

        Once ``stop`` is set (the process is shutting down) nothing more is claimed and the
        drain returns after the send in flight; rows claimed but not sent keep their lease.
        """
        report = DrainReport()
        while not (stop and stop.is_set()):
            claimed, seen = self._claim(batch, report)
            if not seen:
                return report
            for done, item in enumerate(claimed):
                if stop and stop.is_set():
                    report.left_leased += len(claimed) - done
                    break
                self._deliver(item, report)
        return report

    def _deliver(self, item: _Claimed, report: DrainReport) -> None:
        sender = self.senders[item.destination.platform]
        try:
            result = sender.send(item.destination, item.message)
        except Exception as exc:  # a sender bug must not lose the message: retry it
            log.exception("sender for %s raised", item.destination.platform)
            result = SendResult.later(f"{type(exc).__name__}: {exc}")
        now = self.clock.now()
        values: dict[str, object]
        dead: DeadLetter | None = None
        outcome = "retried"
        if result.ok:
            values = {"status": "sent", "sent_at": now, "last_error": None}
            report.sent += 1
            outcome = "sent"
        elif result.deferred:
            values = {
                "status": "pending",
                "attempts": item.attempts - 1,
                "next_attempt_at": now + timedelta(seconds=max(result.retry_after or 0, 0.05)),
                "last_error": result.error,
            }
            report.retried += 1
            outcome = "deferred"
        elif result.retry and item.attempts < self.max_attempts:
            values = {
                "status": "pending",
                "next_attempt_at": now + self._backoff(item.attempts, result.retry_after),
                "last_error": result.error,
            }
            report.retried += 1
        else:
            values = {"status": "dead", "last_error": result.error}
            report.dead += 1
            outcome = "dead"
            report.errors.append(f"{item.destination}: {result.error}")
            log.error(
                "outbox message %s is dead after %d attempts: %s",
                item.id,
                item.attempts,
                result.error,
            )
            dead = DeadLetter(
                item.id,
                item.key,
                item.destination,
                item.attempts,
                result.error,
                item.message.ref,
                result.admins_told,
            )
        metrics.sent(item.destination.platform, outcome, rate_limited=result.rate_limited)
        with self.store.session() as session:
            session.execute(update(OutboxMessage).where(OutboxMessage.id == item.id).values(values))
            if dead is not None and self.on_dead is not None:
                self._tell_about(session, dead, now)

    def _tell_about(self, session: Session, dead: DeadLetter, now: datetime) -> None:
        """Run the dead-letter hook in a savepoint: a bug there must not undo marking the row
        dead (it would be sent, and fail, again and again)."""
        assert self.on_dead is not None
        try:
            with session.begin_nested():
                self.on_dead(session, dead, now)
        except Exception:
            log.exception("alerting admins about dead outbox message %s failed", dead.id)

    def _backoff(self, attempts: int, retry_after: float | None) -> timedelta:
        """Retry-After when the platform gave one, else exponential backoff with full jitter."""
        if retry_after is not None:
            return timedelta(seconds=max(retry_after, 1.0))
        ceiling = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)
        return timedelta(seconds=max(1.0, self.rng.uniform(0, ceiling.total_seconds())))
