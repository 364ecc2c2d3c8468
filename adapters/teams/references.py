"""Conversation references: how the bot reaches a Teams user or channel on its own initiative.

Teams lets a bot post into a conversation only with the reference Teams gave it there (service
URL, conversation id, bot id), so one is stored for every user and channel the bot meets and
read back by the outbox's sender. The references are kept as Teams' own JSON: the store does
not interpret them. These functions are synchronous (the store is) and run in worker threads.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.conversation import Address
from bot.store import Store
from bot.store.models import ConversationReference

PLATFORM = "teams"
#: A thread's id, shared by several people: "19:…@thread.tacv2" (a channel), "19:…@thread.v2"
#: (a group chat or meeting), "19:…@thread.skype" (either, in older teams), "19:meeting_…".
THREAD_ID = re.compile(r"^19:|@thread\.", re.IGNORECASE)


#: A 1:1 chat's id as Teams writes it ("a:1Xb…"): the only form a person's chat is kept in.
PERSONAL_ID = re.compile(r"^a:[^\s;@%]+$")


def is_private(reference: dict[str, Any]) -> bool:
    """Whether ``reference`` points at a 1:1 chat: its id has a 1:1 chat's form, and nothing
    in it says the conversation is shared (a group chat or a channel, by its type or
    ``isGroup``)."""
    conversation = reference.get("conversation") or {}
    return (
        conversation.get("conversationType") in (None, "personal")
        and not conversation.get("isGroup")
        and bool(PERSONAL_ID.match(str(conversation.get("id") or "")))
    )


class SharedConversation(ValueError):
    """A reference to a group or channel offered as a person's private chat."""


def _where(address: Address) -> list[Any]:
    return [
        ConversationReference.platform == address.platform,
        ConversationReference.tenant == address.tenant,
        ConversationReference.kind == address.kind,
        ConversationReference.address_id == address.id,
    ]


def save(session: Session, address: Address, reference: dict[str, Any], now: datetime) -> bool:
    """Insert or replace the reference for ``address`` (a reference changes when Teams moves
    the conversation to another service URL, or the bot is reinstalled); True if it is new.

    A person's reference must be their 1:1 chat: one for a group or channel is refused
    (SharedConversation), or private answers would be posted where others read them.
    """
    if address.kind == "user" and not is_private(reference):
        raise SharedConversation("a shared conversation's reference offered for a person")
    row = {
        "platform": address.platform,
        "tenant": address.tenant,
        "kind": address.kind,
        "address_id": address.id,
        "reference": reference,
        "updated_at": now,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = session.scalar(
        dialect.insert(ConversationReference)
        .values(row)
        .on_conflict_do_nothing(index_elements=["platform", "tenant", "kind", "address_id"])
        .returning(ConversationReference.address_id)
    )
    if inserted is not None:  # (rowcount is not reliable here on every driver)
        return True
    session.execute(
        update(ConversationReference)
        .where(*_where(address))
        .values(reference=reference, updated_at=now)
    )
    return False


def remember(store: Store, address: Address, reference: dict[str, Any], now: datetime) -> bool:
    """``save`` in its own transaction; True if the bot had no reference there before (the
    first time it meets the conversation: one insert wins, so only one caller sees True)."""
    with store.session() as session:
        return save(session, address, reference, now)


def find(store: Store, address: Address) -> dict[str, Any] | None:
    """The stored reference; never, for a person, one that is not a private chat."""
    with store.session() as session:
        found = session.scalar(select(ConversationReference.reference).where(*_where(address)))
    if found is not None and address.kind == "user" and not is_private(found):
        return None
    return found


def borrow_for_channel(store: Store, channel: Address) -> dict[str, Any] | None:
    """A reference for a channel the bot has not heard from, made from one it has in the same
    tenant: a channel's conversation id is the channel's own id, and the service URL and bot are
    the tenant's. If the app is not in that channel's team, Teams refuses the post (403)."""
    with store.session() as session:
        known = session.scalar(
            select(ConversationReference.reference)
            .where(
                ConversationReference.platform == channel.platform,
                ConversationReference.tenant == channel.tenant,
                ConversationReference.kind == "channel",
            )
            .order_by(ConversationReference.updated_at.desc())
            .limit(1)
        )
    if known is None:
        return None
    conversation = {"id": channel.id, "conversationType": "channel", "isGroup": True}
    if channel.tenant:
        conversation["tenantId"] = channel.tenant
    return {**known, "conversation": conversation}


def forget(store: Store, address: Address) -> None:
    """The bot was removed from the conversation: sends there would fail, so say so instead."""
    with store.session() as session:
        session.execute(delete(ConversationReference).where(*_where(address)))


def known_users(store: Store) -> list[tuple[Address, str]]:
    """Everyone the bot can reach in Teams, with the name Teams gave: how an operator finds the
    ``teams:TENANT:29:…`` address to make someone an admin."""
    with store.session() as session:
        rows = session.scalars(
            select(ConversationReference)
            .where(ConversationReference.platform == PLATFORM, ConversationReference.kind == "user")
            .order_by(ConversationReference.tenant, ConversationReference.address_id)
        ).all()
        return [
            (
                Address(platform=PLATFORM, tenant=row.tenant, kind="user", id=row.address_id),
                str((row.reference.get("user") or {}).get("name") or ""),
            )
            for row in rows
        ]
