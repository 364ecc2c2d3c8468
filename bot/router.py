"""The Bot: turns one neutral event into replies, inside one database transaction.

It is the single entry point every adapter calls. It never lets an exception reach a user: a
bug is logged with its traceback (never the event's payload) and the user gets a short apology,
and their transaction is rolled back so nothing half-done is stored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot import metrics, redaction
from bot.catalogue import FEATURES
from bot.clock import Clock
from bot.config import Settings
from bot.conversation import (
    ActionEvent,
    Actor,
    CommandEvent,
    Event,
    FormEvent,
    Message,
    MessageEvent,
    Reply,
    Say,
    text_message,
)
from bot.features import Command, Feature, check, offered
from bot.introductions import first_meeting
from bot.outbox import Renderer
from bot.resources import Resources
from bot.store import Store
from bot.text import clean
from bot.turn import Turn

log = logging.getLogger(__name__)


def help_text(features: Sequence[Feature], is_admin: bool) -> str:
    """Every command this person may use, from each feature's own help; the admins' lines
    (marked so there) only for admins. An indented line goes with the line above it."""
    lines: list[str] = []
    keep = True
    for line in "\n".join(f.help for f in features if f.help).splitlines():
        if not line.startswith(" "):
            keep = is_admin or "(admins" not in line
        if keep:
            lines.append(line)
    return "\n".join(lines)


_COMMAND_WORD = re.compile(r"\s*/?(\w+)\s*(.*)", re.DOTALL)
#: Someone already greeted who types something the bot does not understand.
POINTER = "I didn't catch that. Type help for everything I can do."


def _listed(items: Sequence[str], *, serial: bool) -> str:
    """ "a, b and c" (or "a, b, and c" with ``serial``)."""
    if len(items) < 2:
        return "".join(items)
    last = ", and " if serial and len(items) > 2 else " and "
    return ", ".join(items[:-1]) + last + items[-1]


def greeting(features: Sequence[Feature]) -> str:
    """Someone new who says something the bot does not understand: what it does and how to
    start, from each feature's ``introduction``."""
    intros = [f.introduction for f in features if f.introduction is not None]
    does = _listed([i.does for i in intros], serial=False)
    starts = "".join(f"{i.start}, " for i in intros)
    return f"Hello! I help leaders {does}.\nType {starts}or /help for everything I can do."


def welcome_text(features: Sequence[Feature]) -> str:
    """The first time someone opens the bot's own conversation (Slack's Messages tab)."""
    intros = [f.introduction for f in features if f.introduction is not None]
    does = _listed([i.welcome for i in intros], serial=True)
    notes = "".join(f"{i.note}\n" for i in intros if i.note)
    return (
        f"Hello! I'm inclusion-bot. I help leaders {does}.\n"
        f"{notes}Type help for everything I can do."
    )


def expired(features: Sequence[Feature]) -> str:
    """A button or form that no feature claims: start again with the first command."""
    first = next((c.name for f in features for c in f.commands), "help")
    return f"That has expired. Type /{first} to start again."


SORRY = "Sorry, something went wrong on my side and nothing was changed. Please try again."


class Bot:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        settings: Settings,
        *loaded: object,
        features: Sequence[Feature] = FEATURES,
    ) -> None:
        """``loaded``: what the features were loaded with (each registration's ``load``, in
        any order, one per type), for their handlers, renderers and tick steps."""
        self.store = store
        self.clock = clock
        self.settings = settings
        check(features)  # clashing registrations stop the process here, saying which
        self.features = tuple(features)
        self.greeting = greeting(self.features)
        self.welcome_text = welcome_text(self.features)
        self.expired = expired(self.features)
        self.loaded = tuple(item for item in loaded if item is not None)
        self.resources = Resources(*self.loaded, *offered(self.features))
        self.commands: dict[str, Command] = {
            command.name: command for feature in self.features for command in feature.commands
        }
        redaction.install()

    def _turn(self, session: Session, event: Event) -> Turn:
        return Turn(session, event, self.clock.now(), self.settings, self.resources)

    def renderers(self) -> dict[str, Renderer]:
        """What the outbox calls to render queued messages when their turn comes."""
        return {
            name: render
            for feature in self.features
            for name, render in feature.renderers(self.resources).items()
        }

    def anonymous(self, text: str) -> bool:
        """Whether a command, or a direct message of its words ("report"), must leave its
        asker anonymous: adapters then look nobody up and keep nothing about who or where.
        Erring on the safe side, any first word beginning with such a command's name counts."""
        word = text.strip().lstrip("/").lower()
        return any(word.startswith(c.name) for c in self.commands.values() if c.anonymous)

    def anonymous_form(self, form_id: str) -> bool:
        """Whether a submission of ``form_id`` must leave its sender anonymous (a report, a
        follow-up), known from the form itself, never from what the submission carries."""
        return any(form_id in feature.anonymous_forms for feature in self.features)

    def handle(self, event: Event) -> list[Reply]:
        """Every adapter calls this, so timing it here measures every platform alike."""
        with metrics.timed_event(event.actor.platform, event.type):
            try:
                with self.store.session() as session:
                    turn = self._turn(session, event)
                    return self._route(turn)
            except Exception:
                log.exception("handling a %s event failed", event.type)
                metrics.event_failed(event.actor.platform, event.type)
                return [Say(message=text_message(self._failed(event)), ephemeral=True)]

    def _failed(self, event: Event) -> str:
        """The apology, or what a feature says instead for one of its forms."""
        if isinstance(event, FormEvent):
            for feature in self.features:
                if event.form_id in feature.failed:
                    return feature.failed[event.form_id]
        return SORRY

    def home(self, actor: Actor) -> Message:
        """The actor's own page (App Home): never raises, like handle()."""
        home = next((f.home for f in self.features if f.home is not None), None)
        if home is None:
            return text_message(self.greeting)
        try:
            with self.store.session() as session:
                event = CommandEvent(actor=actor, name="home")
                return home(self._turn(session, event))
        except Exception:
            log.exception("building a home page failed")
            return text_message(SORRY)

    def welcome(self, actor: Actor) -> Message | None:
        """What the bot says when someone first opens its own conversation with them; None
        if it has introduced itself to them already (then, or in an earlier message)."""
        try:
            with self.store.session() as session:
                return (
                    text_message(self.welcome_text)
                    if first_meeting(session, actor, self.clock.now().date())
                    else None
                )
        except Exception:
            log.exception("recording an introduction failed")
            return None

    def _route(self, turn: Turn) -> list[Reply]:
        event = turn.event
        if isinstance(event, CommandEvent):
            name = clean(event.name).lstrip("/").lower()[:64]
            replies = self._command(turn, name, event.args)
            if replies is None:
                return [turn.say(text_message(f"I don't know the command /{name}.", self.greeting))]
            return replies
        if isinstance(event, MessageEvent):
            return self._message(turn, event)
        for feature in self.features:
            if isinstance(event, ActionEvent) and event.action_id.startswith(feature.prefix):
                return feature.on_action(turn, event)
            if isinstance(event, FormEvent) and event.form_id.startswith(feature.prefix):
                return feature.on_form(turn, event)
        return [turn.say(text_message(self.expired))]

    def _command(self, turn: Turn, name: str, args: str) -> list[Reply] | None:
        """The command's replies; None if there is no such command."""
        if name == "help":
            help_ = help_text(self.features, turn.is_admin())
            return [turn.say(text_message("What I can do:", help_))]
        command = self.commands.get(name)
        return command.run(turn, args) if command is not None else None

    def _message(self, turn: Turn, event: MessageEvent) -> list[Reply]:
        """A DM of a command's words ("pledge progress") works like the slash command."""
        match = _COMMAND_WORD.match(event.text)
        replies = self._command(turn, match.group(1).lower(), match.group(2)) if match else None
        if replies is not None:
            return replies
        first = first_meeting(turn.session, turn.actor, turn.now.date())
        return [turn.say(text_message(self.greeting if first else POINTER))]
