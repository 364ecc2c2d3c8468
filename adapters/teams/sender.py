"""Delivering outbox messages to Teams: direct chats and channel posts, within Teams' limits.

The dispatcher runs in a worker thread and the Bot Framework SDK on the server's event loop,
so a send is handed to the loop and waited for here. Nothing sleeps: a full rate-limit window
or a 429/412/502/503/504 goes back to the outbox as "later" (with the wait, or Retry-After),
and the outbox reschedules the row and moves on. Other failures are recorded on the row.

A person the bot has never met in Teams (no stored conversation reference: the app is not
installed for them) cannot be messaged at all. That is reported to the tenant's Teams admins
through the outbox, once a day per person, rather than silently skipped.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Coroutine
from typing import Any

from botbuilder.integration.aiohttp import CloudAdapter
from msrest.exceptions import ClientRequestError, HttpOperationError
from sqlalchemy import select

from adapters.teams import references
from adapters.teams.connector import (
    Failure,
    failure,
    message_activities,
    oversize,
    proactive,
    refused_note,
)
from adapters.teams.limits import TeamsLimits
from adapters.teams.platform import UNREACHABLE_REF
from bot.clock import Clock
from bot.config import Settings, is_loopback_url
from bot.conversation import Address, Message, TextBlock
from bot.deadletters import is_alert, note_admins
from bot.outbox import SendResult
from bot.store import Store
from bot.store.models import Person

log = logging.getLogger(__name__)

NOT_INSTALLED = "not reachable: the Teams app is not installed for this user"
NOT_IN_TEAM = "not reachable: the Teams app is not installed in this channel's team"
#: Answers that go away by themselves (Teams' guidance: retry 429, 412, 502 and 504).
TRANSIENT = {412, 429, 502, 503, 504}
#: The note sent in place of a message Teams refused (none is sent in place of a note).
REFUSED_REF = "teams.refused"


class TeamsSender:
    """The outbox's Sender for platform "teams". ``bind`` it to the server's event loop."""

    def __init__(
        self,
        adapter: CloudAdapter,
        app_id: str,
        store: Store,
        settings: Settings,
        clock: Clock,
        limits: TeamsLimits,
        timeout: float = 30.0,
    ) -> None:
        self.adapter = adapter
        self.app_id = app_id
        self.store = store
        self.settings = settings
        self.clock = clock
        self.limits = limits
        self.timeout = timeout
        self.loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Send on ``loop`` (the server's): the SDK's clients live there."""
        self.loop = loop
        self._loop_thread = threading.get_ident()

    def send(self, destination: Address, message: Message) -> SendResult:
        if self.loop is None:
            return SendResult.later("the Teams adapter has not started yet")
        if self._loop_thread == threading.get_ident():  # waiting here would block the loop
            return SendResult.later("Teams sends must come from a worker thread")
        reference = references.find(self.store, destination)
        if reference is None and destination.kind == "channel":
            reference = references.borrow_for_channel(self.store, destination)
        if reference is None:
            reason = NOT_INSTALLED if destination.kind == "user" else NOT_IN_TEAM
            told = self._report_unreachable(destination, message, reason)
            return SendResult.failed(reason, admins_told=told)
        if not self.app_id and not is_loopback_url(str(reference.get("serviceUrl"))):
            # Unauthenticated (local testing only): never post off this machine.
            return SendResult.failed("refused: unauthenticated Teams posts only to loopback")
        conversation = str((reference.get("conversation") or {}).get("id") or destination.id)
        wait = self.limits.take(destination.tenant, conversation)
        if wait:
            return SendResult.defer("Teams rate limit: deferred by the bot", retry_after=wait)
        return self._deliver(destination, reference, message)

    def _deliver(
        self, destination: Address, reference: dict[str, Any], message: Message
    ) -> SendResult:
        """Send ``message`` (in parts when it is too big for one Teams message)."""
        activities = message_activities(message)
        for number, activity in enumerate(activities, 1):
            too_big = oversize(activity)
            if too_big is not None:
                return self._refused(destination, reference, message, too_big)
            try:
                self._call(proactive(self.adapter, self.app_id, reference, activity))
            except concurrent.futures.TimeoutError:
                return SendResult.later(f"Teams did not answer within {self.timeout:.0f} s")
            except HttpOperationError as exc:
                return self._failed(destination, reference, message, exc)
            except (ClientRequestError, OSError) as exc:
                return SendResult.later(f"connection to Teams failed: {type(exc).__name__}")
            if number < len(activities):  # the parts after the first count against the limits
                conversation = str((reference.get("conversation") or {}).get("id") or "")
                self.limits.note(destination.tenant, conversation)
        return SendResult.sent()

    def _call(self, coroutine: Coroutine[Any, Any, str]) -> str:
        """Run ``coroutine`` on the server's loop and wait for it here (a worker thread)."""
        assert self.loop is not None
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(self.timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise

    def _failed(
        self,
        destination: Address,
        reference: dict[str, Any],
        message: Message,
        exc: HttpOperationError,
    ) -> SendResult:
        answer = failure(exc, self.clock.now())
        if answer.status in TRANSIENT:
            return SendResult.later(
                str(answer), retry_after=answer.retry_after, rate_limited=answer.status == 429
            )
        if answer.status in (403, 404):  # removed from the team, blocked, or uninstalled
            reason = f"not reachable: {answer}; the app may have been removed or blocked"
            told = self._report_unreachable(destination, message, reason)
            return SendResult.failed(reason, admins_told=told)
        return self._refused(destination, reference, message, answer)

    def _refused(
        self, destination: Address, reference: dict[str, Any], message: Message, answer: Failure
    ) -> SendResult:
        """Teams refused the message itself (too big, a card it would not show): logged, and
        the person gets a short plain note in its place, so nobody is left with nothing."""
        log.warning("Teams refused a message to %s: %s", destination, answer)
        if message.ref != REFUSED_REF:
            note = refused_note(answer).model_copy(update={"ref": REFUSED_REF})
            try:
                [activity] = message_activities(note)
                self._call(proactive(self.adapter, self.app_id, reference, activity))
            except (concurrent.futures.TimeoutError, HttpOperationError, ClientRequestError) as exc:
                log.warning("the note to %s failed too: %s", destination, type(exc).__name__)
        return SendResult.failed(str(answer))

    # --- telling admins ----------------------------------------------------------------------

    def _report_unreachable(self, destination: Address, message: Message, reason: str) -> bool:
        """A note to the tenant's Teams admins, in Teams' words, queued by
        ``bot/deadletters.note_admins`` (once a day per destination and admin; an alert that
        fails raises no other); True if there was anyone to tell."""
        with self.store.session() as session:
            note = _alert(destination, _name(session, destination), reason)
            told = note_admins(session, self.settings, destination, message, note, self.clock.now())
        if not is_alert(message.ref):
            log.warning(
                "Teams message to %s not delivered (%s); %s",
                destination,
                reason,
                f"told {len(told)} admin(s)" if told else "no Teams admin in this tenant to tell",
            )
        return bool(told)


def _name(session: Any, destination: Address) -> str:
    if destination.kind == "channel":
        return f"the channel {destination.id}"
    name = session.scalar(
        select(Person.display_name).where(
            Person.platform == destination.platform,
            Person.tenant == destination.tenant,
            Person.user_id == destination.id,
        )
    )
    return f"{name} ({destination.id})" if name else str(destination.id)


def _alert(destination: Address, who: str, reason: str) -> Message:
    if destination.kind == "channel":
        fix = (
            "Add the inclusion-bot app to that channel's team (Teams: the team's … menu, "
            "Manage team, Apps), or unsubscribe the channel."
        )
    else:
        fix = (
            "Install the inclusion-bot app for them (Teams admin centre: Manage apps, or an app "
            "setup policy), or ask them to add it from Apps in Teams. Later messages reach them "
            "once it is installed."
        )
    return Message(
        ref=UNREACHABLE_REF,
        blocks=[
            TextBlock(text="A message could not be delivered in Teams", style="heading"),
            TextBlock(text=f"I could not reach {who}: {reason.removeprefix('not reachable: ')}."),
            TextBlock(text=fix, style="context"),
        ],
    )
