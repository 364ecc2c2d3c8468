"""Awareness dates' operator commands: `inclusion-bot awareness list|ics`."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import BinaryIO

import click

from app.runtime import load_settings, open_store
from bot.awareness.calendar import (
    LAST_DAY,
    REGIONS,
    Calendar,
    OutOfRange,
    check_in_range,
    occurrences,
)
from bot.awareness.confirmations import effective
from bot.awareness.load import load_awareness
from bot.config import ConfigurationError


@click.group()
def awareness() -> None:
    """The awareness calendar."""


def _calendar() -> Calendar:
    """The calendar with the admins' answers about organisers' dates, from the database."""
    try:
        settings = load_settings()
        calendar = load_awareness(settings)
        store = open_store(settings)
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        with store.session() as session:
            return effective(session, calendar)
    finally:
        store.dispose()


def _span(start: datetime | None, end: datetime | None) -> tuple[date, date]:
    first = start.date() if start else date.today()
    if end:
        last = end.date()
    else:  # a year on, within the calendars (first + a year could pass the largest date)
        last = first if first >= LAST_DAY else min(first + timedelta(days=365), LAST_DAY)
    if last < first:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    try:
        check_in_range(first, last)
    except OutOfRange as exc:
        raise click.ClickException(str(exc)) from None
    return first, last


REGION = click.Choice(REGIONS)


@awareness.command("list")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (today).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (a year on).")
@click.option("--region", type=REGION, help="Only this region's dates (and global ones).")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True
)
def awareness_list(
    start: datetime | None, end: datetime | None, region: str | None, fmt: str
) -> None:
    """Occurrences between two dates: id, name, start, end (inclusive), regions, and more."""
    first, last = _span(start, end)
    found = occurrences(_calendar(), first, last, region)
    if fmt == "json":
        rows = [
            {
                "id": o.entry.id,
                "name": o.entry.name,
                "start": o.start.isoformat(),
                "end": o.end.isoformat(),
                "regions": list(o.entry.regions),
                "kind": o.entry.kind,
                "category": o.entry.category,
                "tone": o.entry.tone,
                "confirmed": o.confirmed,
                "expected_only": o.entry.expected_only,
                "begins_evening_before": o.entry.evening_before,
                "link": o.entry.link,
            }
            for o in found
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for o in found:
        click.echo(
            f"{o.start}  {o.end}  {o.entry.name} [{', '.join(o.entry.regions)}]"
            + ("" if o.confirmed else " (unconfirmed)")
        )


@awareness.command("ics")
@click.option("--region", type=REGION, help="Only this region's dates (and global ones).")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (today).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (a year on).")
@click.option("--out", type=click.File("wb"), default="-", help="File to write (stdout).")
def awareness_ics(
    region: str | None, start: datetime | None, end: datetime | None, out: BinaryIO
) -> None:
    """Write the calendar as iCalendar (.ics) for Outlook or Google Calendar to import."""
    from bot.awareness.ics import to_ics

    first, last = _span(start, end)
    found = occurrences(_calendar(), first, last, region)
    name = f"Awareness dates ({region or 'all regions'})"
    out.write(to_ics(found, datetime.now(UTC), name))
