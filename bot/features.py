"""What a feature declares about itself, so the router, the tick, help and both platform
manifests are built from one place: a command's name is defined once, in its feature's
registration (``bot/<feature>/feature.py``), and the list of features is ``bot/catalogue.py``.

A feature's process-wide parts (the pledge's content, the awareness calendar, the reports desk)
are loaded through its registration (``load``) and travel as ``Resources``
(``bot/resources.py``), looked up by type, so the generic machinery (the composition root, the
router, the turn, the renderers, the scheduler's tick) names no feature.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.conversation import ActionEvent, Block, FormEvent, Message, Reply
from bot.outbox import Renderer
from bot.resources import Resources
from bot.turn import Turn


@dataclass(frozen=True)
class Command:
    """A command people type (``/name args``, or the words alone in a direct message)."""

    name: str
    #: One line for the platforms' command menus (Slack's slash commands, Teams' manifest).
    summary: str
    run: Callable[[Turn, str], list[Reply]]
    #: Slack's usage hint, shown as people type the command.
    usage: str = ""
    #: The asker must stay anonymous: adapters look nobody up and keep nothing about who or
    #: where (no profile look-up, no conversation reference, nothing in a form's round trip).
    anonymous: bool = False


@dataclass(frozen=True)
class Introduction:
    """A feature's words in the bot's greeting and welcome, which are built from every
    registration so they never name a command that is gone or miss a new one."""

    #: What it does, after "I help leaders" in the greeting: "post awareness dates".
    does: str
    #: The same, a little longer, in the welcome: "post awareness dates in channels".
    welcome: str
    #: How to start, in the greeting's "Type ..." line: "/awareness upcoming for the dates ahead".
    start: str
    #: A paragraph of its own in the welcome, if people need to know more before they use it.
    note: str = ""


@dataclass(frozen=True)
class TickStep:
    """One thing the tick queues, in its own transaction; ``run`` returns how many it queued,
    and ``counted`` names them for the operator ("check-in(s)")."""

    name: str
    counted: str
    run: Callable[[Session, datetime, Settings, Resources], int]


@dataclass(frozen=True)
class Feature:
    """One feature's registration."""

    name: str
    #: Action ids and form ids starting with this are the feature's (``"pledge."``).
    prefix: str
    commands: tuple[Command, ...]
    on_action: Callable[[Turn, ActionEvent], list[Reply]]
    on_form: Callable[[Turn, FormEvent], list[Reply]]
    #: Its lines in /help; a line mentioning "(admins" is shown to admins only, and an
    #: indented line goes with the line above it.
    help: str = ""
    #: The outbox renderers it queues messages for, by name.
    renderers: Callable[[Resources], Mapping[str, Renderer]] = lambda _: {}
    tick: tuple[TickStep, ...] = ()
    #: The modules holding its tables (``"bot.pledge.models"``), on ``bot.store.models.Base``:
    #: ``bot.catalogue`` imports them, so Alembic and the "migrations match the models" test
    #: see every registered feature's tables even when no handler imports them.
    models: tuple[str, ...] = ()
    #: How the bot's greeting and welcome introduce it (None: they don't mention it).
    introduction: Introduction | None = None
    #: The person's own page (App Home), for the one feature that has one.
    home: Callable[[Turn], Message] | None = None
    #: Forms whose sender must stay anonymous, whatever a submission's round trip says: an
    #: adapter must not take a form's anonymity from data the request itself carries.
    anonymous_forms: frozenset[str] = frozenset()
    #: The reply when handling one of its forms fails unexpectedly, if not the general apology
    #: (a report must never be thought received when it was not).
    failed: Mapping[str, str] = field(default_factory=dict)
    #: Its operator commands for ``inclusion-bot``, each a click command or group named as
    #: "module:attribute" (``"app.cli.packs:export"``): named, not imported, so bot/ imports
    #: neither click nor the application, and ``app/cli`` adds each to the top-level command.
    cli: tuple[str, ...] = ()
    #: What it is loaded with as a process starts (its content, calendar or keys), from the
    #: settings; ``ConfigurationError`` says what to fix. Its handlers find it by type
    #: (``turn.need(Pledge)``).
    load: Callable[[Settings], object] | None = None
    #: Its ``load`` needs secrets (REPORTS_KEY) and runs once the store is open: operator tools
    #: that touch only the store (admins, export, outbox) skip it.
    secret: bool = False
    #: Run once as a process starts, after everything is loaded and the store is open.
    start: Callable[[Session, datetime, Settings, Resources], None] | None = None
    #: It sends people a weekly check-in that other features' items can ride in (the pledge).
    weekly_host: WeeklyHost | None = None
    #: What it adds to a host's weekly check-in for a person and week (the Monday): its items,
    #: grouped by pack. A feature with a part sends its own message only to those nobody hosts.
    weekly_part: Callable[[Session, int, date, Resources], list[Block]] | None = None
    #: The admins' summary of a commitment pack it serves, by the pack's id (None: not one of
    #: its packs). ``/pledge summary PACK`` shows any pack's through ``PackSummaries``.
    pack_summary: Callable[[Turn, str], Message | None] | None = None


#: Commands the router answers itself, whatever the features: no feature may take their names.
BUILT_IN_COMMANDS = frozenset({"help"})
#: What the router can match as a command's name (it lower-cases the first word people type).
_NAME = re.compile(r"[a-z0-9_]+")


class RegistrationError(ValueError):
    """Two registrations claim the same name, or one cannot be reached: refused as a process
    starts, because otherwise the later one would silently win (or never be reached)."""


def check(features: Iterable[Feature]) -> None:
    """Refuse registrations that clash: a command name twice or taken from a built-in (help),
    a name the router could never match, or action/form prefixes that overlap (one feature
    would receive the other's buttons)."""
    owners: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for feature in features:
        for command in feature.commands:
            name = command.name
            if name in BUILT_IN_COMMANDS:
                raise RegistrationError(
                    f"The {feature.name} feature registers /{name}, a built-in command: "
                    "give it another name."
                )
            if not _NAME.fullmatch(name):
                raise RegistrationError(
                    f"The {feature.name} feature registers /{name}: a command's name is "
                    "lower-case letters, digits and underscores only."
                )
            if name in owners:
                raise RegistrationError(
                    f"/{name} is registered by both the {owners[name]} and the "
                    f"{feature.name} features: give one of them another name."
                )
            owners[name] = feature.name
        if not feature.prefix:
            raise RegistrationError(f'The {feature.name} feature needs a prefix, like "name.".')
        for prefix, other in prefixes.items():
            if prefix.startswith(feature.prefix) or feature.prefix.startswith(prefix):
                raise RegistrationError(
                    f"The {other} and {feature.name} features' prefixes overlap "
                    f'({prefix!r}, {feature.prefix!r}): each needs its own, like "name.".'
                )
        prefixes[feature.prefix] = feature.name


@dataclass(frozen=True)
class WeeklyHost:
    """How a feature's weekly check-in takes other features' items, so that a person in
    several packs gets one message a week, grouped by pack, never several."""

    #: Its check-in for a person in the week from a Monday: "waiting" (due later that week),
    #: "open" (made, not yet sent: others may join it), "sent" (others wait for next week),
    #: or "" (none that week: others send their own).
    state: Callable[[Session, int, date], str]
    #: That check-in as it stands, others' parts included: what a guest's button redraws.
    redraw: Callable[[Session, int, date, Resources], Message | None]


@dataclass(frozen=True)
class Weekly:
    """The features' weekly hosts and parts, carried in the ``Resources``: a feature joins
    another's check-in without importing it."""

    features: tuple[Feature, ...]

    def host(self, session: Session, person_id: int, monday: date) -> tuple[str, str]:
        """(the host feature's name, its state) for a person's week, or ("", "")."""
        for feature in self.features:
            if feature.weekly_host is not None:
                state = feature.weekly_host.state(session, person_id, monday)
                if state:
                    return feature.name, state
        return "", ""

    def parts(
        self, session: Session, person_id: int, monday: date, resources: Resources
    ) -> list[Block]:
        return [
            block
            for feature in self.features
            if feature.weekly_part is not None
            for block in feature.weekly_part(session, person_id, monday, resources)
        ]

    def redraw(
        self, host: str, session: Session, person_id: int, monday: date, resources: Resources
    ) -> Message | None:
        for feature in self.features:
            if feature.name == host and feature.weekly_host is not None:
                return feature.weekly_host.redraw(session, person_id, monday, resources)
        return None


def offered(features: tuple[Feature, ...]) -> tuple[object, ...]:
    """What features offer each other through the ``Resources`` (the router's and the
    tick's): pack summaries and weekly check-ins."""
    return PackSummaries(features), Weekly(features)


@dataclass(frozen=True)
class PackSummaries:
    """Every feature's ``pack_summary``, carried in the ``Resources``: one feature's command
    shows another's pack without importing it."""

    features: tuple[Feature, ...]

    def of(self, turn: Turn, pack_id: str) -> Message | None:
        for feature in self.features:
            if feature.pack_summary is not None:
                found = feature.pack_summary(turn, pack_id)
                if found is not None:
                    return found
        return None
