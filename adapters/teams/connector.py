"""Talking to the Bot Connector: card activities, proactive sends, and what a failure meant.

Replies inside a turn go through the TurnContext; messages on the bot's own initiative go
through ``proactive``, which continues the stored conversation. The SDK's HTTP client retries
some failures itself, sleeping in between (three times, with back-off, on 5xx answers); a
proactive send turns that off, because the outbox retries on its own schedule without holding
up every other conversation behind one slow one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes, Attachment, ConversationReference
from msrest.exceptions import HttpOperationError

from adapters.teams.cards import CONTENT_TYPE, Card, message_cards, summary
from adapters.teams.limits import MESSAGE_BYTES, activity_size
from bot.conversation import Message, text_message


def card_activity(
    content: Card, text_summary: str = "", activity_id: str | None = None
) -> Activity:
    """A message activity carrying one Adaptive Card (no ``text``: Teams would render it as
    Markdown above the card)."""
    activity = Activity(
        type=ActivityTypes.message,
        attachments=[Attachment(content_type=CONTENT_TYPE, content=content)],
        summary=text_summary or None,
    )
    if activity_id:
        activity.id = activity_id
    return activity


def message_activities(message: Message) -> list[Activity]:
    """``message`` as the activities that carry it: one, or its parts when it is too big for
    one Teams message (``cards.message_cards``)."""
    return [card_activity(content, summary(message)) for content in message_cards(message)]


def refused_note(answer: Failure) -> Message:
    """What a person is told when Teams refused the bot's answer to them: short and plain, so
    Teams takes it, and saying the answer was not lost on our side."""
    return text_message(
        f"Teams would not show a message I sent you: {answer}. It has been logged. Try again, or "
        "tell your organisation's inclusion-bot admin if it happens again."
    )


def _no_sdk_retries(context: TurnContext) -> None:
    """Make this turn's connector client fail fast: the outbox owns retrying."""
    client = context.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
    policy = getattr(getattr(getattr(client, "config", None), "retry_policy", None), "policy", None)
    if policy is not None:  # urllib3's Retry, shared with the client's session when it is made
        policy.total = policy.connect = policy.read = 0
        policy.status_forcelist = frozenset()


async def proactive(
    adapter: CloudAdapter, app_id: str, reference: dict[str, Any], activity: Activity
) -> str:
    """Post ``activity`` into a stored conversation as a new message; return its id."""
    sent: list[str] = []
    failed: list[Exception] = []

    async def post(context: TurnContext) -> None:
        _no_sdk_retries(context)
        context.activity.id = None  # a new post, not a reply to the continuation event
        try:
            response = await context.send_activity(activity)
        except Exception as exc:  # kept from the adapter's on_turn_error: the caller decides
            failed.append(exc)
            return
        sent.append(getattr(response, "id", "") or "")

    conversation = ConversationReference().deserialize(reference)
    await adapter.continue_conversation(conversation, post, app_id)
    if failed:
        raise failed[0]
    return sent[0] if sent else ""


@dataclass(frozen=True)
class Failure:
    """What an HTTP failure from the Bot Connector said."""

    status: int | None
    code: str
    retry_after: float | None

    def __str__(self) -> str:
        return f"HTTP {self.status} from Teams" + (f" ({self.code})" if self.code else "")


def failure(exc: HttpOperationError, now: datetime | None = None) -> Failure:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    headers = getattr(response, "headers", None) or {}
    error = getattr(getattr(exc, "error", None), "error", None)
    code = str(getattr(error, "code", "") or "")[:100]
    return Failure(status, code, retry_after(headers.get("Retry-After"), now))


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def oversize(activity: Activity) -> Failure | None:
    """The 413 Teams would answer for ``activity``, found before sending it, or None."""
    size = activity_size(activity)
    if size <= MESSAGE_BYTES:
        return None
    return Failure(413, f"MessageSizeTooBig: {size} bytes, measured by the bot", None)
