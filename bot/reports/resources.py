"""What the reports feature needs besides the database: the vault, the categories, and the
in-memory limits that slow abuse without remembering anyone."""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml
from cachetools import TTLCache
from pydantic import BaseModel, Field

from bot.conversation import Actor
from bot.reports.secrets import Vault


class Category(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    label: str
    description: str
    #: The word for the form's heading where the label would not read well there (both kinds
    #: of harassment are "harassment"); without it, the label.
    topic: str | None = None

    @property
    def heading_word(self) -> str:
        """``topic``, or the label as running text: "Something else" becomes "something else",
        "LGBT+ harassment" keeps its capitals."""
        if self.topic:
            return self.topic
        first = self.label.split(" ", 1)[0]
        return self.label if first.isupper() else self.label[:1].lower() + self.label[1:]


def load_categories(path: Path) -> list[Category]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Category.model_validate(item) for item in data["categories"]]


class Limiter:
    """Counts events per key in a sliding window, in memory only, with keys that are keyed
    hashes (HMAC with a per-process random pepper) of user ids: it can slow an abuser down but
    cannot tell anyone, not even a database dump, who filed what.

    Time is the turn's ``now`` (the injected clock), passed in, so the console's ``/clock`` and
    the tests move it like everything else."""

    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._now = 0.0
        self._seen: TTLCache[str, list[float]] = TTLCache(
            maxsize=100_000, ttl=window_seconds, timer=lambda: self._now
        )

    def _recent(self, key: str, now: datetime) -> list[float]:
        self._now = now.timestamp()
        return [t for t in self._seen.get(key, []) if self._now - t < self.window]

    def hit(self, key: str, now: datetime) -> bool:
        """Record one event; False if ``key`` is already at its limit (nothing recorded)."""
        recent = self._recent(key, now)
        if len(recent) >= self.limit:
            return False
        self._seen[key] = [*recent, self._now]
        return True

    def blocked(self, key: str, now: datetime) -> bool:
        return len(self._recent(key, now)) >= self.limit


@dataclass
class Desk:
    vault: Vault
    categories: list[Category]
    reports_per_hour: int = 5
    rng: random.Random = field(default_factory=random.SystemRandom)
    pepper: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    filed: Limiter = field(init=False)
    guesses: Limiter = field(init=False)

    def __post_init__(self) -> None:
        self.filed = Limiter(self.reports_per_hour, 3600)
        # Wrong follow-up guesses slow down the one guessing, never the case: anyone who knows
        # a reference could otherwise lock its reporter out.
        self.guesses = Limiter(5, 900)

    def tag(self, actor: Actor) -> str:
        """A keyed hash of who is acting: the only form in which a reporter is ever held."""
        who = f"{actor.platform}\0{actor.tenant}\0{actor.user_id}".encode()
        return hmac.new(self.pepper, who, hashlib.sha256).hexdigest()

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)
