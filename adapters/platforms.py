"""The platforms this bot serves, and the process's settings class (the core's with theirs).
Adding one is a folder in adapters/ with its ``platform.py`` (a ``Surface``), and one line
here."""

from __future__ import annotations

from adapters.console import platform as console
from adapters.host import Host, Surface
from adapters.slack import platform as slack
from adapters.teams import platform as teams
from bot import platforms
from bot.config import Settings as CoreSettings
from bot.router import Bot

PLATFORMS: tuple[Surface, ...] = (console.SURFACE, slack.SURFACE, teams.SURFACE)


def settings_class(surfaces: tuple[Surface, ...] = PLATFORMS) -> type[CoreSettings]:
    """The core's settings with every platform's mixed in: one class, so the environment and
    ``.env`` are read once, every variable keeps its name and every message its wording, and a
    platform's code narrows the process's settings to its own (``slack_settings(settings)``)."""
    mixins = tuple(surface.settings for surface in surfaces if surface.settings is not None)
    return type("Settings", (CoreSettings, *mixins), {"__module__": __name__})


#: What the process reads its settings with (``app/runtime.load_settings``), and the tests.
Settings = settings_class()


def register_all(surfaces: tuple[Surface, ...] = PLATFORMS) -> None:
    """Before anything logs: every process registers them first (the CLI, the runtime)."""
    platforms.register(*(surface.core for surface in surfaces))


def attach_all(
    host: Host, bot: Bot, settings: CoreSettings, surfaces: tuple[Surface, ...] = PLATFORMS
) -> None:
    """Serve every configured platform on ``host``."""
    for surface in surfaces:
        attach = surface.attacher(settings)
        if attach is not None:
            attach(host, bot, settings)
