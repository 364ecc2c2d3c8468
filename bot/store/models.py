"""The tables. Every datetime is stored as naive UTC and read back as aware UTC (UTCDateTime),
because SQLite has no time zone type and a mix of naive and aware values is a classic bug."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Person(Base):
    """Someone the bot knows by platform identity: a leader or an admin (never a reporter)."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("platform", "tenant", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    tenant: Mapped[str] = mapped_column(String(128), default="")
    user_id: Mapped[str] = mapped_column(String(128))
    display_name: Mapped[str] = mapped_column(String(200), default="")

    leader: Mapped[Leader | None] = relationship(back_populates="person")


class Admin(Base):
    """A D&I lead granted the admin role in the store (the ADMINS setting grants it too)."""

    __tablename__ = "admins"
    __table_args__ = (UniqueConstraint("platform", "tenant", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    tenant: Mapped[str] = mapped_column(String(128), default="")
    user_id: Mapped[str] = mapped_column(String(128))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


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

    person: Mapped[Person] = relationship(back_populates="leader")
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

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("steps.id"), index=True)
    status: Mapped[str] = mapped_column(
        String(16)
    )  # done, ongoing, progressing, stuck, not_started
    note: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxMessage(Base):
    """A message the bot sends on its own initiative: durable, keyed, retried, never dropped."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_ready", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    platform: Mapped[str] = mapped_column(String(32))
    destination: Mapped[str] = mapped_column(String(300))  # an Address in text form
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # a Message, or a renderer and args
    status: Mapped[str] = mapped_column(String(16))  # pending, sending, sent, dead, cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


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


class ReportHandler(Base):
    """A designated person who receives reports of some categories, or an escalation contact.

    Never deleted, only deactivated (``active``): cases, messages and the audit log point at
    handlers, and a removed handler must see and be told nothing more."""

    __tablename__ = "report_handlers"
    __table_args__ = (UniqueConstraint("platform", "tenant", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    tenant: Mapped[str] = mapped_column(String(128), default="")
    user_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200), default="")  # shown to reporters to exclude
    categories: Mapped[list[str]] = mapped_column(JSON)
    escalation: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ReportCase(Base):
    """A report. It holds only what the form asked for, sealed; never who sent it, never when
    to the minute (only the date), unless the reporter chose to be identified."""

    __tablename__ = "report_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    passphrase_hash: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40))
    platform: Mapped[str] = mapped_column(String(32))  # where handlers are alerted
    tenant: Mapped[str] = mapped_column(String(128), default="")
    received_on: Mapped[date] = mapped_column(Date())
    content: Mapped[str | None] = mapped_column(Text)  # sealed JSON; None once purged
    #: The addresses (``platform:tenant:user``) of the handlers the reporter left out: an
    #: address, unlike a row id, stays the same person when a handler is removed and re-added.
    excluded: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # new, acknowledged, investigating, ...
    outcome: Mapped[str | None] = mapped_column(Text)  # sealed
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("report_handlers.id"))
    acknowledged_on: Mapped[date | None] = mapped_column(Date())
    closed_on: Mapped[date | None] = mapped_column(Date())
    #: When handlers are next told (of the case, or of a reporter's reply): a random delay
    #: after it happened, so the moment cannot be matched to who was online; cleared once told.
    alert_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The next deadline reminder or escalation to look at.
    deadline_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    deadline_stage: Mapped[str] = mapped_column(String(32), default="")
    purged: Mapped[bool] = mapped_column(Boolean, default=False)


class SubmittedForm(Base):
    """A form instance already submitted (a SHA-256 of the platform's own id for it:
    a Slack view id, a Teams dialog's id), so a replayed submission files nothing twice. It
    points at no case and keeps only the date; rows older than a day are deleted by the tick."""

    __tablename__ = "submitted_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    seen_on: Mapped[date] = mapped_column(Date(), index=True)


class CaseMessage(Base):
    """A message between handlers and the reporter, or a handler's private note; sealed."""

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("report_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # to_reporter, from_reporter, note
    author_id: Mapped[int | None] = mapped_column(ForeignKey("report_handlers.id"))
    body: Mapped[str | None] = mapped_column(Text)  # sealed; None once purged
    sent_on: Mapped[date] = mapped_column(Date())


class CaseAudit(Base):
    """Append-only: who viewed or did what to a case, and when. The reporter's own entries
    keep only the date, like everything else about them."""

    __tablename__ = "case_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("report_cases.id"), index=True)
    actor: Mapped[str] = mapped_column(String(300))  # a handler's address, or "reporter"
    action: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConversationReference(Base):
    """How to reach a user's direct chat or a channel on the bot's own initiative.

    Teams only lets a bot message a conversation it has already been in, through the reference
    Teams gave it there (service URL, conversation id, bot id). The adapter stores one for every
    user and channel it meets and the outbox's sender reads it back; ``reference`` is the
    platform's own JSON, opaque to the core.
    """

    __tablename__ = "conversation_references"
    __table_args__ = (UniqueConstraint("platform", "tenant", "kind", "address_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    tenant: Mapped[str] = mapped_column(String(128), default="")
    kind: Mapped[str] = mapped_column(String(16))  # user, channel: as in an Address
    address_id: Mapped[str] = mapped_column(String(128))  # the Address id (29:…, 19:…@thread…)
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FormToken(Base):
    """A form the bot has shown, kept so a later request can open or redraw it.

    A Slack trigger expires in 3 s and a Teams dialog asks for its form again on every redraw;
    the request that needs the form may reach another replica, or this one after a restart. So
    the form lives here, under the SHA-256 of an unguessable token (the token itself is only in
    the button), and expires after a day.
    """

    __tablename__ = "form_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    form: Mapped[dict[str, Any]] = mapped_column(JSON)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class AnsweredQuestion(Base):
    """A one-time question whose buttons have been answered ("Leave the pledge?").

    The buttons carry the question's random token. Answering records it here, once (the
    primary key decides a race); a second press, a double click or the other button of the
    same message finds it and does nothing. Rows are deleted once their question has expired.
    """

    __tablename__ = "answered_questions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Introduction(Base):
    """Someone the bot has introduced itself to (the greeting, or the Messages tab's
    welcome), so it does so once: the date only, nothing about what they asked."""

    __tablename__ = "introductions"
    __table_args__ = (UniqueConstraint("platform", "tenant", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    tenant: Mapped[str] = mapped_column(String(128), default="")
    user_id: Mapped[str] = mapped_column(String(128))
    introduced_on: Mapped[date] = mapped_column(Date())
