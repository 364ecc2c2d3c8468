"""Commitment packs: one programme (the pledge, the anti-racism commitments, the progression
checklist, the social mobility outcomes) as a YAML file in content/packs/ or CONTENT_DIR/packs/.

Every programme in the source documents has the same shape (commitments, practical actions,
people who own them, progress over time), so one format and one loader serve them all. A pack
is validated when the process starts, and a broken one stops it with a message naming the
file, the entry and the problem: an organisation's edit then fails in front of its operator,
not in a leader's check-in weeks later.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

import content as shipped
from bot.config import ConfigurationError, Settings


class PackError(ValueError):
    """A pack file is unusable; the message names the file, the entry and the problem."""


@dataclass(frozen=True)
class Status:
    """One step of a pack's status scale: what is stored, what people see, the button's
    shorter words, its colour on the board, and whether it settles the action (a due date
    that passes on a settled action is not overdue)."""

    key: str
    label: str
    button: str
    colour: str
    settled: bool = False


#: The scales a pack may use. ``pledge``: the pledge's statuses, which check-ins have always
#: offered (bot/pledge/wording.py words them the same), coloured for an organisation's board.
#: ``rag``: the progression checklist's three levels, shown as red, amber and green.
SCALES: dict[str, tuple[Status, ...]] = {
    "pledge": (
        Status("done", "Done", "Done", "green", settled=True),
        Status("ongoing", "Ongoing", "Ongoing", "green", settled=True),
        Status("progressing", "Progressing", "Progressing", "amber"),
        Status("stuck", "Stuck", "Stuck", "red"),
        Status("not_started", "Not started", "Not started", "red"),
    ),
    "rag": (
        # The checklist's own three levels, word for word (its column headings).
        Status("red", "Red: Nothing/Not something you currently do", "Red: Nothing", "red"),
        Status("amber", "Amber: Do something in this space but limited", "Amber: Limited", "amber"),
        Status(
            "green", "Green: Actively do this", "Green: Actively do this", "green", settled=True
        ),
    ),
}
#: The board's colours, in the order it counts them.
COLOURS = ("red", "amber", "green")


_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class _Strict(BaseModel):
    # A misspelt key (``acions:``) is an error, not an ignored line.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Link(_Strict):
    label: str = Field(min_length=1, max_length=150)
    url: str = Field(pattern=r"^https?://\S+$")


class Action(_Strict):
    """A suggested practical action (the pledge calls them steps)."""

    id: str = Field(min_length=1, max_length=20)
    text: str = Field(min_length=1, max_length=500)
    links: tuple[Link, ...] = ()
    #: A behaviour kept up week after week (acting as an ally), answered "Ongoing", not "Done".
    ongoing: bool = False
    #: A short editor's note shown with the action (a dated term in the document's own words is
    #: kept as written and explained here, never rewritten).
    note: str = Field(default="", max_length=300)
    #: Free labels other features match on (an awareness date's id, a role).
    tags: tuple[str, ...] = ()


class Commitment(_Strict):
    number: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=300)
    #: The id of the theme it belongs to, when the pack has themes.
    theme: str = ""
    note: str = Field(default="", max_length=300)
    actions: tuple[Action, ...] = Field(min_length=1)


class Theme(_Strict):
    id: str = Field(pattern=_ID.pattern)
    title: str = Field(min_length=1, max_length=150)


class Source(_Strict):
    title: str = Field(min_length=1, max_length=300)
    url: str = Field(default="", pattern=r"^(https?://\S+)?$")


class Pack(_Strict):
    id: str = Field(pattern=_ID.pattern)
    title: str = Field(min_length=1, max_length=150)
    subtitle: str = ""
    source: Source
    contact: str = ""
    intro: str = ""
    #: ``personal``: each person signs and picks actions (the pledge); ``organisation``: an
    #: admin adopts the pack and gives its actions to owners.
    mode: Literal["personal", "organisation"]
    cadence: Literal["weekly", "monthly", "quarterly"]
    scale: Literal["pledge", "rag"]
    themes: tuple[Theme, ...] = ()
    commitments: tuple[Commitment, ...] = Field(min_length=1)
    #: Questions to answer once the actions are rated (the checklist's next steps).
    follow_up: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Pack:
        numbers = [c.number for c in self.commitments]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("commitments must be numbered 1, 2, 3 … in order")
        seen: dict[str, int] = {}
        for c in self.commitments:
            for a in c.actions:
                if a.id in seen:
                    where = (
                        f"commitments {seen[a.id]} and {c.number}"
                        if seen[a.id] != c.number
                        else f"commitment {c.number}"
                    )
                    raise ValueError(f"action id {a.id} is used twice, in {where}")
                seen[a.id] = c.number
        themes = {t.id for t in self.themes}
        for c in self.commitments:
            if (c.theme or themes) and c.theme not in themes:
                raise ValueError(
                    f"commitment {c.number}: theme {c.theme or '(none)'} is not one of the "
                    f"pack's themes ({', '.join(sorted(themes)) or 'none declared'})"
                )
        return self

    @property
    def statuses(self) -> tuple[Status, ...]:
        return SCALES[self.scale]

    def status(self, key: str) -> Status | None:
        return next((s for s in self.statuses if s.key == key), None)

    def commitment(self, number: int) -> Commitment:
        return self.commitments[number - 1]

    def action(self, action_id: str) -> tuple[Commitment, Action] | None:
        for commitment in self.commitments:
            for action in commitment.actions:
                if action.id == action_id:
                    return commitment, action
        return None

    def theme_title(self, theme_id: str) -> str:
        return next((t.title for t in self.themes if t.id == theme_id), "")

    def outline(self) -> dict[str, object]:
        """What ``inclusion-bot packs list --format json`` prints for this pack."""
        return {
            "id": self.id,
            "title": self.title,
            "mode": self.mode,
            "cadence": self.cadence,
            "scale": [s.key for s in self.statuses],
            "commitments": [
                {"title": c.title, "actions": [a.text for a in c.actions]} for c in self.commitments
            ],
        }


@dataclass(frozen=True)
class Packs:
    """Every pack this process loaded, in id order; a feature finds its own by id or mode."""

    packs: tuple[Pack, ...]

    def __iter__(self) -> Iterator[Pack]:
        return iter(self.packs)

    def get(self, pack_id: str) -> Pack | None:
        return next((p for p in self.packs if p.id == pack_id), None)

    def need(self, pack_id: str) -> Pack:
        found = self.get(pack_id)
        if found is None:
            raise LookupError(f"no pack with id {pack_id}")
        return found

    def of_mode(self, mode: str) -> tuple[Pack, ...]:
        return tuple(p for p in self.packs if p.mode == mode)


NO_PACKS = Packs(())


def _where(data: object, loc: tuple[int | str, ...]) -> str:
    """The entry a validation error is about, as the file's author would find it: the
    commitment's number and the action's id rather than list positions."""
    parts: list[str] = []
    for key in loc:
        if isinstance(key, str):
            parts.append(key)
            data = data.get(key) if isinstance(data, dict) else None
            continue
        data = data[key] if isinstance(data, list) and 0 <= key < len(data) else None
        named = parts.pop() if parts else "entry"
        if isinstance(data, dict) and "number" in data and named == "commitments":
            parts.append(f"commitment {data['number']}")
        elif isinstance(data, dict) and "id" in data:
            parts.append(f"{named.removesuffix('s')} {data['id']}")
        else:
            parts.append(f"{named.removesuffix('s')} {key + 1}")
    return ": ".join(parts)


def read_pack(path: Path) -> Pack:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise PackError(f"{path}: cannot read it as YAML: {exc}") from None
    if not isinstance(data, dict):
        raise PackError(f"{path}: expected a mapping with id, title, mode, … and commitments")
    try:
        return Pack.model_validate(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = _where(data, tuple(problem["loc"])) or "the pack"
        label = data.get("id", path.stem)
        message = problem["msg"].removeprefix("Value error, ")
        raise PackError(f"{path}: {label}: {where}: {message}") from None


def load_packs(paths: list[Path], own: list[Path] | None = None) -> Packs:
    """Read the shipped files, then the organisation's ``own``: an own pack replaces a shipped
    one with its id (an organisation's copy in CONTENT_DIR/packs). Two files of one folder with
    the same id are refused, naming both: which one wins would otherwise depend on file names."""
    by_id: dict[str, Pack] = {}
    for layer in (paths, own or []):
        read_from: dict[str, Path] = {}
        for path in layer:
            pack = read_pack(path)
            if pack.id in read_from:
                raise PackError(
                    f"{path}: {pack.id}: id: {read_from[pack.id]} has the same id; "
                    "give one of them another id, or remove one"
                )
            read_from[pack.id] = path
            by_id[pack.id] = pack
    return Packs(tuple(sorted(by_id.values(), key=lambda p: p.id)))


#: The personal pack the pledge journey serves (the one personal pack, for now).
PLEDGE_PACK = "pledge"
BROKEN = "A commitment pack is broken, so I won't start"


def load_configured(settings: Settings) -> Packs:
    """The shipped packs (content/packs/*.yaml), then the organisation's own
    (CONTENT_DIR/packs/*.yaml), a later pack replacing an earlier one with its id; what the
    pledge's and the organisation packs' registrations are loaded with. A broken pack stops
    the start, naming the file, the entry and the problem."""
    paths = sorted(shipped.path("packs").glob("*.yaml"))
    own: list[Path] = []
    if settings.content_dir is not None:
        old = settings.content_dir / "pledge.yaml"
        if old.is_file():
            raise ConfigurationError(
                f"{old}: the pledge is now a pack: move it to "
                f"{settings.content_dir / 'packs' / 'pledge.yaml'} in the pack format (README, "
                "Commitment packs), so I won't start"
            )
        own = sorted((settings.content_dir / "packs").glob("*.yaml"))
    try:
        packs = load_packs(paths, own)
    except PackError as exc:
        raise ConfigurationError(f"{BROKEN}: {exc}") from None
    pledge = packs.get(PLEDGE_PACK)
    if pledge is None or pledge.mode != "personal":
        raise ConfigurationError(f"{BROKEN}: no personal pack with id {PLEDGE_PACK} (the pledge)")
    others = [p.id for p in packs.of_mode("personal") if p.id != PLEDGE_PACK]
    if others:
        raise ConfigurationError(
            f"{BROKEN}: {others[0]}: mode: only the pledge is a personal pack for now; make it "
            "an organisation pack"
        )
    return packs
