"""Who may see the dashboard: single-use sign-in links, sessions, CSRF tokens, the audit log.

Tokens come from ``secrets`` and are kept only as SHA-256 hashes (bot/form_tokens.py's digest),
so a copy of the database can neither sign anyone in nor take over a session. They are kept
server-side rather than signed (itsdangerous and the like) because a link must be usable once
and a session must end on sign-out or when the role is taken away, which a self-contained signed
token cannot do. The CSRF token is an HMAC of the session's own token (stdlib ``hmac``): bound
to the session, nothing more to store, and useless to anyone without the cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.conversation import Address
from bot.dashboard.models import DashboardAudit, DashboardLink, DashboardSession
from bot.form_tokens import token_digest

#: How long a sign-in link can be used (once).
LINK_TTL = timedelta(minutes=10)


def audit(
    session: Session, who: Address | str, action: str, now: datetime, detail: str = ""
) -> None:
    """One line in the audit log: a sign-in, a sign-out, a download or a change."""
    session.add(DashboardAudit(at=now, address=str(who), action=action, detail=detail[:300]))


def issue_link(session: Session, who: Address, now: datetime) -> str:
    """A new sign-in token for ``who``, usable once within LINK_TTL."""
    token = secrets.token_urlsafe(32)
    session.execute(delete(DashboardLink).where(DashboardLink.expires_at <= now))
    session.add(
        DashboardLink(token_hash=token_digest(token), address=str(who), expires_at=now + LINK_TTL)
    )
    audit(session, who, "link issued", now)
    return token


def redeem(session: Session, token: str, now: datetime) -> Address | None:
    """The address a link was made for, using the link up; None if unknown, used or expired."""
    if not token:
        return None
    row = session.scalars(
        select(DashboardLink)
        .where(DashboardLink.token_hash == token_digest(token), DashboardLink.expires_at > now)
        .with_for_update()
    ).first()
    if row is None:
        return None
    session.delete(row)
    return Address.parse(row.address, kind="user")


def start(session: Session, who: Address, now: datetime) -> str:
    """A new session for ``who``: the token goes in the cookie, its hash in the table."""
    token = secrets.token_urlsafe(32)
    session.add(
        DashboardSession(
            token_hash=token_digest(token), address=str(who), started_at=now, last_seen_at=now
        )
    )
    audit(session, who, "signed in", now)
    return token


def resume(
    session: Session, token: str, now: datetime, idle: timedelta, longest: timedelta
) -> Address | None:
    """The address of a live session, its idle time restarted; None (and the session and any
    other ended ones gone) once it has been idle for ``idle`` or open for ``longest``."""
    if not token:
        return None
    session.execute(
        delete(DashboardSession).where(
            (DashboardSession.last_seen_at <= now - idle)
            | (DashboardSession.started_at <= now - longest)
        )
    )
    row = session.scalars(
        select(DashboardSession).where(DashboardSession.token_hash == token_digest(token))
    ).first()
    if row is None:
        return None
    row.last_seen_at = now
    return Address.parse(row.address, kind="user")


def end(session: Session, token: str, now: datetime) -> None:
    """Sign out: the session is gone for good."""
    row = session.scalars(
        select(DashboardSession).where(DashboardSession.token_hash == token_digest(token))
    ).first()
    if row is not None:
        audit(session, row.address, "signed out", now)
        session.delete(row)


def csrf_token(session_token: str) -> str:
    """The CSRF token every form of this session carries."""
    return hmac.new(session_token.encode("utf-8"), b"dashboard-csrf", hashlib.sha256).hexdigest()


def csrf_ok(session_token: str, given: str) -> bool:
    return bool(session_token) and hmac.compare_digest(csrf_token(session_token), given)


def recent_audit(session: Session, limit: int = 50) -> list[DashboardAudit]:
    return list(
        session.scalars(select(DashboardAudit).order_by(DashboardAudit.id.desc()).limit(limit))
    )
