"""The platforms this bot serves. Adding one is a folder in adapters/ with its
``platform.py`` (a ``Surface``), and one line here."""

from __future__ import annotations

from adapters.console import platform as console
from adapters.host import Host, Surface
from adapters.slack import platform as slack
from adapters.teams import platform as teams
from bot import platforms
from bot.config import Settings
from bot.router import Bot

PLATFORMS: tuple[Surface, ...] = (console.SURFACE, slack.SURFACE, teams.SURFACE)


def register_all(surfaces: tuple[Surface, ...] = PLATFORMS) -> None:
    """Before anything logs: every process registers them first (the CLI, the runtime)."""
    platforms.register(*(surface.core for surface in surfaces))


def attach_all(
    host: Host, bot: Bot, settings: Settings, surfaces: tuple[Surface, ...] = PLATFORMS
) -> None:
    """Serve every configured platform on ``host``."""
    for surface in surfaces:
        attach = surface.attacher(settings)
        if attach is not None:
            attach(host, bot, settings)
