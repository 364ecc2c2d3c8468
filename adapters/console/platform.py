"""The terminal as the core sees it (``bot/platforms.py``): a name, nothing to redact."""

from __future__ import annotations

from bot.platforms import Platform

CONSOLE = Platform(name="console")
