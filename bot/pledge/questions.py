"""One-time questions: a message whose buttons answer it once ("Leave the pledge?").

Slack and Teams replace such a message once it is answered, but the old buttons can still be
pressed: a double click, a second device, a client that has not redrawn yet, or the console,
whose button numbers stay valid for the session. The rule is kept here, in the core, so every
platform gets it: the buttons carry the question's token, the first answer records it, and any
later press of a button of the same question does nothing and says so.

A token is the instant it was asked and a random part. A question older than ``TTL`` has
expired whether or not it was answered, which lets the answered tokens be deleted after
``TTL`` instead of kept for ever.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.pledge.models import AnsweredQuestion
from bot.store.upsert import insert_new

TTL = timedelta(days=7)
ANSWERED = "You already answered that question, so I left everything as it is."
EXPIRED = "That question has expired, so I left everything as it is."


def new_token(now: datetime) -> str:
    """The token for a question asked at ``now``; every button of the question carries it."""
    return f"{int(now.timestamp())}.{secrets.token_hex(8)}"


def _asked_at(token: str) -> datetime | None:
    seconds, dot, rest = token.partition(".")
    if not (dot and rest and len(token) <= 64 and seconds.isascii() and seconds.isdigit()):
        return None
    try:
        return datetime.fromtimestamp(int(seconds), UTC)
    except (OverflowError, OSError, ValueError):  # a forged or mangled number
        return None


def answer(session: Session, token: str, now: datetime) -> str | None:
    """Record the question's answer: None the first time; afterwards (or for a token that has
    expired or was never the bot's) why the press does nothing."""
    asked = _asked_at(token)
    if asked is None or not now - TTL <= asked <= now + timedelta(minutes=5):
        return EXPIRED
    session.execute(delete(AnsweredQuestion).where(AnsweredQuestion.answered_at < now - TTL))
    first = insert_new(
        session, AnsweredQuestion, [{"token": token, "answered_at": now}], ["token"], ("token",)
    )
    return None if first else ANSWERED
