"""The pledge's commitments and suggested steps, read from content/pledge.yaml.

The words are IP Inclusive's; an organisation may edit or extend them. Validation here turns a
broken edit into a clear start-up error rather than a confusing check-in.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, Field, model_validator

import content as shipped
from bot.config import ConfigurationError, Settings
from bot.pledge.workdays import ClosuresError, file_closures


class Link(BaseModel):
    label: str
    url: str


class Suggestion(BaseModel):
    id: str
    text: str = Field(max_length=500)
    links: list[Link] = Field(default_factory=list)
    #: A behaviour kept up week after week (acting as an ally), answered "Ongoing", not "Done".
    ongoing: bool = False
    #: A short editor's note shown with the step (a dated term in the pledge's own words is
    #: kept as written and explained here, never rewritten).
    note: str = Field(default="", max_length=300)


class Commitment(BaseModel):
    number: int = Field(ge=1)
    title: str
    steps: list[Suggestion] = Field(min_length=1)


class Pledge(BaseModel):
    title: str
    subtitle: str = ""
    url: str
    contact: str = ""
    commitments: list[Commitment] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique(self) -> Pledge:
        ids = [step.id for c in self.commitments for step in c.steps]
        if len(ids) != len(set(ids)):
            raise ValueError("step ids in pledge.yaml must be unique")
        numbers = [c.number for c in self.commitments]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("commitments must be numbered 1, 2, 3 … in order")
        return self

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
    with path.open(encoding="utf-8") as handle:
        return Pledge.model_validate(yaml.safe_load(handle))


def load_content(settings: Settings) -> Pledge:
    """The pledge this process is loaded with (its registration's ``load``): the
    organisation's copy in CONTENT_DIR, else the shipped one; a broken file stops the start."""
    path = settings.content_file("pledge.yaml", shipped.path("pledge.yaml"))
    try:
        pledge = load_pledge(path)
        file_closures(settings.content_dir)  # checked now, so a broken file stops the start
    except ClosuresError as exc:
        raise ConfigurationError(f"The closure days are broken, so I won't start: {exc}") from None
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"Cannot read {path}: {exc}") from None
    return pledge
