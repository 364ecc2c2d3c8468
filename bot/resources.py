"""What a process loaded for its features (the pledge's content, the awareness calendar, the
reports desk), one object per type: the router, the turn, the renderers and the tick carry them
without naming a feature, and each feature asks for its own (``turn.need(Pledge)``)."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


class Resources:
    """The process-wide objects features were loaded with, one per type."""

    def __init__(self, *items: object) -> None:
        self._items: dict[type, object] = {type(i): i for i in items if i is not None}

    def get(self, kind: type[T], default: T) -> T:
        found = self._items.get(kind, default)
        assert isinstance(found, kind)
        return found

    def find(self, kind: type[T]) -> T | None:
        found = self._items.get(kind)
        return found if isinstance(found, kind) else None

    def need(self, kind: type[T]) -> T:
        found = self._items.get(kind)
        if not isinstance(found, kind):
            raise LookupError(f"this process was built without a {kind.__name__}")
        return found
