"""The terminal as the core sees it (``bot/platforms.py``): a name, nothing to redact."""

from __future__ import annotations

from adapters.host import Surface
from bot.platforms import Platform

CONSOLE = Platform(name="console")
#: Not served on the web: the console runs in the terminal (``inclusion-bot chat``).
SURFACE = Surface(CONSOLE)
