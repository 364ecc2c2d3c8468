"""Designated handlers and escalation contacts, and who may see which case.

A handler is never deleted, only deactivated: cases, messages and the audit log point at
handler rows (a delete failed on those foreign keys), and an inactive handler is invisible
here, so a removed handler sees and is told nothing more. Exclusions are by address, so a
handler removed and re-added is still left out of the cases that left them out.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, time

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.conversation import Address
from bot.reports.models import ReportCase, ReportHandler


def address(handler: ReportHandler) -> Address:
    return Address(platform=handler.platform, tenant=handler.tenant, id=handler.user_id)


def key(handler: ReportHandler) -> str:
    """How a case's exclusions name a handler: the address, stable across remove and re-add."""
    return str(address(handler))


def _row(session: Session, who: Address) -> ReportHandler | None:
    return session.scalar(
        select(ReportHandler).where(
            ReportHandler.platform == who.platform,
            ReportHandler.tenant == who.tenant,
            ReportHandler.user_id == who.id,
        )
    )


def find(session: Session, who: Address) -> ReportHandler | None:
    """The active handler at ``who``, if any."""
    handler = _row(session, who)
    return handler if handler is not None and handler.active else None


def add(
    session: Session, who: Address, categories: list[str], escalation: bool, name: str
) -> ReportHandler:
    """Add or update a handler: categories accumulate, escalation and name follow the call.
    A removed handler added again starts afresh with what this call gives."""
    handler = _row(session, who)
    if handler is None:
        handler = ReportHandler(
            platform=who.platform,
            tenant=who.tenant,
            user_id=who.id,
            name="",
            categories=[],
            escalation=False,
            active=True,
        )
        session.add(handler)
    if not handler.active:
        handler.categories, handler.escalation, handler.active = [], False, True
    handler.categories = sorted(set(handler.categories) | set(categories))
    handler.escalation = handler.escalation or escalation
    handler.name = name or handler.name
    session.flush()
    return handler


def remove(session: Session, who: Address) -> bool:
    """Deactivate ``who``; False if they were not an active handler."""
    handler = find(session, who)
    if handler is None:
        return False
    handler.active = False
    session.execute(
        update(ReportCase).where(ReportCase.assignee_id == handler.id).values(assignee_id=None)
    )
    session.flush()
    return True


def orphan(session: Session) -> int:
    """Open cases that, after a removal, nobody active can see any more: they go back to
    "not yet alerted" and due, so the first handler added for them is told at the next tick
    (as of a new report, dated by the day it arrived) instead of never. Returns how many."""
    count = 0
    handlers = everyone(session)
    for case in session.scalars(
        select(ReportCase).where(ReportCase.closed_on.is_(None), ReportCase.alerted)
    ):
        if not chosen(handlers, case.category, case.excluded):
            # The day it arrived, at midnight UTC: already past, and saying no more than the
            # date handlers are shown anyway.
            case.alert_at = datetime.combine(case.received_on, time(0), tzinfo=UTC)
            case.alerted = False
            count += 1
    session.flush()
    return count


def everyone(session: Session) -> list[ReportHandler]:
    """The active handlers."""
    return list(
        session.scalars(
            select(ReportHandler).where(ReportHandler.active).order_by(ReportHandler.id)
        )
    )


def can_see(handler: ReportHandler, case: ReportCase) -> bool:
    """A case's category handlers and the escalation contacts, never one the reporter excluded
    nor one removed."""
    if not handler.active or key(handler) in case.excluded:
        return False
    return handler.escalation or case.category in handler.categories


def chosen(
    handlers: list[ReportHandler], category: str, excluded: list[str]
) -> list[ReportHandler]:
    """Who is told of a report of ``category`` leaving out ``excluded``: its category's
    handlers, else the escalation contacts. The one rule for filing, alerts and orphans."""
    picked = [h for h in handlers if category in h.categories and key(h) not in excluded]
    return picked or [h for h in handlers if h.escalation and key(h) not in excluded]


def receivers(handlers: list[ReportHandler], category: str, excluded: list[str]) -> list[str]:
    """The addresses ``chosen`` would tell."""
    return [key(h) for h in chosen(handlers, category, excluded)]


def for_case(session: Session, case: ReportCase) -> list[ReportHandler]:
    """Who is told about a case: its category's handlers minus the excluded; if none remain,
    the escalation contacts (minus the excluded)."""
    return chosen(everyone(session), case.category, case.excluded)


def escalation_for(handlers: list[ReportHandler], case: ReportCase) -> list[ReportHandler]:
    return [h for h in handlers if h.escalation and key(h) not in case.excluded]


def reachable(session: Session, platforms: Collection[str]) -> list[ReportHandler]:
    """The active handlers on ``platforms``: those the deployment can actually tell."""
    return [h for h in everyone(session) if h.platform in platforms]


def uncovered(session: Session, categories: list[str], platforms: Collection[str]) -> list[str]:
    """The categories nobody would receive a report of: no active handler and no escalation
    contact on a platform this deployment serves. ``/report`` does not offer them (and is
    refused when that is all of them)."""
    handlers = reachable(session, platforms)
    return [c for c in categories if not receivers(handlers, c, [])]
