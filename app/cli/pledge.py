"""The pledge's operator commands: `inclusion-bot export checkins`."""

from __future__ import annotations

from typing import TextIO

import click

from app import exports
from app.cli.common import with_store
from app.runtime import Runtime
from bot.pledge.progress import EXPORT_COLUMNS, export_rows


@click.group()
def export() -> None:
    """Export records."""


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
            exports.write(export_rows(session), EXPORT_COLUMNS, fmt, out)

    with_store(act)
