"""Reading Teams activities: who acted, where, the neutral event, and the reference to keep.

Teams sends everything as Bot Framework Activities. A typed message becomes a CommandEvent
when it starts with one of the bot's commands ("pledge progress", "/pledge progress", or
"@inclusion-bot awareness subscribe uk" in a channel), else a MessageEvent; a press of one of
our card buttons arrives as a message whose ``value`` is the button's data, and a submitted
form card likewise, with the inputs' values merged in.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from adapters.teams.cards import form_values, is_button, is_form
from adapters.teams.references import PERSONAL_ID, PLATFORM, THREAD_ID
from bot.conversation import (
    ActionEvent,
    Actor,
    Address,
    CommandEvent,
    Event,
    FormEvent,
    MessageEvent,
    Place,
)

#: A command typed in a chat, with or without its slash: its name, then its arguments.
_COMMAND = re.compile(r"\s*/?(\w+)(?:\s+(.*))?\s*$", re.DOTALL)
_MENTION = re.compile(r"<at>.*?</at>", re.DOTALL)
_TAG = re.compile(r"<[^>]{0,200}>")


@dataclass(frozen=True)
class Where:
    """Who acted and in which conversation, with what the adapter needs to answer there."""

    actor: Actor
    place: Place
    #: The conversation as an outbox destination: the user's chat, or the channel.
    address: Address
    #: The conversation id replies go to (a channel thread's id ends in ";messageid=…").
    conversation_id: str
    #: "personal", "channel", "groupChat" or "unknown" (``conversation_kind``).
    kind: str = "unknown"

    @property
    def in_channel(self) -> bool:
        """Anything but a 1:1 chat: others may read what is posted here."""
        return self.place.kind == "channel"

    @property
    def keeps_reference(self) -> bool:
        """Whether this conversation's reference may be stored (under ``address``): never for
        one whose kind is unknown, which could be a group's taken for a person's."""
        return self.kind != "unknown"


def tenant_of(activity: Activity) -> str:
    """The Microsoft Entra tenant: channelData.tenant.id, else conversation.tenantId."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = (data.get("tenant") or {}).get("id")
    if not tenant and activity.conversation is not None:
        conversation = activity.conversation
        extra = getattr(conversation, "additional_properties", None) or {}
        tenant = getattr(conversation, "tenant_id", None) or extra.get("tenantId")
    return str(tenant or "")


def channel_id(activity: Activity) -> str:
    """A channel's own id (19:…@thread.tacv2), without the ";messageid=" of a thread in it."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    channel = (data.get("channel") or {}).get("id") or (data.get("team") or {}).get("id")
    conversation = activity.conversation.id if activity.conversation else ""
    return str(channel or conversation.split(";", 1)[0])


def conversation_kind(activity: Activity) -> str:
    """ "personal", "channel" or "groupChat", from every signal Teams gives; "unknown" when
    they say nothing or disagree about being personal.

    Teams does not always send ``conversationType`` (some clients leave it out of a channel
    message that has ``isGroup: true``), so it is one signal among: ``isGroup``, the id's form,
    and ``channelData.team`` / ``channelData.channel``. A conversation is personal only when
    something says so and nothing says it is shared: a private answer must never land where
    others read it, so doubt never falls to "personal". Nor is ``conversationType`` believed
    alone: a 1:1 chat's id has one form (``a:…``), and an activity whose id has not (a thread
    id URL-encoded, an opaque id) is of unknown kind whatever it says, so it can never take
    the place of a person's stored private chat.
    """
    conversation = activity.conversation
    if conversation is None or not conversation.id:
        return "unknown"
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    stated = str(getattr(conversation, "conversation_type", None) or "").lower()
    ident = str(conversation.id)
    in_team = bool(data.get("team") or data.get("channel"))
    if stated == "channel" or in_team or ident.lower().split(";", 1)[0].endswith("@thread.tacv2"):
        return "channel"
    shared = stated == "groupchat" or bool(conversation.is_group) or bool(THREAD_ID.search(ident))
    if shared:
        return "groupChat"
    if stated in ("personal", "") and PERSONAL_ID.match(ident):
        return "personal"
    return "unknown"


def where(activity: Activity) -> Where:
    """Who acted and where. ``activity.from`` must be there (the caller checks)."""
    tenant = tenant_of(activity)
    sender = activity.from_property
    conversation = activity.conversation
    actor = Actor(
        platform=PLATFORM,
        tenant=tenant,
        user_id=sender.id,
        display_name=(sender.name or "")[:200],
        timezone=activity.local_timezone or None,
    )
    kind = conversation_kind(activity)
    if kind == "personal":
        place = Place(kind="direct", id=conversation.id[:128])
        address = actor.address
    else:  # a team channel, a group chat, or unknown: posts there may reach everyone in it
        ident = channel_id(activity) if kind == "channel" else conversation.id
        place = Place(kind="channel", id=ident[:128])
        address = Address(platform=PLATFORM, tenant=tenant, kind="channel", id=ident[:128])
    return Where(
        actor=actor, place=place, address=address, conversation_id=conversation.id, kind=kind
    )


def reference_of(activity: Activity, target: Where) -> dict[str, Any]:
    """The reference to store for ``target``'s conversation, as Teams' JSON.

    A channel's reference points at the channel itself, not at the thread it came from, so a
    proactive post starts a new thread; no reference keeps the id of the activity it came with,
    so proactive messages are new posts rather than replies to an old message.
    """
    reference = TurnContext.get_conversation_reference(activity).serialize()
    reference.pop("activityId", None)
    conversation = reference.setdefault("conversation", {})
    if target.address.kind == "channel":
        conversation["id"] = target.address.id
    if target.actor.tenant:
        conversation["tenantId"] = target.actor.tenant
    return dict(reference)


def typed_text(activity: Activity) -> str:
    """What the person typed, without the bot's @mention and the markup Teams wraps it in."""
    text = _MENTION.sub(" ", activity.text or "")
    text = _TAG.sub(" ", text)
    return " ".join(html.unescape(text).replace("\xa0", " ").split())


def event_of(
    activity: Activity,
    target: Where,
    data: object = None,
    instance: str = "",
    *,
    commands: Collection[str] = (),
) -> Event | None:
    """The neutral event for a message activity (or a dialog's submitted ``data``), or None
        when there is nothing to act on. ``instance`` is the form instance a dialog's submission
        belongs to (``FormEvent.instance``), so a replayed one is recognised. Text starting with
    one of ``commands`` (the names the app manifest declares) is that command.

        Raises pydantic's ValidationError for data no card of ours could have sent (too long).
    """
    data = activity.value if data is None else data
    common: dict[str, Any] = {"actor": target.actor, "place": target.place}
    if is_button(data):
        value = data.get("value", "")
        return ActionEvent(**common, action_id=data["action_id"], value=str(value or ""))
    if is_form(data):
        return FormEvent(
            **common,
            form_id=data["form_id"],
            context=str(data.get("context") or ""),
            values=form_values(data),
            instance=instance,
        )
    text = typed_text(activity)
    if not text:
        return None
    match = _COMMAND.match(text)
    if match and match.group(1).lower() in commands:
        return CommandEvent(**common, name=match.group(1).lower(), args=match.group(2) or "")
    return MessageEvent(**common, text=text[:4000])
