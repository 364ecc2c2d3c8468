"""The volunteer directory's operator command: `inclusion-bot volunteers export`."""

from __future__ import annotations

from typing import TextIO

import click

from app import exports
from app.cli.common import export_options, with_store
from app.runtime import Runtime
from bot.volunteers.directory import EXPORT_COLUMNS, export_rows


@click.group()
def volunteers() -> None:
    """The volunteer directory."""


@volunteers.command("export")
@export_options
def volunteers_export(fmt: str, out: TextIO) -> None:
    """The offers of people who agreed to be listed: name, address, kinds, time, regions,
    about, offered_at, updated_at, gave_time_in (years). Withdrawn offers are deleted."""

    def act(runtime: Runtime) -> None:
        with runtime.store.session() as session:
            exports.write(list(export_rows(session)), EXPORT_COLUMNS, fmt, out)

    with_store(act)
