"""Data an organisation can read and edit without touching code; shipped inside the wheel."""

from importlib.resources import files
from pathlib import Path


def path(name: str) -> Path:
    """The path of a content file shipped with the package, e.g. ``path("awareness.yaml")``."""
    return Path(str(files(__package__).joinpath(name)))
