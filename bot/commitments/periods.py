"""When an owner is asked again: the start of the pack's cadence period containing a day."""

from __future__ import annotations

from datetime import date, timedelta


def period_start(cadence: str, day: date) -> date:
    """The first day of the week (Monday), month or quarter that ``day`` falls in."""
    if cadence == "weekly":
        return day - timedelta(days=day.weekday())
    if cadence == "monthly":
        return day.replace(day=1)
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


CADENCE_WORDS = {"weekly": "every week", "monthly": "every month", "quarterly": "every quarter"}
