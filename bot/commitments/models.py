"""The organisation packs' tables: adoptions, the adopted actions (with their owners, due dates
and edit history), the statuses given, and the owners' check-ins. (Shared tables and ``Base``:
bot/store/models.py.)"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.store.models import Base, Person, UTCDateTime


class Adoption(Base):
    """A pack an organisation (a platform's workspace or tenant) has adopted: once each."""

    __tablename__ = "pack_adoptions"
    __table_args__ = (UniqueConstraint("platform", "tenant", "pack_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    tenant: Mapped[str] = mapped_column(String(128), default="")
    pack_id: Mapped[str] = mapped_column(String(40))
    adopted_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    adopted_at: Mapped[datetime] = mapped_column(UTCDateTime())

    actions: Mapped[list[AdoptedAction]] = relationship(
        back_populates="adoption", order_by="AdoptedAction.id"
    )


class AdoptedAction(Base):
    """One of a pack's actions an organisation took on, with its owner and due date (once
    assigned). Dropping an action sets ``active`` false: its history stays."""

    __tablename__ = "adopted_actions"
    __table_args__ = (
        UniqueConstraint("adoption_id", "action_id"),
        Index("ix_adopted_actions_owner", "owner_id", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    adoption_id: Mapped[int] = mapped_column(ForeignKey("pack_adoptions.id"))
    action_id: Mapped[str] = mapped_column(String(20))  # the pack's id for the action
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    due_on: Mapped[date | None] = mapped_column(Date())
    quick_win: Mapped[bool] = mapped_column(Boolean, default=False)
    next_steps: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The first day of the pack's cadence period it was last asked about (monthly: the 1st).
    asked_period: Mapped[date | None] = mapped_column(Date())
    #: The due date the admins were last told had passed, so they are told once per due date.
    overdue_told_on: Mapped[date | None] = mapped_column(Date())

    adoption: Mapped[Adoption] = relationship(back_populates="actions")
    owner: Mapped[Person | None] = relationship()


class ActionChange(Base):
    """An adopted action as it was set at one moment: every assignment and edit adds a row,
    so who owned it and when it was due stays on record."""

    __tablename__ = "adopted_action_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    adopted_action_id: Mapped[int] = mapped_column(ForeignKey("adopted_actions.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    due_on: Mapped[date | None] = mapped_column(Date())
    quick_win: Mapped[bool] = mapped_column(Boolean, default=False)
    next_steps: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class OwnerCheckin(Base):
    """One owner's check-in in one week, covering everything they own across packs: unique per
    (person, week), so nobody is asked twice in a week."""

    __tablename__ = "owner_checkins"
    __table_args__ = (UniqueConstraint("person_id", "week_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    week_of: Mapped[date] = mapped_column(Date())  # the Monday of the week
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))  # open, answered
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The feature whose weekly check-in carries it (the pledge, for a leader), or "" when it
    #: is a message of its own.
    host: Mapped[str] = mapped_column(String(32), default="")


class OwnerCheckinItem(Base):
    """An adopted action an owner's check-in asks about (fixed when it is queued)."""

    __tablename__ = "owner_checkin_items"
    __table_args__ = (UniqueConstraint("checkin_id", "adopted_action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("owner_checkins.id"), index=True)
    adopted_action_id: Mapped[int] = mapped_column(ForeignKey("adopted_actions.id"))


class ActionUpdate(Base):
    """A status (on the pack's scale) and optional note given for an adopted action; a change
    adds a row, so the latest is the status and the rest is its history."""

    __tablename__ = "adopted_action_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    adopted_action_id: Mapped[int] = mapped_column(ForeignKey("adopted_actions.id"), index=True)
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("owner_checkins.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
