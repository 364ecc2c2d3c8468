"""Slack's operator commands: `inclusion-bot slack manifest`."""

from __future__ import annotations

import click


@click.group()
def slack() -> None:
    """Slack set-up."""


@slack.command("manifest")
@click.option("--url", help="The bot's public base URL, e.g. https://bot.example.org.")
@click.option("--socket-mode", is_flag=True, help="Socket Mode: no public URL needed.")
def slack_manifest(url: str | None, socket_mode: bool) -> None:
    """Print the Slack app manifest (YAML) with the request URLs filled in."""
    from adapters.slack.manifest import manifest_yaml

    try:
        click.echo(manifest_yaml(url, socket_mode), nl=False)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--url") from None
