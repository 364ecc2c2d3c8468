"""The pledge's tables: leaders, their steps, weekly check-ins, the statuses given, and the
questions already answered. (Shared tables and ``Base``: bot/store/models.py.)"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.store.models import Base, Person, UTCDateTime


class Leader(Base):
    """A signed pledge and its weekly schedule. ``next_checkin_at`` makes a quiet tick cheap."""

    __tablename__ = "leaders"
    __table_args__ = (Index("ix_leaders_due", "status", "next_checkin_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16))  # active, paused, left
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    local_time: Mapped[str] = mapped_column(String(5))  # HH:MM
    timezone: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    away_until: Mapped[date | None] = mapped_column(Date())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_checkin_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Where they work, for public holidays (bot/pledge/workdays.py): an ISO country code and
    #: optional subdivision. None (leaders from before it was asked): from the time zone.
    country: Mapped[str | None] = mapped_column(String(3))
    subdivision: Mapped[str | None] = mapped_column(String(8))
    #: Lines in check-ins about awareness dates coming up that a step relates to (related.py).
    related_dates: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    person: Mapped[Person] = relationship()
    steps: Mapped[list[Step]] = relationship(back_populates="leader", order_by="Step.id")


class Step(Base):
    """A practical step a leader chose. Edits retire steps, never delete them: history stays."""

    __tablename__ = "steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("leaders.id"), index=True)
    commitment: Mapped[int] = mapped_column(Integer)
    suggestion_id: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    leader: Mapped[Leader] = relationship(back_populates="steps")


class Checkin(Base):
    """One weekly check-in. Unique per (leader, week): the database refuses a second one."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("leader_id", "week_of"),
        Index("ix_checkins_reminder_due", "next_reminder_at"),
        #: The dashboard's overview counts the last weeks' check-ins from this index alone.
        Index("ix_checkins_week_of", "week_of", "status", "leader_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("leaders.id"))
    week_of: Mapped[date] = mapped_column(Date())  # the local date it was due
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))  # open, answered, skipped, away, missed
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StepUpdate(Base):
    """A status (and optional note) given for one step in one check-in; a change adds a row."""

    __tablename__ = "step_updates"
    #: The dashboard's overview counts the last weeks' answers from this index (and steps).
    __table_args__ = (Index("ix_step_updates_answered_at", "answered_at", "step_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("steps.id"), index=True)
    status: Mapped[str] = mapped_column(
        String(16)
    )  # done, ongoing, progressing, stuck, not_started
    note: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AnsweredQuestion(Base):
    """A one-time question whose buttons have been answered ("Leave the pledge?").

    The buttons carry the question's random token. Answering records it here, once (the
    primary key decides a race); a second press, a double click or the other button of the
    same message finds it and does nothing. Rows are deleted once their question has expired.
    """

    __tablename__ = "answered_questions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ClosureDay(Base):
    """A day the organisation is closed, added by an admin (the file's are CONTENT_DIR's
    closures.yaml): no check-in or reminder lands on it. Who added it, for the record."""

    __tablename__ = "closure_days"

    day: Mapped[date] = mapped_column(Date(), primary_key=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
