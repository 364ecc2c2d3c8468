"""Commitment packs' operator commands: `inclusion-bot packs list` and `inclusion-bot export
checkins` (every pack's check-ins: the pledge's and the organisation packs')."""

from __future__ import annotations

import json
from typing import TextIO

import click

from app import exports
from app.cli.common import export_options, with_store
from app.runtime import Runtime, load_settings
from bot.config import ConfigurationError
from bot.packs.content import Packs, load_configured


@click.group()
def packs() -> None:
    """Commitment packs (content/packs/ and CONTENT_DIR/packs/)."""


def loaded_packs() -> Packs:
    """Every pack, validated as at start-up: a broken one is one line and a non-zero exit."""
    try:
        return load_configured(load_settings())
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None


@packs.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True
)
def packs_list(fmt: str) -> None:
    """Every pack: id, title, mode, cadence, scale and commitments with their actions."""
    found = loaded_packs()
    if fmt == "json":
        click.echo(json.dumps([p.outline() for p in found], ensure_ascii=False, indent=2))
        return
    for pack in found:
        actions = sum(len(c.actions) for c in pack.commitments)
        click.echo(
            f"{pack.id}\t{pack.title}\t{pack.mode}, {pack.cadence}, "
            f"{len(pack.commitments)} commitments, {actions} actions"
        )


@click.group()
def export() -> None:
    """Export records."""


@export.command("checkins")
@click.option("--pack", "pack_id", metavar="ID", help="Only this pack's (default: every pack).")
@export_options
def export_checkins(pack_id: str | None, fmt: str, out: TextIO) -> None:
    """One row per status given: pack, leader (or owner), commitment, step, week, status,
    note, answered_at."""

    def act(runtime: Runtime) -> None:
        if pack_id is not None and runtime.need(Packs).get(pack_id) is None:
            known = ", ".join(p.id for p in runtime.need(Packs))
            raise click.BadParameter(
                f"no pack {pack_id!r}; the packs are: {known}", param_hint="--pack"
            )
        with runtime.store.session() as session:
            rows = exports.checkin_rows(session, runtime.need(Packs), pack_id)
            exports.write(rows, exports.CHECKIN_COLUMNS, fmt, out)

    with_store(act)
