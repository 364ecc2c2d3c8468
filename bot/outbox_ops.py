"""What operators and monitoring ask of the outbox: how full it is, what died, and retrying.

Kept apart from the Dispatcher (bot/outbox.py), which sends: these are read-mostly queries
shared by ``inclusion-bot outbox status|retry`` and the /metrics gauges, so both count alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.store.models import OutboxMessage

#: Rows still to be sent: waiting for their turn, or claimed under a lease.
UNSENT = ("pending", "sending")


@dataclass(frozen=True)
class Dead:
    """A dead row as operators see it (never its payload: that is people's words)."""

    key: str
    destination: str
    attempts: int
    last_error: str | None


def counts(session: Session, statuses: Sequence[str] | None = None) -> list[tuple[str, str, int]]:
    """(status, platform, rows), sorted. ``statuses`` narrows it: /metrics asks only for the
    unsent and the dead, which the (status, next_attempt_at) index answers without reading the
    ever-growing sent rows."""
    query = select(OutboxMessage.status, OutboxMessage.platform, func.count()).group_by(
        OutboxMessage.status, OutboxMessage.platform
    )
    if statuses is not None:
        query = query.where(OutboxMessage.status.in_(list(statuses)))
    return sorted((status, platform, int(n)) for status, platform, n in session.execute(query))


def oldest_unsent_age(session: Session, now: datetime) -> dict[str, float]:
    """Per platform, seconds since the oldest row not yet sent was queued. A growing age means
    a platform is not keeping up (or not served by any running process)."""
    query = (
        select(OutboxMessage.platform, func.min(OutboxMessage.created_at))
        .where(OutboxMessage.status.in_(UNSENT))
        .group_by(OutboxMessage.platform)
    )
    ages: dict[str, float] = {}
    for platform, oldest in session.execute(query):
        if oldest is not None:
            ages[platform] = max(0.0, (now - _aware(oldest)).total_seconds())
    return ages


def recent_dead(session: Session, limit: int = 10) -> list[Dead]:
    """The last ``limit`` dead rows, most recently tried first (a claim sets next_attempt_at
    to the end of its lease, and a dead row keeps that)."""
    rows = session.execute(
        select(
            OutboxMessage.idempotency_key,
            OutboxMessage.destination,
            OutboxMessage.attempts,
            OutboxMessage.last_error,
        )
        .where(OutboxMessage.status == "dead")
        .order_by(OutboxMessage.next_attempt_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return [Dead(key, destination, attempts, error) for key, destination, attempts, error in rows]


def status_of(session: Session, key: str) -> str | None:
    """The status of the row with idempotency key ``key``, or None if there is none."""
    return session.scalar(select(OutboxMessage.status).where(OutboxMessage.idempotency_key == key))


def retry_dead(session: Session, now: datetime, key: str | None = None) -> int:
    """Put dead rows (all, or the one with ``key``) back to pending, due now, with their
    attempts reset so they get the full number again. Returns how many. The last error stays
    until the next attempt replaces it, so ``status`` still says why it died."""
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.status == "dead")
        .values(status="pending", attempts=0, next_attempt_at=now)
    )
    if key is not None:
        statement = statement.where(OutboxMessage.idempotency_key == key)
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def _aware(instant: datetime) -> datetime:
    """Stored datetimes are naive UTC; should an aggregate come back naive, say so."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)
