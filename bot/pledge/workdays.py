"""Working days where a leader works, so a check-in or reminder never lands on a day off.

A day is off if it is a public holiday where the leader works (the ``holidays`` package, by
country and optional subdivision: ``GB-SCT``, ``US-CA``) or one of the organisation's closure
days (``closures.yaml`` in CONTENT_DIR, and those admins add with ``/pledge closures add``).
Something due on a day off moves to the next working day at the same local time: not a
weekend (the country's own weekend, as the holidays package knows it), holiday or closure.
A leader who chose a weekend day for check-ins keeps it: only days off move a check-in.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

import yaml
from holidays import country_holidays, list_supported_countries
from pydantic import BaseModel, Field, ValidationError, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.pledge.models import ClosureDay

log = logging.getLogger(__name__)

#: The furthest a check-in is moved: a closure longer than this is a mistake in the file,
#: and the check-in then keeps its day rather than vanishing.
MAX_SHIFT_DAYS = 60
CLOSURES_FILE = "closures.yaml"
EXAMPLES = "GB-ENG, GB-SCT, US, US-CA, IN"

#: Countries whose nationwide holidays table leaves out what most people there get off, so a
#: bare country code would quietly lose days: the UK's has neither Easter Monday nor the late
#: August bank holiday. Those are refused, naming the parts to choose from.
PART_NEEDED = {"GB": ("ENG", "WLS", "SCT", "NIR")}

#: Where the time zone alone cannot say which of a country's parts someone works in, but one
#: part's holidays are what most people there keep. Europe/London covers the four nations, and
#: the UK's nationwide table has neither Easter Monday nor the August bank holiday; England's
#: has both, and most of the UK's workforce is in England. Everyone can change it.
DEFAULT_SUBDIVISION = {"GB": "ENG"}


class UnknownWorkplace(ValueError):
    def __init__(self, text: str, parts: tuple[str, ...] = ()) -> None:
        if parts:
            country = text.upper()
            codes = [f"{country}-{part}" for part in parts]
            super().__init__(
                f"{country}'s public holidays differ between its parts: use "
                f"{', '.join(codes[:-1])} or {codes[-1]}."
            )
            return
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
    """``US``, ``gb-sct``, ``US-CA`` as a Workplace; UnknownWorkplace if holidays has no table,
    the code ends in a bare ``-``, or the country is one that needs its part (bare ``GB``)."""
    country, dash, part = text.strip().upper().replace("_", "-").partition("-")
    subdivisions = _supported().get(country)
    if subdivisions is None or (dash and part not in subdivisions):
        raise UnknownWorkplace(text.strip())
    if not part and country in PART_NEEDED:
        raise UnknownWorkplace(country, PART_NEEDED[country])
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
def _days_off(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    """One year's public holidays and their names, memoised read-only (worker threads share
    it): the holidays package builds its table anew on every call."""
    table = country_holidays(country, subdiv=subdivision, years=year)
    return MappingProxyType({day: str(name) for day, name in table.items()})


@cache
def _weekend(country: str) -> frozenset[int]:
    return frozenset(country_holidays(country).weekend)


def why_off(day: date, place: Workplace | None, closures: dict[date, str]) -> str | None:
    """What makes ``day`` a day off, in words ("Easter Monday"), or None if it is not one."""
    if day in closures:
        return closures[day] or "an organisation closure day"
    if place is None or day not in _days_off(place.country, place.subdivision, day.year):
        return None
    name = _days_off(place.country, place.subdivision, day.year)[day]
    return name or "a public holiday"


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


#: The last closures.yaml that read cleanly, by path, and the broken versions already logged:
#: a file edited into a bad state while the bot runs must not stop every scheduled message.
_last_good: dict[Path, dict[date, str]] = {}
_reported: set[tuple[Path, int]] = set()
_lock = threading.Lock()


def file_closures(content_dir: Path | None, *, strict: bool = False) -> dict[date, str]:
    """The closure days in CONTENT_DIR's closures.yaml (none without one), read again when
    the file changes. ``strict`` (the start-up check) raises ClosuresError naming a broken
    file; otherwise a broken file is logged once per version and the last good one is used."""
    if content_dir is None:
        return {}
    path = content_dir / CLOSURES_FILE
    if not path.is_file():
        return {}
    version = path.stat().st_mtime_ns
    try:
        found = _read_closures(path, version)
    except ClosuresError as exc:
        if strict:
            raise
        with _lock:
            first = (path, version) not in _reported
            _reported.add((path, version))
            kept = dict(_last_good.get(path, {}))
        if first:
            log.error(
                "The closure days file is broken, so I keep using its last good version "
                "(%d days) until it is fixed: %s",
                len(kept),
                exc,
            )
        return kept
    with _lock:
        _last_good[path] = found
    return dict(found)


def closures(session: Session, content_dir: Path | None) -> dict[date, str]:
    """Every closure day, the file's and the admins', with its label (the admins' win)."""
    found = file_closures(content_dir)
    for row in session.execute(select(ClosureDay.day, ClosureDay.label)):
        found[row.day] = row.label
    return found


def closed_days(session: Session, content_dir: Path | None) -> frozenset[date]:
    return frozenset(closures(session, content_dir))
