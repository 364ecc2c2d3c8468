"""Forms the bot has shown, by token, kept in the database so any replica can serve them.

A platform sometimes needs a form again after the request that made it is over: a Slack
trigger expired, so the person gets an "Open the form" button instead; a Teams dialog asks for
its form on fetch and again to redraw it with errors. Process memory would lose the form on a
restart or send the request to a replica that never saw it, so the form is stored here.

The token is the only key and it travels only in the button: the table keeps its SHA-256, so a
copy of the database cannot be used to open or answer anyone's form. Tokens expire after
``ttl`` (a day by default); expired rows are deleted as new ones are written.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.conversation import Form
from bot.store import Store
from bot.store.models import FormToken

DEFAULT_TTL = timedelta(hours=24)


def token_digest(token: str) -> str:
    """What is stored of a bearer token (form tokens, dashboard links and sessions): a leaked
    table gives nobody a usable token. One definition, so every table hashes alike."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class FormTokens:
    """Put a form under a new token; get, replace or take it back by that token."""

    def __init__(self, store: Store, clock: Clock, ttl: timedelta = DEFAULT_TTL) -> None:
        self.store = store
        self.clock = clock
        self.ttl = ttl

    def put(self, form: Form, extra: Mapping[str, Any] | None = None) -> str:
        """Store ``form`` (and the adapter's JSON-able ``extra``); return its new token."""
        token = secrets.token_urlsafe(16)
        now = self.clock.now()
        with self.store.session() as session:
            session.execute(delete(FormToken).where(FormToken.expires_at <= now))
            session.add(
                FormToken(
                    token_hash=token_digest(token),
                    form=form.model_dump(mode="json"),
                    extra=dict(extra or {}),
                    expires_at=self._expiry(form),
                )
            )
        return token

    def get(self, token: str) -> tuple[Form, dict[str, Any]] | None:
        """The form and extra under ``token``, or None if unknown or expired."""
        with self.store.session() as session:
            row = self._row(session, token)
            return None if row is None else (Form.model_validate(row.form), dict(row.extra))

    def replace(self, token: str, form: Form, extra: Mapping[str, Any] | None = None) -> bool:
        """Keep ``token`` but swap what it holds (a follow-on form); False if it has expired."""
        with self.store.session() as session:
            row = self._row(session, token)
            if row is None:
                return False
            row.form = form.model_dump(mode="json")
            row.extra = dict(extra or {})
            row.expires_at = self._expiry(form)
            return True

    def _expiry(self, form: Form) -> datetime:
        """``ttl`` from now; for an anonymous form (a report), rounded up to the hour, so the
        row does not say to the second when someone opened the report form."""
        expires = self.clock.now() + self.ttl
        if not form.anonymous:
            return expires
        hour = expires.replace(minute=0, second=0, microsecond=0)
        return hour if hour == expires else hour + timedelta(hours=1)

    def take(self, token: str) -> tuple[Form, dict[str, Any]] | None:
        """Like ``get``, and the token is used up: a second request with it gets None."""
        with self.store.session() as session:
            row = self._row(session, token, for_update=True)
            if row is None:
                return None
            session.delete(row)
            return Form.model_validate(row.form), dict(row.extra)

    def _row(self, session: Session, token: str, *, for_update: bool = False) -> FormToken | None:
        if not token:
            return None
        query = select(FormToken).where(
            FormToken.token_hash == token_digest(token), FormToken.expires_at > self.clock.now()
        )
        if for_update:
            query = query.with_for_update()
        return session.scalars(query).first()
