"""The volunteers' tables: each person's offer of time, and what happened each Careers in Ideas
Week. (Shared tables and ``Base``: bot/store/models.py.)

Withdrawing deletes the offer and its years outright: nothing of an offer outlives it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, UTCDateTime


class VolunteerOffer(Base):
    """One person's offer: what they would do, how much time, where, and whether they agreed
    to be listed in the directory (``listed``; only then do searches and exports show it)."""

    __tablename__ = "volunteer_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    kinds: Mapped[list[str]] = mapped_column(JSON)
    time: Mapped[str] = mapped_column(String(16))
    regions: Mapped[list[str]] = mapped_column(JSON)
    about: Mapped[str] = mapped_column(String(300), default="")
    listed: Mapped[bool] = mapped_column(Boolean, index=True)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VolunteerYear(Base):
    """An offer's Careers in Ideas Week in one year: nudged before it, asked after it whether
    it happened, and the answer (``done``: "yes" or "no"; None until answered)."""

    __tablename__ = "volunteer_years"
    __table_args__ = (UniqueConstraint("offer_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_offers.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    nudged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done: Mapped[str | None] = mapped_column(String(8))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
