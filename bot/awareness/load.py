"""What awareness dates are loaded with (its registration's ``load``): the calendar, read once
as a process starts. Apart from calendar.py, which bot/config.py imports for its regions."""

from __future__ import annotations

import content as shipped
from bot.awareness.calendar import Calendar, CalendarError, load_calendar
from bot.config import ConfigurationError, Settings


def load_awareness(settings: Settings) -> Calendar:
    """The shipped calendar, then the organisation's own files (AWARENESS_DIR/*.yaml) over it."""
    paths = [shipped.path("awareness.yaml")]
    if settings.awareness_dir is not None:
        if not settings.awareness_dir.is_dir():
            raise ConfigurationError(f"AWARENESS_DIR {settings.awareness_dir} is not a folder")
        paths += sorted(settings.awareness_dir.glob("*.yaml"))
    try:
        return load_calendar(paths)
    except CalendarError as exc:
        raise ConfigurationError(
            f"The awareness calendar is broken, so I won't start: {exc}"
        ) from None
