"""The awareness calendar: entries from YAML, their dates computed by well-kept libraries.

Nothing here does astronomy by hand. Fixed and nth-weekday dates are RFC 5545 RRULEs
(python-dateutil); Islamic dates come from the Umm al-Qura calendar (hijridate) and are only
ever "expected", since communities follow moon sighting; Hebrew dates come from pyluach and
begin the evening before; Chinese and Korean New Year, Diwali, Holi and Vaisakhi come from the
holidays package's national tables (so the two New Years differ when they really do); Western
and Orthodox Easter are dateutil's. Dates an organiser sets each year come from a per-year table,
and an unconfirmed one is flagged so that it is never posted as fact.

A broken file stops the bot with the file, the entry and the problem: a calendar that posts a
wrong date does harm.
"""

from __future__ import annotations

import calendar as monthdays
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import holidays
import yaml
from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter
from dateutil.rrule import rrulestr
from hijridate import Gregorian, Hijri
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pyluach import dates as hebrew

REGIONS = ("global", "uk", "us", "ca", "ie", "au", "nz", "in")
CATEGORIES = (
    "inclusion",
    "race-and-heritage",
    "gender",
    "lgbt",
    "disability",
    "wellbeing",
    "social-mobility",
    "ip",
    "faith-and-culture",
)


#: The days every calendar can work out: the holidays package's tables of Diwali, Holi,
#: Vaisakhi and the other lunisolar dates run from 2001 to 2035 (hijridate's Umm al-Qura tables
#: and pyluach go much further). Outside them those entries would vanish without a word, so
#: the whole calendar refuses them. Whole years, so a year's dates are all known or refused.
FIRST_DAY, LAST_DAY = date(2001, 1, 1), date(2035, 12, 31)


class CalendarError(ValueError):
    """A calendar file is unusable; the message names the file, the entry and the problem."""


class OutOfRange(ValueError):
    """A date the calendars cannot work out; the message says the range, in one line."""


def check_in_range(*days: date) -> None:
    """Refuse a day outside FIRST_DAY..LAST_DAY with one line a person can act on."""
    for day in days:
        if not FIRST_DAY <= day <= LAST_DAY:
            raise OutOfRange(
                f"{day.isoformat()} is outside the range the awareness calendars cover "
                f"({FIRST_DAY.year} to {LAST_DAY.year}); give a date inside it."
            )


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    days: int = Field(default=1, ge=1, le=366)


class RRuleRule(_Rule):
    type: Literal["rrule"]
    rrule: str
    whole_month: bool = False
    from_year: int | None = None
    until_year: int | None = None

    @field_validator("rrule")
    @classmethod
    def _parses(cls, value: str) -> str:
        try:
            rule = rrulestr(value, dtstart=datetime(2000, 1, 1))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"not an RRULE: {exc}") from None
        if "FREQ=YEARLY" not in value.upper():
            raise ValueError("awareness rules repeat yearly: use FREQ=YEARLY")
        if not rule.between(datetime(2024, 1, 1), datetime(2028, 12, 31), inc=True):
            raise ValueError("the rule never happens (an impossible date?)")
        return value

    def starts(self, year: int) -> list[date]:
        if (self.from_year and year < self.from_year) or (
            self.until_year and year > self.until_year
        ):
            return []
        rule = rrulestr(self.rrule, dtstart=datetime(year, 1, 1))
        return [
            d.date() for d in rule.between(datetime(year, 1, 1), datetime(year, 12, 31), inc=True)
        ]

    def length(self, start: date) -> int:
        if self.whole_month:
            return monthdays.monthrange(start.year, start.month)[1] - start.day + 1
        return self.days


class IslamicRule(_Rule):
    type: Literal["islamic"]
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=30)
    #: End the day before this Hijri month's first day (Ramadan ends the day before the
    #: calendar's own Eid al-Fitr, so the two never disagree), instead of after ``days``.
    until_month: int | None = Field(default=None, ge=1, le=12)

    def length(self, start: date) -> int:
        if self.until_month is None:
            return self.days
        hijri = Gregorian(start.year, start.month, start.day).to_hijri()
        year = hijri.year + (1 if self.until_month <= self.month else 0)
        end = Hijri(year, self.until_month, 1).to_gregorian()
        return (date(end.year, end.month, end.day) - start).days

    def starts(self, year: int) -> list[date]:
        found = []
        try:
            first = Gregorian(year, 1, 1).to_hijri().year
        except OverflowError:  # beyond the Umm al-Qura tables: see FIRST_DAY and LAST_DAY
            return []
        for hijri_year in (first, first + 1):
            try:
                day = Hijri(hijri_year, self.month, self.day).to_gregorian()
            except (ValueError, OverflowError):
                continue
            if day.year == year:
                found.append(date(day.year, day.month, day.day))
        return found


class HebrewRule(_Rule):
    type: Literal["hebrew"]
    month: int = Field(ge=1, le=13)
    day: int = Field(ge=1, le=30)

    def starts(self, year: int) -> list[date]:
        found = []
        for hebrew_year in (year + 3760, year + 3761):
            try:
                day = hebrew.HebrewDate(hebrew_year, self.month, self.day).to_pydate()
            except ValueError:
                continue
            if day.year == year:
                found.append(day)
        return found


class HolidayRule(_Rule):
    type: Literal["holiday"]
    country: str
    name: str
    categories: tuple[str, ...] = ("public",)

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if value not in holidays.list_supported_countries():
            raise ValueError(f"the holidays package has no country {value!r}")
        return value

    def starts(self, year: int) -> list[date]:
        """First days only: a national table lists each day of a multi-day holiday (Chinese
        New Year is three), but the observance starts once."""
        table = _holiday_table(self.country, year, self.categories)
        days = {
            day
            for day, names in table.items()
            if self.name in (part.strip() for part in names.split(";"))
        }
        return sorted(day for day in days if day - timedelta(days=1) not in days)


@cache
def _holiday_table(country: str, year: int, categories: tuple[str, ...]) -> dict[date, str]:
    return dict(holidays.country_holidays(country, years=year, categories=categories).items())


class EasterRule(_Rule):
    type: Literal["easter"]
    offset: int = 0
    #: Western Easter (Gregorian reckoning) or Orthodox Easter (Julian reckoning, given as a
    #: Gregorian date), both from dateutil: one faith's two calendars, treated alike.
    church: Literal["western", "orthodox"] = "western"
    #: Skip the years this date is also Western Easter's (2025, 2028, 2031): the Western entry
    #: already greets everyone celebrating, and a channel should not be told twice in a day.
    unless_western: bool = False

    def starts(self, year: int) -> list[date]:
        day = easter(year, EASTER_ORTHODOX if self.church == "orthodox" else EASTER_WESTERN)
        if self.unless_western and day == easter(year, EASTER_WESTERN):
            return []
        return [day + timedelta(days=self.offset)]


class OrganiserDates(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    start: date
    end: date
    confirmed: bool
    source: str = Field(min_length=1)


class OrganiserRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: Literal["organiser"]
    dates: dict[int, OrganiserDates]

    @field_validator("dates")
    @classmethod
    def _ordered(cls, value: dict[int, OrganiserDates]) -> dict[int, OrganiserDates]:
        for year, span in value.items():
            if span.end < span.start or span.start.year != year:
                raise ValueError(f"{year}: start must be in {year} and not after end")
        return value


Rule = Annotated[
    RRuleRule | IslamicRule | HebrewRule | HolidayRule | EasterRule | OrganiserRule,
    Field(discriminator="type"),
]


class MoreLink(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str = Field(min_length=1, max_length=75)
    url: str = Field(pattern=r"^https://")


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)
    name: str = Field(min_length=1, max_length=120)
    kind: Literal["day", "week", "month", "period"]
    regions: tuple[str, ...] = Field(min_length=1)
    category: str
    tone: Literal["celebrate", "mark", "commemorate"]
    rule: Rule
    description: str = Field(min_length=1, max_length=1000)
    link: str = Field(pattern=r"^https://")
    #: The link is the observance's organisers' own site. Religious and cultural dates have
    #: no organisers, so a post must not claim one: it says "Find out more" unless this is set.
    organisers: bool = False
    #: Other links shown after ``link``: a neutral explainer beside one organisation's page.
    more_links: tuple[MoreLink, ...] = Field(default=(), max_length=2)
    #: Running text says "the" before the name ("Today marks the International Day of ...").
    definite: bool = False
    #: Regions whose channels do not get this entry even when they take global ones (the UK
    #: marks 27 January as its own Holocaust Memorial Day).
    not_regions: tuple[str, ...] = ()
    #: For a festival: the greeting people use ("Happy Diwali", "Eid Mubarak"). Posts say
    #: "Today is Diwali. Happy Diwali to everyone celebrating.", never "today we celebrate":
    #: the organisation does not celebrate a faith's festival, some of its people do.
    greeting: str | None = Field(default=None, min_length=1, max_length=60)
    actions: tuple[str, ...] = Field(min_length=1, max_length=5)

    @field_validator("regions", "not_regions")
    @classmethod
    def _known_regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [r for r in value if r not in REGIONS]
        if unknown:
            raise ValueError(f"unknown region {unknown[0]!r}; known: {', '.join(REGIONS)}")
        return value

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"unknown category {value!r}; known: {', '.join(CATEGORIES)}")
        return value

    @property
    def called(self) -> str:
        """The name as running text uses it: "the International Day of ..." where it takes one."""
        return f"the {self.name}" if self.definite else self.name

    @property
    def festival(self) -> bool:
        """A faith or cultural festival: worded for those who celebrate it, not as "we"."""
        return self.category == "faith-and-culture" or self.greeting is not None

    @property
    def expected_only(self) -> bool:
        """Islamic dates depend on moon sighting: announce them as expected."""
        return isinstance(self.rule, IslamicRule)

    @property
    def evening_before(self) -> bool:
        """Jewish festivals begin at sunset the evening before their first day."""
        return isinstance(self.rule, HebrewRule)

    def spans(self, year: int) -> Iterator[tuple[date, date, bool]]:
        """(start, end inclusive, confirmed) for occurrences starting in ``year``."""
        rule = self.rule
        if isinstance(rule, OrganiserRule):
            span = rule.dates.get(year)
            if span:
                yield span.start, span.end, span.confirmed
            return
        for start in rule.starts(year):
            days = rule.length(start) if isinstance(rule, RRuleRule | IslamicRule) else rule.days
            yield start, start + timedelta(days=days - 1), True


@dataclass(frozen=True)
class Occurrence:
    entry: Entry
    start: date
    end: date
    confirmed: bool

    @property
    def key(self) -> str:
        """Stable across restarts: the outbox's idempotency keys are built from it."""
        return f"{self.entry.id}:{self.start.isoformat()}"

    def covers(self, region: str | None) -> bool:
        if region in self.entry.not_regions:
            return False
        return region is None or region in self.entry.regions or "global" in self.entry.regions

    def covers_any(self, regions: list[str]) -> bool:
        """A channel that takes a region the entry leaves out gets none of it."""
        if any(region in self.entry.not_regions for region in regions):
            return False
        return any(self.covers(region) for region in regions)


@dataclass(frozen=True)
class Calendar:
    entries: tuple[Entry, ...]
    _spans: dict[tuple[str, int], list[tuple[date, date, bool]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def entry(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def spans(self, entry: Entry, year: int) -> list[tuple[date, date, bool]]:
        """Memoised: the calendar is fixed once loaded, and every tick asks again."""
        key = (entry.id, year)
        if key not in self._spans:
            self._spans[key] = list(entry.spans(year))
        return self._spans[key]

    def occurrence(self, key: str) -> Occurrence | None:
        """The occurrence named by ``Occurrence.key`` (``entry-id:YYYY-MM-DD``), if any."""
        entry_id, _, start_text = key.partition(":")
        entry = self.entry(entry_id)
        try:
            start = date.fromisoformat(start_text)
        except ValueError:
            return None
        if entry is None:
            return None
        for first, last, confirmed in self.spans(entry, start.year):
            if first == start:
                return Occurrence(entry, first, last, confirmed)
        return None


EMPTY_CALENDAR = Calendar(())


def _read(path: Path) -> list[Entry]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as exc:  # yaml raises ValueError on 03-32
        raise CalendarError(f"{path}: cannot read it as YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise CalendarError(f"{path}: expected a mapping with a list under 'entries'")
    entries = []
    for index, raw in enumerate(data["entries"], start=1):
        label = raw.get("id", f"entry {index}") if isinstance(raw, dict) else f"entry {index}"
        try:
            entries.append(Entry.model_validate(raw))
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(p) for p in problem["loc"] if not isinstance(p, int) or p)
            raise CalendarError(
                f"{path}: {label}: {where}: {problem['msg'].removeprefix('Value error, ')}"
            ) from None
    return entries


def load_calendar(paths: list[Path]) -> Calendar:
    """Read the files in order; a later file's entry replaces an earlier one with its id."""
    by_id: dict[str, Entry] = {}
    for path in paths:
        seen: set[str] = set()
        for entry in _read(path):
            if entry.id in seen:
                raise CalendarError(f"{path}: {entry.id}: the id is used twice in this file")
            seen.add(entry.id)
            by_id[entry.id] = entry
    return Calendar(tuple(by_id.values()))


def occurrences(
    calendar: Calendar, start: date, end: date, region: str | None = None
) -> list[Occurrence]:
    """Occurrences overlapping [start, end], for ``region`` (plus global ones) or all regions."""
    found = []
    for entry in calendar.entries:
        for year in range(start.year - 1, end.year + 1):
            for first, last, confirmed in calendar.spans(entry, year):
                occurrence = Occurrence(entry, first, last, confirmed)
                if first <= end and last >= start and occurrence.covers(region):
                    found.append(occurrence)
    return sorted(found, key=lambda o: (o.start, o.entry.name))
