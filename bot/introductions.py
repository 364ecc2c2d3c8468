"""The bot says who it is once per person: the full greeting the first time someone writes to
it, or Slack's Messages tab welcome the first time they open it; after that, a typed message
the bot does not understand gets a short pointer to help instead of the greeting again."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.conversation import Actor
from bot.store.models import Introduction
from bot.store.upsert import insert_new


def first_meeting(session: Session, actor: Actor, today: date) -> bool:
    """True the first time only; the database decides, so two messages at once get one
    greeting between them."""
    row = {
        "platform": actor.platform,
        "tenant": actor.tenant,
        "user_id": actor.user_id,
        "introduced_on": today,
    }
    return bool(insert_new(session, Introduction, [row], ("platform", "tenant", "user_id")))
