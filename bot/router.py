"""The Bot: turns one neutral event into replies, inside one database transaction.

It is the single entry point every adapter calls. It never lets an exception reach a user: a
bug is logged with its traceback (never the event's payload) and the user gets a short apology,
and their transaction is rolled back so nothing half-done is stored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partial

from sqlalchemy.orm import Session

from bot import metrics, redaction
from bot.awareness import commands as awareness
from bot.awareness.calendar import EMPTY_CALENDAR, Calendar
from bot.awareness.posts import POST_RENDERER, PREVIEW_RENDERER, render_post, render_preview
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
from bot.introductions import first_meeting
from bot.outbox import Renderer
from bot.pledge import commands as pledge
from bot.pledge.checkins import CHECKIN_RENDERER, render_outgoing
from bot.pledge.content import Pledge
from bot.reports import commands as reports
from bot.reports.desk import Desk
from bot.reports.intake import FILE_FORM, NOT_RECEIVED
from bot.store import Store
from bot.text import clean
from bot.turn import Turn

log = logging.getLogger(__name__)


def help_text(is_admin: bool) -> str:
    """Every command this person may use, from each journey's own help; the admins' lines
    (marked so there) only for admins. An indented line goes with the line above it."""
    lines: list[str] = []
    keep = True
    for line in "\n".join((pledge.HELP, awareness.HELP, reports.HELP)).splitlines():
        if not line.startswith(" "):
            keep = is_admin or "(admins" not in line
        if keep:
            lines.append(line)
    return "\n".join(lines)


def _help(turn: Turn, _: str) -> list[Reply]:
    return [turn.say(text_message("What I can do:", help_text(turn.is_admin())))]


COMMANDS: dict[str, Callable[[Turn, str], list[Reply]]] = {
    "help": _help,
    "pledge": pledge.on_command,
    "awareness": awareness.on_command,
    "report": reports.on_command,
}
PREFIXES = {
    "pledge.": (pledge.on_action, pledge.on_form),
    "awareness.": (awareness.on_action, awareness.on_form),
    "report.": (reports.on_action, reports.on_form),
}
GREETING = (
    "Hello! I help leaders keep the IP Inclusive Senior Leaders' Pledge, post awareness dates "
    "and take anonymous reports.\n"
    "Type /pledge to sign it or see your pledge, /awareness upcoming for the dates ahead, "
    "/report to report harassment anonymously, or /help for everything I can do."
)
#: Someone already greeted who types something the bot does not understand.
POINTER = "I didn't catch that. Type help for everything I can do."
#: The first time someone opens the bot's own conversation (Slack's Messages tab).
WELCOME = (
    "Hello! I'm inclusion-bot. I help leaders keep the IP Inclusive Senior Leaders' Pledge "
    "with a private weekly check-in, post awareness dates in channels, and take reports of "
    "racism or harassment.\n"
    "Reports are private: /report opens a form in a window of its own, nothing of it is "
    "posted in any chat, and you choose whether to say who you are. Only the people who "
    "handle reports read it.\n"
    "Type help for everything I can do."
)
SORRY = "Sorry, something went wrong on my side and nothing was changed. Please try again."


class Bot:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        settings: Settings,
        pledge: Pledge,
        calendar: Calendar = EMPTY_CALENDAR,
        reports: Desk | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.pledge = pledge
        self.calendar = calendar
        self.reports = reports
        redaction.install()

    def _turn(self, session: Session, event: Event) -> Turn:
        return Turn(
            session,
            event,
            self.clock.now(),
            self.settings,
            self.pledge,
            self.calendar,
            self.reports,
        )

    def renderers(self) -> dict[str, Renderer]:
        """What the outbox calls to render queued messages when their turn comes."""
        return {
            CHECKIN_RENDERER: partial(render_outgoing, self.pledge),
            POST_RENDERER: partial(render_post, self.calendar),
            PREVIEW_RENDERER: partial(render_preview, self.calendar),
        }

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
                if isinstance(event, FormEvent) and event.form_id == FILE_FORM:
                    return [Say(message=text_message(NOT_RECEIVED), ephemeral=True)]
                return [Say(message=text_message(SORRY), ephemeral=True)]

    def home(self, actor: Actor) -> Message:
        """The actor's own page (App Home): never raises, like handle()."""
        try:
            with self.store.session() as session:
                event = CommandEvent(actor=actor, name="pledge")
                return pledge.home(self._turn(session, event))
        except Exception:
            log.exception("building a home page failed")
            return text_message(SORRY)

    def welcome(self, actor: Actor) -> Message | None:
        """What the bot says when someone first opens its own conversation with them; None
        if it has introduced itself to them already (then, or in an earlier message)."""
        try:
            with self.store.session() as session:
                return (
                    text_message(WELCOME)
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
            handler = COMMANDS.get(name)
            if handler is None:
                return [turn.say(text_message(f"I don't know the command /{name}.", GREETING))]
            return handler(turn, event.args)
        if isinstance(event, MessageEvent):
            return self._message(turn, event)
        for prefix, (on_action, on_form) in PREFIXES.items():
            if isinstance(event, ActionEvent) and event.action_id.startswith(prefix):
                return on_action(turn, event)
            if isinstance(event, FormEvent) and event.form_id.startswith(prefix):
                return on_form(turn, event)
        return [turn.say(text_message("That has expired. Type /pledge to start again."))]

    def _message(self, turn: Turn, event: MessageEvent) -> list[Reply]:
        """A DM of a command's words ("pledge progress") works like the slash command."""
        match = re.match(r"\s*/?(\w+)\s*(.*)", event.text, re.DOTALL)
        if match and match.group(1).lower() in COMMANDS:
            return COMMANDS[match.group(1).lower()](turn, match.group(2))
        first = first_meeting(turn.session, turn.actor, turn.now.date())
        return [turn.say(text_message(GREETING if first else POINTER))]
