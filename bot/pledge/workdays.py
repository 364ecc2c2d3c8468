"""Working days where a leader works, so a check-in or reminder never lands on a day off.

A day is off if it is a public holiday where the leader works (the ``holidays`` package, by
country and optional subdivision: ``GB-SCT``, ``US-CA``) or one of the organisation's closure
days (``closures.yaml`` in CONTENT_DIR, and those admins add with ``/pledge closures add``).
Something due on a day off moves to the next working day at the same local time: not a
weekend (the country's own weekend, as the holidays package knows it), holiday or closure.
A leader who chose a weekend day for check-ins keeps it: only days off move a check-in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from holidays import country_holidays, list_supported_countries
from pydantic import BaseModel, Field, ValidationError, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.pledge.models import ClosureDay

#: The furthest a check-in is moved: a closure longer than this is a mistake in the file,
#: and the check-in then keeps its day rather than vanishing.
MAX_SHIFT_DAYS = 60
CLOSURES_FILE = "closures.yaml"
EXAMPLES = "GB, GB-SCT, US, US-CA, IN"

#: Where the time zone alone cannot say which of a country's parts someone works in, but one
#: part's holidays are what most people there keep. Europe/London covers the four nations, and
#: the UK's nationwide table has neither Easter Monday nor the August bank holiday; England's
#: has both, and most of the UK's workforce is in England. Everyone can change it.
DEFAULT_SUBDIVISION = {"GB": "ENG"}


class UnknownWorkplace(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(
            f"{text!r} is not a country (or country and region) I know holidays for. "
            f"Use a code like {EXAMPLES}."
        )


@dataclass(frozen=True)
class Workplace:
    """Where a leader works, for public holidays: an ISO country code and optional part."""

    country: str
    subdivision: str | None = None

    @property
    def code(self) -> str:
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country


@cache
def _supported() -> dict[str, tuple[str, ...]]:
    return {code: tuple(parts) for code, parts in list_supported_countries().items()}


def parse_workplace(text: str) -> Workplace:
    """``GB``, ``gb-sct``, ``US-CA`` as a Workplace; UnknownWorkplace if holidays has no table."""
    country, _, part = text.strip().upper().replace("_", "-").partition("-")
    subdivisions = _supported().get(country)
    if subdivisions is None or (part and part not in subdivisions):
        raise UnknownWorkplace(text.strip())
    return Workplace(country, part or None)


@cache
def _country_of_zone() -> dict[str, str]:
    """IANA zone -> ISO country, from the tz database's own zone.tab (the tzdata package),
    so the mapping is the one the zones come from, not a hand-kept list."""
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    found: dict[str, str] = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            country, _, name, *_ = line.split("\t")
            found[name] = country
    return found


def default_workplace(timezone: str) -> Workplace | None:
    """The workplace a time zone suggests: its country in zone.tab, and for a country whose
    zone spans parts with different holidays, DEFAULT_SUBDIVISION's part. None for UTC and
    zones no country's holidays table covers: then only closure days move check-ins."""
    country = _country_of_zone().get(timezone)
    if country is None or country not in _supported():
        return None
    return Workplace(country, DEFAULT_SUBDIVISION.get(country))


@cache
def _days_off(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """One year's public holidays, memoised as an immutable set (worker threads share it)."""
    return frozenset(country_holidays(country, subdiv=subdivision, years=year))


@cache
def _weekend(country: str) -> frozenset[int]:
    return frozenset(country_holidays(country).weekend)


def why_off(day: date, place: Workplace | None, closures: dict[date, str]) -> str | None:
    """What makes ``day`` a day off, in words ("Easter Monday"), or None if it is not one."""
    if day in closures:
        return closures[day] or "an organisation closure day"
    if place is None or day not in _days_off(place.country, place.subdivision, day.year):
        return None
    name = country_holidays(place.country, subdiv=place.subdivision, years=day.year).get(day)
    return str(name) if name else "a public holiday"


def is_day_off(day: date, place: Workplace | None, closures: frozenset[date]) -> bool:
    if day in closures:
        return True
    return place is not None and day in _days_off(place.country, place.subdivision, day.year)


def _working(day: date, place: Workplace | None, closures: frozenset[date]) -> bool:
    weekend = _weekend(place.country) if place else frozenset({5, 6})
    return day.weekday() not in weekend and not is_day_off(day, place, closures)


def shift(
    instant: datetime, tz: ZoneInfo, place: Workplace | None, closures: frozenset[date]
) -> datetime:
    """``instant`` if its local day is not a day off, else the next working day at the same
    local time (as UTC). Monday 09:00 London on Easter Monday becomes Tuesday 09:00."""
    local = instant.astimezone(tz)
    if not is_day_off(local.date(), place, closures):
        return instant
    day = local.date()
    for _ in range(MAX_SHIFT_DAYS):
        day += timedelta(days=1)
        if _working(day, place, closures):
            return datetime.combine(day, local.time(), tzinfo=tz).astimezone(UTC)
    return instant


def workplace_of(country: str | None, subdivision: str | None, timezone: str) -> Workplace | None:
    """A leader's stored columns as a Workplace: as they said, else (null, as for leaders who
    signed before it was asked) from their time zone."""
    return Workplace(country, subdivision) if country else default_workplace(timezone)


# --- the organisation's closure days --------------------------------------------------------


class ClosuresError(ValueError):
    pass


class _Closure(BaseModel):
    day: date = Field(alias="date")
    until: date | None = None
    label: str = Field(default="", max_length=100)

    @model_validator(mode="after")
    def _ordered(self) -> _Closure:
        last = self.day + timedelta(days=MAX_SHIFT_DAYS)
        if self.until is not None and not self.day <= self.until <= last:
            raise ValueError(f"until must be on or after date, within {MAX_SHIFT_DAYS} days")
        return self


class _ClosuresFile(BaseModel):
    closures: list[_Closure] = Field(default_factory=list)


def _spread(first: date, last: date | None) -> Iterable[date]:
    day = first
    while day <= (last or first):
        yield day
        day += timedelta(days=1)


@cache
def _read_closures(path: Path, _mtime_ns: int) -> dict[date, str]:
    try:
        with path.open(encoding="utf-8") as handle:
            parsed = _ClosuresFile.model_validate(yaml.safe_load(handle) or {})
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ClosuresError(f"{path}: {exc}") from exc
    return {day: c.label for c in parsed.closures for day in _spread(c.day, c.until)}


def file_closures(content_dir: Path | None) -> dict[date, str]:
    """The closure days in CONTENT_DIR's closures.yaml (none without one). Read again when
    the file changes; a broken file raises ClosuresError naming it."""
    if content_dir is None:
        return {}
    path = content_dir / CLOSURES_FILE
    if not path.is_file():
        return {}
    return _read_closures(path, path.stat().st_mtime_ns)


def closures(session: Session, content_dir: Path | None) -> dict[date, str]:
    """Every closure day, the file's and the admins', with its label (the admins' win)."""
    found = file_closures(content_dir)
    for row in session.execute(select(ClosureDay.day, ClosureDay.label)):
        found[row.day] = row.label
    return found


def closed_days(session: Session, content_dir: Path | None) -> frozenset[date]:
    return frozenset(closures(session, content_dir))
