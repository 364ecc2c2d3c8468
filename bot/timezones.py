"""Time zone names and weekly local times, on the standard library's zoneinfo (IANA database).

The tzdata package is a dependency so the IANA database is there on every platform.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

EXAMPLES = "Europe/London, America/New_York, Asia/Kolkata"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class UnknownTimeZone(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name!r} is not a time zone I know. Use a name like {EXAMPLES} (or UTC)."
        )


@cache
def _names_by_folded_case() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name, forgiving case and spaces ("europe/london", "New York")."""
    wanted = name.strip().replace(" ", "_").casefold()
    canonical = _names_by_folded_case().get(wanted)
    if canonical is None and "/" not in wanted:
        matches = [n for key, n in _names_by_folded_case().items() if key.endswith("/" + wanted)]
        canonical = matches[0] if len(matches) == 1 else None
    if canonical is None:
        raise UnknownTimeZone(name)
    try:
        return ZoneInfo(canonical)
    except ZoneInfoNotFoundError:
        raise UnknownTimeZone(name) from None


def parse_local_time(text: str) -> time:
    """Parse ``9:00``, ``09:00`` or ``0900``; raise ValueError with an example otherwise."""
    cleaned = text.strip().replace(".", ":")
    if ":" not in cleaned and len(cleaned) == 4 and cleaned.isdigit():
        cleaned = f"{cleaned[:2]}:{cleaned[2:]}"
    try:
        hours, minutes = (int(part) for part in cleaned.split(":"))
        return time(hours, minutes)
    except ValueError:
        raise ValueError(f"{text!r} is not a time of day; use 24-hour HH:MM, e.g. 09:00") from None


def next_weekly(weekday: int, at: time, tz: ZoneInfo, after: datetime) -> tuple[datetime, date]:
    """The first weekly occurrence strictly after ``after``: (UTC instant, local date).

    Local wall-clock time is kept across daylight-saving changes: Monday 09:00 in London is
    08:00 UTC in summer and 09:00 UTC in winter. A time that does not exist on the day the
    clocks go forward (01:30 in London) is moved forward by the gap, as zoneinfo does with
    fold=0; a time that happens twice when they go back is the first of the two.
    """
    local_after = after.astimezone(tz)
    day = local_after.date() + timedelta(days=(weekday - local_after.weekday()) % 7)
    while True:
        instant = datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
        if instant > after:
            return instant, day
        day += timedelta(days=7)


def last_weekly(weekday: int, at: time, tz: ZoneInfo, until: datetime) -> tuple[datetime, date]:
    """The latest weekly occurrence at or before ``until``: (UTC instant, local date).

    A check-in moved off a day off keeps the week of its usual slot: this finds that slot from
    the moved instant (the same local time, some days later), so the week's key never depends
    on which days were off when it was computed.
    """
    local_until = until.astimezone(tz)
    day = local_until.date() - timedelta(days=(local_until.weekday() - weekday) % 7)
    instant = datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
    if instant > until:
        day -= timedelta(days=7)
        instant = datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
    return instant, day
