"""Designated handlers and escalation contacts, and who may see which case."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversation import Address
from bot.store.models import ReportCase, ReportHandler


def address(handler: ReportHandler) -> Address:
    return Address(platform=handler.platform, tenant=handler.tenant, id=handler.user_id)


def find(session: Session, who: Address) -> ReportHandler | None:
    return session.scalar(
        select(ReportHandler).where(
            ReportHandler.platform == who.platform,
            ReportHandler.tenant == who.tenant,
            ReportHandler.user_id == who.id,
        )
    )


def add(
    session: Session, who: Address, categories: list[str], escalation: bool, name: str
) -> ReportHandler:
    """Add or update a handler: categories accumulate, escalation and name follow the call."""
    handler = find(session, who)
    if handler is None:
        handler = ReportHandler(
            platform=who.platform,
            tenant=who.tenant,
            user_id=who.id,
            categories=[],
            escalation=False,
            name="",
        )
        session.add(handler)
    handler.categories = sorted(set(handler.categories) | set(categories))
    handler.escalation = handler.escalation or escalation
    handler.name = name or handler.name
    session.flush()
    return handler


def remove(session: Session, who: Address) -> bool:
    handler = find(session, who)
    if handler is None:
        return False
    session.delete(handler)
    return True


def everyone(session: Session) -> list[ReportHandler]:
    return list(session.scalars(select(ReportHandler).order_by(ReportHandler.id)))


def can_see(handler: ReportHandler, case: ReportCase) -> bool:
    """A case's category handlers and the escalation contacts, never one the reporter excluded."""
    if handler.id in case.excluded:
        return False
    return handler.escalation or case.category in handler.categories


def for_case(session: Session, case: ReportCase) -> list[ReportHandler]:
    """Who is told about a case: its category's handlers minus the excluded; if none remain,
    the escalation contacts (minus the excluded)."""
    everyone_ = everyone(session)
    chosen = [h for h in everyone_ if case.category in h.categories and h.id not in case.excluded]
    if chosen:
        return chosen
    return escalation_for(everyone_, case)


def escalation_for(handlers: list[ReportHandler], case: ReportCase) -> list[ReportHandler]:
    return [h for h in handlers if h.escalation and h.id not in case.excluded]
