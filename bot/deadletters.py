"""Telling admins when the outbox gives up on a message (a dead letter).

A dead message is one a leader or a channel never got: without a word to someone, it would
stay a row in a table nobody reads. So when the Dispatcher marks a row dead, each admin on the
same platform and workspace (tenant) as its destination is sent one alert through the outbox
itself, keyed per dead row and admin, so a retried drain or a second replica never repeats it.

The alert names the destination, the error and the key to retry with, never the message's
words: a report's notices carry none anyway, and what a leader wrote is not the admin's to read.
An alert that dies is only logged: alerting about an alert could loop for ever when an admin
is unreachable.

A platform's adapter that learns more than the row's error (Teams: the app is not installed for
that person) words its own note, and queues it here too (``note_admins``), to the same admins,
once a day per destination and admin; the dead row then raises no second alert.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from sqlalchemy.orm import Session

from bot import platforms
from bot.config import Settings
from bot.conversation import Address, Message, TextBlock
from bot.outbox import DeadLetter, Outgoing, queue
from bot.people import list_admins
from bot.text import clean

log = logging.getLogger(__name__)

#: The ``ref`` of a dead-letter alert.
ALERT_REF = "outbox.dead"
#: Platform errors can be long (an HTML 5xx page): the alert quotes this much of one.
ERROR_LIMIT = 300


def is_alert(ref: str | None) -> bool:
    """Whether a message is itself an alert to admins, never alerted about when it dies: ours,
    or a platform adapter's own note (``Platform.alert_refs``)."""
    return ref == ALERT_REF or ref in platforms.alert_refs()


def alert_admins(settings: Settings, session: Session, dead: DeadLetter, now: datetime) -> int:
    """Queue one alert per admin of the dead row's platform and tenant, in the caller's
    transaction (so the row is dead and its alerts queued together, or neither). Returns how
    many alerts were new."""
    if is_alert(dead.ref):
        log.warning(
            "an alert to %s could not be delivered either (%s); not alerting about an alert",
            dead.destination,
            dead.error,
        )
        return 0
    if dead.admins_told:
        return 0  # the platform's adapter has told them already, in its own words
    admins = [
        admin
        for admin in admins_of(session, settings, dead.destination)
        if admin != dead.destination  # they would not get it either
    ]
    if not admins:
        log.warning(
            "outbox message %s is dead and no admin on %s can be told",
            dead.key,
            dead.destination.platform,
        )
        return 0
    message = alert_message(dead)
    return queue(
        session, [Outgoing(alert_key(dead, admin), admin, message) for admin in admins], now
    )


def note_admins(
    session: Session,
    settings: Settings,
    destination: Address,
    failed: Message,
    note: Message,
    now: datetime,
) -> list[Address]:
    """Queue a platform's own note about ``destination`` (``note``, whose ``ref`` is one of
    its ``Platform.alert_refs``) to the admins who can be told, once a day per destination and
    admin, in the caller's session. Nothing when the message that failed (``failed``) was
    itself an alert. Returns the admins told."""
    if is_alert(failed.ref):
        log.warning("an alert to admin %s could not be delivered either", destination)
        return []
    told = [admin for admin in admins_of(session, settings, destination) if admin != destination]
    day = now.date().isoformat()
    queue(session, [Outgoing(note_key(note, destination, a, day), a, note) for a in told], now)
    return told


def note_key(note: Message, destination: Address, admin: Address, day: str) -> str:
    """One note a day per destination and admin: the pair is hashed (Teams ids are long)."""
    pair = hashlib.sha256(f"{destination}|{admin}".encode()).hexdigest()[:24]
    return f"{note.ref}:{pair}:{day}"


def admins_of(session: Session, settings: Settings, destination: Address) -> list[Address]:
    """The admins who can be told about ``destination``: those on its platform and tenant
    (an alert goes where the admin can read it)."""
    return [
        admin
        for admin in (
            Address.parse(text, kind="user") for text, _ in list_admins(session, settings)
        )
        if admin.platform == destination.platform and admin.tenant == destination.tenant
    ]


def alert_key(dead: DeadLetter, admin: Address) -> str:
    """One alert per dead row and admin. The admin's address is hashed: Teams ids are long."""
    who = hashlib.sha256(str(admin).encode()).hexdigest()[:16]
    return f"dead:{dead.id}:{who}"


def alert_message(dead: DeadLetter) -> Message:
    error = clean(dead.error or "no error was recorded")
    if len(error) > ERROR_LIMIT:
        error = error[: ERROR_LIMIT - 1] + "…"
    attempts = f"{dead.attempts} attempt{'s' if dead.attempts != 1 else ''}"
    return Message(
        ref=ALERT_REF,
        blocks=[
            TextBlock(text="A message could not be delivered", style="heading"),
            TextBlock(
                text=f"The message {dead.key} to {dead.destination} failed after {attempts}."
            ),
            TextBlock(text=f"Error: {error}", style="quote"),
            TextBlock(
                text=(
                    "Fix the cause (for example, add the bot to the channel or reinstall it "
                    f"for the person), then an operator can run `inclusion-bot outbox retry "
                    f"--key {dead.key}` to send it again. `inclusion-bot outbox status` lists "
                    "every message that could not be delivered."
                ),
                style="context",
            ),
        ],
    )
