"""Refusing a replayed form: a submission whose form instance was already submitted.

A platform's signed request can be sent again by whoever captured it (Slack accepts a
signature for 5 minutes), and a retried delivery looks the same. For a report that would file
a second case, for a follow-up a second copy of the answer. The platform's id for the form
instance (``FormEvent.instance``) is remembered as a SHA-256 digest with the date only, tied to
no case; rows older than a day are deleted by the tick (``forget``).
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.conversation import FormEvent
from bot.reports.models import SubmittedForm

ALREADY = "This form was already sent, and was received once: nothing more was filed."
#: How long an instance is remembered: longer than any platform accepts a replayed request.
KEPT = timedelta(days=1)


def _digest(event: FormEvent) -> str:
    return hashlib.sha256(
        f"{event.actor.platform}\0{event.form_id}\0{event.instance}".encode()
    ).hexdigest()


def seen(session: Session, event: FormEvent) -> bool:
    """True if this form instance was already submitted (never for a form without an id)."""
    if not event.instance:
        return False
    return bool(
        session.scalar(select(SubmittedForm.id).where(SubmittedForm.digest == _digest(event)))
    )


def remember(session: Session, event: FormEvent, today: date) -> None:
    """Remember this instance, in the transaction that stores what it did: if that fails,
    the instance can be submitted again. Two copies at once: the second one's transaction
    fails on the unique digest and stores nothing."""
    if event.instance:
        session.add(SubmittedForm(digest=_digest(event), seen_on=today))
        session.flush()


def forget(session: Session, today: date) -> None:
    session.execute(delete(SubmittedForm).where(SubmittedForm.seen_on < today - KEPT))
