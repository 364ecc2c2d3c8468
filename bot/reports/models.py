"""Anonymous reports' tables: handlers, sealed cases, their messages and audit trail, and the
digests of forms already filed (replays). (Shared tables and ``Base``: bot/store/models.py.)"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, UTCDateTime


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
