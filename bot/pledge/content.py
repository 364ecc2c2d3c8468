"""The pledge's commitments and suggested steps: the personal pack ``pledge``
(content/packs/pledge.yaml, or the organisation's copy in CONTENT_DIR/packs/).

The pack format (bot/packs/content.py) is shared by every programme; this is the pledge's view
of it, in the pledge's own terms (steps rather than actions), so the pledge journey reads as it
always has. Validation happens when the pack loads.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from bot.config import ConfigurationError, Settings
from bot.packs.content import PLEDGE_PACK, Link, Pack, load_configured, read_pack
from bot.packs.content import Action as Suggestion
from bot.pledge.workdays import ClosuresError, file_closures

__all__ = [
    "PLEDGE_PACK",
    "Commitment",
    "Link",
    "Pledge",
    "Suggestion",
    "load_content",
    "load_pledge",
]


class Commitment(BaseModel):
    number: int = Field(ge=1)
    title: str
    steps: tuple[Suggestion, ...] = Field(min_length=1)


class Pledge(BaseModel):
    title: str
    subtitle: str = ""
    url: str
    contact: str = ""
    commitments: tuple[Commitment, ...] = Field(min_length=1)

    @classmethod
    def from_pack(cls, pack: Pack) -> Pledge:
        return cls(
            title=pack.title,
            subtitle=pack.subtitle,
            url=pack.source.url,
            contact=pack.contact,
            commitments=tuple(
                Commitment(number=c.number, title=c.title, steps=c.actions)
                for c in pack.commitments
            ),
        )

    def commitment(self, number: int) -> Commitment:
        return self.commitments[number - 1]

    def ongoing(self, suggestion_id: str | None) -> bool | None:
        """True for a behaviour, False for an action, None for a leader's own step (or one
        whose suggestion an organisation has since removed): then both answers are offered."""
        found = self.suggestion(suggestion_id) if suggestion_id else None
        return found.ongoing if found else None

    def suggestion(self, step_id: str) -> Suggestion | None:
        for commitment in self.commitments:
            for step in commitment.steps:
                if step.id == step_id:
                    return step
        return None


def load_pledge(path: Path) -> Pledge:
    """The pledge from its pack file (tests and benchmarks; the runtime loads every pack)."""
    return Pledge.from_pack(read_pack(path))


def load_content(settings: Settings) -> Pledge:
    """The pledge this process is loaded with (its registration's ``load``): the ``pledge``
    pack, validated with every other pack (CONTENT_DIR's copy replaces the shipped one).
    CONTENT_DIR's closures.yaml is checked too, so a broken one stops the start."""
    pledge = Pledge.from_pack(load_configured(settings).need(PLEDGE_PACK))
    try:
        file_closures(settings.content_dir)
    except ClosuresError as exc:
        raise ConfigurationError(f"The closure days are broken, so I won't start: {exc}") from None
    return pledge
