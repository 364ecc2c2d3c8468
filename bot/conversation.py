"""The neutral conversation model: what every adapter turns its platform into, and back.

Events come in from an Actor in a Place; Replies and outbox Messages go out. Everything here is
plain data (pydantic models, so it round-trips through JSON for the outbox and the JSON-lines
console). The shapes are chosen against what Block Kit (sections, buttons, modals, App Home) and
Adaptive Cards (TextBlock, Action.Submit, task-module dialogs) can both express, so neither
adapter loses a feature, while a text surface degrades to numbered buttons and one prompt per
form field.

All text is plain: the core never emits markup. Adapters escape every character that their
platform would treat as markup or a mention, so a user's words can never ping anyone or hide a link.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.text import LONG_TEXT_LIMIT


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Actor(_Model):
    """Who did something: a user on a platform, inside a workspace (Slack) or tenant (Teams)."""

    platform: str = Field(min_length=1, max_length=32)
    tenant: str = Field(default="", max_length=128)
    user_id: str = Field(min_length=1, max_length=128)
    display_name: str = Field(default="", max_length=200)
    #: The platform's idea of the user's time zone (Slack users.info, Teams localTimezone).
    timezone: str | None = None

    @property
    def address(self) -> Address:
        return Address(platform=self.platform, tenant=self.tenant, kind="user", id=self.user_id)

    @property
    def name(self) -> str:
        return self.display_name or self.user_id


class Place(_Model):
    """Where an event happened: a direct conversation with the bot, or a channel."""

    kind: Literal["direct", "channel"] = "direct"
    id: str = Field(default="", max_length=128)


class Address(_Model):
    """Where the bot sends something on its own initiative: a user's DM or a channel.

    Written as ``platform:tenant:id`` (``console:id`` for the console, which has no tenant);
    a channel id starts with ``#`` in that notation.
    """

    platform: str = Field(min_length=1, max_length=32)
    tenant: str = Field(default="", max_length=128)
    kind: Literal["user", "channel"] = "user"
    id: str = Field(min_length=1, max_length=128)

    @classmethod
    def parse(cls, text: str, kind: Literal["user", "channel"] | None = None) -> Address:
        """Parse ``console:alice``, ``slack:T1:U2`` or ``slack:T1:#C3``; ValueError if malformed.

        Teams user ids contain colons (``29:1a…``), so only the first two colons separate parts.
        """
        platform, _, rest = text.strip().partition(":")
        if not platform or not rest:
            raise ValueError(
                f"{text!r} is not an address; use console:NAME or PLATFORM:TENANT:USER "
                "(e.g. slack:T0123:U0456)"
            )
        if platform == "console":
            tenant, ident = "", rest
        else:
            tenant, sep, ident = rest.partition(":")
            if not sep or not tenant or not ident:
                raise ValueError(
                    f"{text!r} is not an address; {platform} addresses are "
                    f"{platform}:TENANT:USER (or {platform}:TENANT:#CHANNEL)"
                )
        is_channel = ident.startswith("#")
        if is_channel:
            ident = ident[1:] if platform != "console" else ident
        try:
            return cls(
                platform=platform,
                tenant=tenant,
                kind=kind or ("channel" if is_channel else "user"),
                id=ident,
            )
        except ValidationError:
            raise ValueError(
                f"{text[:40]!r} is not an address: a platform name is at most 32 characters, "
                "a tenant or id at most 128"
            ) from None

    def __str__(self) -> str:
        ident = self.id
        if self.kind == "channel" and not ident.startswith("#"):
            ident = "#" + ident
        parts = [self.platform] + ([self.tenant] if self.platform != "console" else []) + [ident]
        return ":".join(parts)


# --- events in -------------------------------------------------------------------------------


class _EventBase(_Model):
    actor: Actor
    place: Place = Place()


class MessageEvent(_EventBase):
    """Free text typed to the bot (a DM, or a mention in a channel)."""

    type: Literal["message"] = "message"
    text: str = Field(max_length=4000)


class CommandEvent(_EventBase):
    """A slash command such as ``/pledge progress``: name ``pledge``, args ``progress``."""

    type: Literal["command"] = "command"
    name: str = Field(min_length=1, max_length=64)
    args: str = Field(default="", max_length=4000)


class ActionEvent(_EventBase):
    """A button press. ``value`` is what the core put on the button; never trust it blindly."""

    type: Literal["action"] = "action"
    action_id: str = Field(min_length=1, max_length=255)
    value: str = Field(default="", max_length=2000)


FormValue = str | list[str]


class FormEvent(_EventBase):
    """A submitted form: its id, the private context the core gave it, and the field values."""

    type: Literal["form"] = "form"
    form_id: str = Field(min_length=1, max_length=255)
    context: str = Field(default="", max_length=3000)
    values: dict[str, FormValue] = Field(default_factory=dict)
    #: The platform's own id for this one form instance (a Slack view id, a Teams dialog's
    #: id), when it has one. A signed request can be replayed: the reports code remembers the
    #: instances already submitted (hashed) and files nothing twice. Empty: no such id.
    instance: str = Field(default="", max_length=255)


Event = Annotated[
    MessageEvent | CommandEvent | ActionEvent | FormEvent, Field(discriminator="type")
]


# --- messages out ----------------------------------------------------------------------------


class TextBlock(_Model):
    """A paragraph of plain text. ``quote`` marks words a user typed, shown back to them."""

    type: Literal["text"] = "text"
    text: str
    style: Literal["plain", "heading", "context", "quote"] = "plain"


class Button(_Model):
    """A button: pressing it sends an ActionEvent with this action_id and value."""

    action_id: str
    value: str = ""
    label: str = Field(max_length=75)
    style: Literal["default", "primary", "danger"] = "default"
    #: What pressing it shows is ``Message.confidential``: adapters open it straight in a
    #: window of its own (a Slack modal, a Teams dialog), never as a message.
    confidential: bool = False


class ActionsBlock(_Model):
    """A row of buttons (Block Kit actions block, Adaptive Card ActionSet)."""

    type: Literal["actions"] = "actions"
    buttons: list[Button] = Field(max_length=25)


class LinkBlock(_Model):
    """A link the bot offers, with its own label (never a user's text as a label)."""

    type: Literal["link"] = "link"
    label: str
    url: str


Block = Annotated[TextBlock | ActionsBlock | LinkBlock, Field(discriminator="type")]


class Message(_Model):
    """What the bot says: blocks in order. ``ref`` names it so an adapter can update it in place."""

    blocks: list[Block]
    ref: str | None = None
    #: Holds a report's words (a case, a reporter's conversation with the handlers): chat
    #: exports reach message history, so adapters show it only outside it (a modal, a dialog,
    #: a form's own confirmation view), never as a message, not even an ephemeral one.
    confidential: bool = False

    def plain_text(self) -> str:
        """A text-only rendering: notification previews, logs of the bot's own words, consoles."""
        lines = []
        for block in self.blocks:
            if isinstance(block, TextBlock):
                lines.append(block.text)
            elif isinstance(block, LinkBlock):
                lines.append(f"{block.label}: {block.url}")
        return "\n".join(lines)


def text_message(*paragraphs: str, ref: str | None = None) -> Message:
    """A message of plain paragraphs: the common case for short replies."""
    return Message(blocks=[TextBlock(text=p) for p in paragraphs], ref=ref)


def nudge(text: str, button: Button) -> Message:
    """A line and one button: a notice that points to something rather than repeating it
    (a reminder to the check-in, a handler's alert to the case)."""
    return Message(blocks=[TextBlock(text=text), ActionsBlock(buttons=[button])])


class Option(_Model):
    """A choice. Labels may be long (a pledge step); adapters shorten them to fit a platform."""

    value: str = Field(max_length=150)
    label: str


FieldKind = Literal["text", "long_text", "choice", "multi_choice", "date", "time"]


class FormField(_Model):
    """One input of a form. Limits are stated so every surface can show and enforce them."""

    name: str
    label: str = Field(max_length=2000)
    kind: FieldKind = "text"
    required: bool = True
    hint: str | None = None
    #: At most LONG_TEXT_LIMIT (3,000): the most every platform's text input can take.
    max_length: int | None = Field(default=None, ge=1, le=LONG_TEXT_LIMIT)
    options: list[Option] = Field(default_factory=list)
    max_selected: int | None = None
    default: FormValue | None = None


class Form(_Model):
    """A form (Slack modal, Teams dialog, console prompts). ``context`` comes back on submit."""

    form_id: str
    title: str = Field(max_length=24)
    intro: list[Block] = Field(default_factory=list)
    fields: list[FormField]
    submit_label: str = Field(default="Submit", max_length=24)
    context: str = Field(default="", max_length=3000)
    #: Who submits this form must stay unknown (reports): adapters must not look the person
    #: up, log the submission, put anything identifying in the form's round trip, or leave
    #: the reply in message history (show it in the form's own confirmation view, or
    #: ephemerally). The core uses the actor in memory only, for a keyed-hash rate limit,
    #: or to record it when the field named ``identity_field`` says "yes".
    anonymous: bool = False
    identity_field: str | None = None


# --- replies to an event -----------------------------------------------------------------------


class Say(_Model):
    """Reply in the place the event came from; ``ephemeral`` shows it to the actor alone."""

    type: Literal["say"] = "say"
    message: Message
    ephemeral: bool = False


class Update(_Model):
    """Replace the message whose button was pressed, so it shows what was answered."""

    type: Literal["update"] = "update"
    message: Message


class OpenForm(_Model):
    type: Literal["open_form"] = "open_form"
    form: Form


class FormErrors(_Model):
    """A submitted form was not accepted: show these errors on their fields, keep the values."""

    type: Literal["form_errors"] = "form_errors"
    form_id: str
    errors: dict[str, str]


Reply = Annotated[Say | Update | OpenForm | FormErrors, Field(discriminator="type")]
