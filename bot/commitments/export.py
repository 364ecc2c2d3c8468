"""The organisation packs' part of ``inclusion-bot export checkins``: one row per status
given, in the pledge export's columns (the owner stands where the leader does)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.commitments.models import ActionUpdate, AdoptedAction, Adoption, OwnerCheckin
from bot.commitments.periods import monday
from bot.packs.content import Packs
from bot.store.models import Person


def export_rows(
    session: Session, packs: Packs, pack_id: str | None = None
) -> Iterator[dict[str, str | int]]:
    """Oldest first; only ``pack_id``'s when given. A pack no longer loaded still exports its
    history, with the action's id for its words."""
    query = (
        select(
            Adoption.pack_id,
            AdoptedAction.action_id,
            Person.display_name,
            Person.user_id,
            OwnerCheckin.week_of,
            ActionUpdate.status,
            ActionUpdate.note,
            ActionUpdate.answered_at,
        )
        .join(AdoptedAction, AdoptedAction.id == ActionUpdate.adopted_action_id)
        .join(Adoption, Adoption.id == AdoptedAction.adoption_id)
        .join(Person, Person.id == ActionUpdate.person_id)
        .outerjoin(OwnerCheckin, OwnerCheckin.id == ActionUpdate.checkin_id)
        .order_by(ActionUpdate.id)
        .execution_options(yield_per=1000)
    )
    if pack_id is not None:
        query = query.where(Adoption.pack_id == pack_id)
    for row in session.execute(query):
        pack = packs.get(row.pack_id)
        found = pack.action(row.action_id) if pack else None
        week = row.week_of or monday(row.answered_at.date())
        yield {
            "pack": row.pack_id,
            "leader": row.display_name or row.user_id,
            "commitment": found[0].number if found else 0,
            "step": found[1].text if found else row.action_id,
            "week": week.isoformat(),
            "status": row.status,
            "note": row.note,
            "answered_at": row.answered_at.isoformat(),
        }
