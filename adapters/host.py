"""A platform's declaration (``Surface``) and what its wiring attaches itself to (``Host``):
the web server's routes, the outbox senders and start/stop hooks (the server itself is
app/web.py, which knows every platform)."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web
from pydantic_settings import BaseSettings

from bot.config import Settings
from bot.outbox import Sender
from bot.platforms import Platform
from bot.router import Bot

Hook = Callable[[], Awaitable[None]]


class Host(Protocol):
    #: The public application: a platform adds its routes (/slack/events, /api/messages).
    web: web.Application
    #: The outbox's senders by platform name.
    senders: dict[str, Sender]
    #: Run once the server is up, and as it stops (Socket Mode's connection, for one).
    on_start: list[Hook]
    on_stop: list[Hook]


#: Puts a platform on the host: its routes or socket and its sender when it is configured.
Attach = Callable[[Host, Bot, Settings], object]


@dataclass(frozen=True)
class Surface:
    """One platform: what the core knows of it, and how it is served."""

    core: Platform
    #: Its own settings (``adapters/<platform>/settings.py``), read from the environment and
    #: ``.env`` with the core's: ``adapters/platforms.py`` mixes them into the process's class.
    settings: type[BaseSettings] | None = None
    #: Its ``Attach``, as "module:function": named, not imported, so a process imports a
    #: platform's SDK only when it serves it (the CLI and the console start without them).
    #: None for a surface that is not served on the web (the console runs in the terminal).
    attach: str | None = None
    #: Whether this process serves it (Teams is always attached: it refuses requests when it
    #: is not configured, rather than leaving /api/messages unanswered).
    served: Callable[[Settings], bool] = lambda _: True
    #: Its operator commands for ``inclusion-bot`` (set-up: manifests, packages), each a click
    #: command or group named as "module:attribute", as a feature's are (``bot/features.py``).
    cli: tuple[str, ...] = ()

    def attacher(self, settings: Settings) -> Attach | None:
        """Its ``Attach`` when this process serves it, imported now."""
        if self.attach is None or not self.served(settings):
            return None
        module, _, name = self.attach.partition(":")
        found: Attach = getattr(importlib.import_module(module), name)
        return found
