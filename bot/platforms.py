"""What the core needs to know of a platform, declared by its adapter
(``adapters/<platform>/platform.py``) and registered by the process that serves it, so bot/
names no platform: its metrics label, the ids log redaction removes, its SDK's chatty loggers,
the adapter's own notes to admins that a dead-letter alert must not repeat, and whether this
deployment delivers to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot import redaction
from bot.config import Settings


@dataclass(frozen=True)
class Platform:
    name: str
    #: Regular expressions for its ids (people, workspaces, conversations) and for the secrets
    #: its requests carry (URLs that let anyone answer as the bot), redacted from every log.
    redact: tuple[str, ...] = ()
    #: Its SDK's loggers, which log request bodies: held at WARNING whatever LOG_LEVEL says.
    loggers: tuple[str, ...] = ()
    #: The ``ref`` of the adapter's own notes to admins (a dead one raises no alert).
    alert_refs: frozenset[str] = frozenset()
    #: Its outbox gauges read 0, not absent, while nothing is queued (the server platforms).
    gauged: bool = False
    #: Whether this deployment can deliver to it (its settings are there), from the process's
    #: settings, which mix in the platform's own (``adapters/<platform>/settings.py``).
    configured: Callable[[Settings], bool] = lambda _: False
    #: Delivered to when no other platform is configured (the console).
    fallback: bool = False


_REGISTERED: dict[str, Platform] = {}


def register(*platforms: Platform) -> None:
    """Make the platforms known (idempotent): their label, redaction and loggers."""
    for platform in platforms:
        _REGISTERED[platform.name] = platform
        redaction.add(platform.redact, platform.loggers)


def registered() -> tuple[Platform, ...]:
    return tuple(_REGISTERED.values())


def alert_refs() -> frozenset[str]:
    """The adapters' own notes to admins, by ref."""
    return frozenset(ref for p in _REGISTERED.values() for ref in p.alert_refs)


def served(settings: Settings) -> frozenset[str]:
    """The platforms this deployment can deliver to: the configured ones, or the fallback
    (the console) when none is: a console handler in a Slack deployment would never be told
    a thing."""
    configured = frozenset(p.name for p in _REGISTERED.values() if p.configured(settings))
    return configured or frozenset(p.name for p in _REGISTERED.values() if p.fallback)
