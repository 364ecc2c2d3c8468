"""The terminal as the core sees it (``bot/platforms.py``): a name, nothing to redact."""

from __future__ import annotations

from adapters.host import Surface
from bot.platforms import Platform

#: Delivered to when no other platform is configured.
CONSOLE = Platform(name="console", fallback=True)
#: Not served on the web: the console runs in the terminal (``inclusion-bot chat``).
SURFACE = Surface(CONSOLE)
