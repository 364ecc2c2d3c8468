"""The pledge's operator commands: `inclusion-bot export checkins`."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TextIO

import click

from app.cli.common import with_store
from app.runtime import Runtime
from bot.pledge.progress import EXPORT_COLUMNS, export_rows


@click.group()
def export() -> None:
    """Export records."""


def _spreadsheet_safe(value: str | int) -> str | int:
    """Defuse formula injection: a cell a spreadsheet would evaluate starts with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _write(rows: Iterator[dict[str, str | int]], fmt: str, out: TextIO) -> None:
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _spreadsheet_safe(v) for k, v in row.items()})
    else:
        json.dump(list(rows), out, ensure_ascii=False, indent=2)
        out.write("\n")


@export.command("checkins")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--out",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="File to write (default: standard output).",
)
def export_checkins(fmt: str, out: TextIO) -> None:
    """One row per step update: leader, commitment, step, week, status, note, answered_at."""

    def act(runtime: Runtime) -> None:
        with runtime.store.session() as session:
            _write(export_rows(session), fmt, out)

    with_store(act)
