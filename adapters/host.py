"""A platform's declaration (``Surface``) and what its wiring attaches itself to (``Host``):
the web server's routes, the outbox senders and start/stop hooks (the server itself is
app/web.py, which knows every platform)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web

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


#: Puts a platform on the host when it is configured: its routes or socket, and its sender.
Attach = Callable[[Host, Bot, Settings], None]


@dataclass(frozen=True)
class Surface:
    """One platform: what the core knows of it, and how it is served."""

    core: Platform
    #: None for a surface that is not served on the web (the console runs in the terminal).
    attach: Attach | None = None
