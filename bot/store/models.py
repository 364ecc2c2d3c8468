"""The shared tables and ``Base``: people, admins, the outbox, form tokens, introductions, Teams'
conversation references. Each feature keeps its own in ``bot/<feature>/models.py``, on this
``Base`` (one metadata, which Alembic and the "migrations match models" test read with every
feature loaded: ``bot.catalogue``).

Every datetime is stored as naive UTC and read back as aware UTC (UTCDateTime), because SQLite
has no time zone type and a mix of naive and aware values is a classic bug."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


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


class Admin(Base):
    """A D&I lead granted the admin role in the store (the ADMINS setting grants it too)."""

    __tablename__ = "admins"
    __table_args__ = (UniqueConstraint("platform", "tenant", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    tenant: Mapped[str] = mapped_column(String(128), default="")
    user_id: Mapped[str] = mapped_column(String(128))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


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
