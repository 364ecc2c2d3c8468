"""The volunteer directory's operator command: `inclusion-bot volunteers export`."""

from __future__ import annotations

import csv
import json
from typing import TextIO

import click

from app.cli.common import spreadsheet_safe, with_store
from app.runtime import Runtime
from bot.volunteers.directory import EXPORT_COLUMNS, export_rows


@click.group()
def volunteers() -> None:
    """The volunteer directory."""


@volunteers.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--out",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="File to write (default: standard output).",
)
def volunteers_export(fmt: str, out: TextIO) -> None:
    """The offers of people who agreed to be listed: name, address, kinds, time, regions,
    about, offered_at, updated_at, gave_time_in (years). Withdrawn offers are deleted."""

    def act(runtime: Runtime) -> None:
        with runtime.store.session() as session:
            rows = list(export_rows(session))
        if fmt == "json":
            json.dump(rows, out, ensure_ascii=False, indent=2)
            out.write("\n")
            return
        writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    key: spreadsheet_safe(
                        "; ".join(str(v) for v in value) if isinstance(value, list) else value
                    )
                    for key, value in row.items()
                }
            )

    with_store(act)
