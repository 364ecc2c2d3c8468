"""Awareness dates' tables: channels' subscriptions and admins' overrides of a post. (Shared tables
and ``Base``: bot/store/models.py.)"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, UTCDateTime


class AwarenessSubscription(Base):
    """A channel's awareness posts: which regions and categories, when, in which time zone.

    ``next_check_at`` is the next instant anything could be due for the channel, so a quiet
    tick skips every channel with one index probe.
    """

    __tablename__ = "awareness_subscriptions"
    __table_args__ = (UniqueConstraint("platform", "tenant", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    tenant: Mapped[str] = mapped_column(String(128), default="")
    channel_id: Mapped[str] = mapped_column(String(128))
    regions: Mapped[list[str]] = mapped_column(JSON)
    #: Categories by region ({"us": ["lgbt"]}); a region not in it gets every category.
    categories: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    timezone: Mapped[str] = mapped_column(String(64))
    post_time: Mapped[str] = mapped_column(String(5))  # HH:MM local
    heads_up_days: Mapped[int] = mapped_column(Integer)
    weekend_shift: Mapped[bool] = mapped_column(Boolean)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class AwarenessOverride(Base):
    """An admin's decision about one post in one workspace: don't send it, or send this text."""

    __tablename__ = "awareness_overrides"
    __table_args__ = (UniqueConstraint("platform", "tenant", "occurrence", "post"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    tenant: Mapped[str] = mapped_column(String(128), default="")
    occurrence: Mapped[str] = mapped_column(String(120))  # entry id:start date
    post: Mapped[str] = mapped_column(String(16))  # heads-up, day
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(300))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OrganiserDecision(Base):
    """An admin's answer about one year of a date its organisers set (Careers in Ideas Week):
    confirmed (with the dates, as shipped or changed) or not this year. Who and when, for the
    record. Without a row the date stays unconfirmed and is never posted."""

    __tablename__ = "organiser_decisions"

    entry_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # confirmed, not_this_year
    start: Mapped[date] = mapped_column(Date())
    end: Mapped[date] = mapped_column(Date())
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
