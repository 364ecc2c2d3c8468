"""The dashboard's tables: sign-in links and sessions (each kept only as a hash of its token)
and the audit log of sign-ins and changes. (Shared tables and ``Base``: bot/store/models.py.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, UTCDateTime


class DashboardLink(Base):
    """A single-use sign-in link an admin asked for with /dashboard, bound to their address.

    Only the SHA-256 of its token is kept: a copy of the database signs nobody in."""

    __tablename__ = "dashboard_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    address: Mapped[str] = mapped_column(String(300))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class DashboardSession(Base):
    """A signed-in browser, by the SHA-256 of its cookie; it ends after an idle time."""

    __tablename__ = "dashboard_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    address: Mapped[str] = mapped_column(String(300))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class DashboardAudit(Base):
    """Who signed in, signed out, downloaded or changed what through the dashboard, and when."""

    __tablename__ = "dashboard_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    address: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(300), default="")
