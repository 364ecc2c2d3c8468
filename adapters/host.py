"""What a platform's wiring attaches itself to: the web server's routes, the outbox senders
and start/stop hooks (the server itself is app/web.py, which knows every platform)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from aiohttp import web

from bot.outbox import Sender

Hook = Callable[[], Awaitable[None]]


class Host(Protocol):
    #: The public application: a platform adds its routes (/slack/events, /api/messages).
    web: web.Application
    #: The outbox's senders by platform name.
    senders: dict[str, Sender]
    #: Run once the server is up, and as it stops (Socket Mode's connection, for one).
    on_start: list[Hook]
    on_stop: list[Hook]
