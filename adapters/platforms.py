"""The platforms this bot serves. Adding one is a folder in adapters/ with its
``platform.py``, and one line here."""

from __future__ import annotations

from adapters.console.platform import CONSOLE
from adapters.slack.platform import SLACK
from adapters.teams.platform import TEAMS
from bot import platforms
from bot.platforms import Platform

PLATFORMS: tuple[Platform, ...] = (CONSOLE, SLACK, TEAMS)


def register_all() -> None:
    """Before anything logs: every process registers them first (the CLI, the runtime)."""
    platforms.register(*PLATFORMS)
