"""Dates as every feature writes them to people (check-ins, awareness posts, case deadlines)."""

from __future__ import annotations

from datetime import date

from bot.timezones import WEEKDAYS


def long_date(day: date) -> str:
    """``Monday 8 March 2027``: unambiguous on both sides of the Atlantic."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    return f"{day.day} {day:%b}"
