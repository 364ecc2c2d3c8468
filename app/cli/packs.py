"""Commitment packs' operator commands: `inclusion-bot packs list`."""

from __future__ import annotations

import json

import click

from app.runtime import load_content, load_settings
from bot.config import ConfigurationError
from bot.packs.content import Packs


@click.group()
def packs() -> None:
    """Commitment packs (content/packs/ and CONTENT_DIR/packs/)."""


def loaded_packs() -> Packs:
    """Every pack, validated as at start-up: a broken one is one line and a non-zero exit."""
    try:
        return load_content(load_settings())
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
