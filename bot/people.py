"""People the bot knows by platform identity, and the admin (D&I lead) role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.conversation import Actor, Address
from bot.store.models import Admin, Person
from bot.text import NAME_LIMIT, clean


def find_person(session: Session, actor: Actor) -> Person | None:
    return session.scalar(
        select(Person).where(
            Person.platform == actor.platform,
            Person.tenant == actor.tenant,
            Person.user_id == actor.user_id,
        )
    )


def person_for(session: Session, actor: Actor) -> Person:
    """The Person for ``actor``, created on first meeting; the display name follows the platform."""
    name = clean(actor.display_name)[:NAME_LIMIT]
    person = find_person(session, actor)
    if person is None:
        person = Person(
            platform=actor.platform, tenant=actor.tenant, user_id=actor.user_id, display_name=name
        )
        session.add(person)
        session.flush()
    elif name and person.display_name != name:
        person.display_name = name
    return person


def address_of(person: Person) -> Address:
    return Address(platform=person.platform, tenant=person.tenant, kind="user", id=person.user_id)


def is_admin(session: Session, settings: Settings, who: Address) -> bool:
    """Admins come from the ADMINS setting or from ``inclusion-bot admins add``."""
    if str(who) in settings.admins:
        return True
    return (
        session.scalar(
            select(Admin.id).where(
                Admin.platform == who.platform,
                Admin.tenant == who.tenant,
                Admin.user_id == who.id,
            )
        )
        is not None
    )


def add_admin(session: Session, who: Address, now: datetime) -> bool:
    """Grant the admin role; False if it was already granted."""
    exists = session.scalar(
        select(Admin.id).where(
            Admin.platform == who.platform, Admin.tenant == who.tenant, Admin.user_id == who.id
        )
    )
    if exists is not None:
        return False
    session.add(Admin(platform=who.platform, tenant=who.tenant, user_id=who.id, added_at=now))
    return True


def remove_admin(session: Session, who: Address) -> bool:
    result = session.execute(
        delete(Admin).where(
            Admin.platform == who.platform, Admin.tenant == who.tenant, Admin.user_id == who.id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def list_admins(session: Session, settings: Settings) -> list[tuple[str, str]]:
    """(address, source) for every admin, source being "setting" or "store"."""
    stored = session.scalars(select(Admin).order_by(Admin.id)).all()
    rows = [(address, "ADMINS setting") for address in settings.admins]
    rows += [
        (str(Address(platform=a.platform, tenant=a.tenant, kind="user", id=a.user_id)), "store")
        for a in stored
    ]
    return rows
