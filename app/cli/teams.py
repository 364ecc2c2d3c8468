"""Teams' operator commands: `inclusion-bot teams package|users`."""

from __future__ import annotations

import click

from app.cli.common import with_store
from app.runtime import (
    Runtime,
    load_settings,
)
from bot.config import ConfigurationError


@click.group()
def teams() -> None:
    """Microsoft Teams set-up."""


@teams.command("package")
@click.option("--app-id", required=True, help="The Azure Bot's Microsoft App ID (a GUID).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    default="inclusion-bot-teams.zip",
    show_default=True,
    help="Where to write the app package.",
)
@click.option("--url", help="The bot's public base URL, e.g. https://bot.example.org.")
@click.option("--website-url", help="Your organisation's page about the bot (https).")
@click.option("--privacy-url", help="Your privacy notice (https; default: TEAMS_PRIVACY_URL).")
@click.option("--terms-url", help="Your terms of use (https; default: TEAMS_TERMS_URL).")
def teams_package(
    app_id: str,
    out: str,
    url: str | None,
    website_url: str | None,
    privacy_url: str | None,
    terms_url: str | None,
) -> None:
    """Build the Teams app package (manifest.json and icons) to sideload or upload."""
    from adapters.teams.manifest import DEFAULT_WEBSITE, manifest, package
    from adapters.teams.settings import teams_settings

    try:
        settings = load_settings()
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    own = teams_settings(settings)
    privacy_url = privacy_url or own.teams_privacy_url
    terms_url = terms_url or own.teams_terms_url
    missing = [
        name
        for name, value in (("TEAMS_PRIVACY_URL", privacy_url), ("TEAMS_TERMS_URL", terms_url))
        if not value
    ]
    if missing:
        raise click.ClickException(
            f"Set {' and '.join(missing)} to your organisation's own privacy notice and terms of "
            "use (https): Teams shows them in the app's details."
        )
    assert privacy_url is not None and terms_url is not None
    try:
        data = manifest(
            app_id,
            bot_url=url,
            website_url=website_url or DEFAULT_WEBSITE,
            privacy_url=privacy_url,
            terms_url=terms_url,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    with open(out, "wb") as file:
        file.write(package(data))
    click.echo(f"Wrote {out}: upload it in Teams (Apps > Manage your apps > Upload an app).")


@teams.command("users")
def teams_users() -> None:
    """List the Teams users the bot can reach, with their addresses (for ADMINS)."""
    from adapters.teams.references import known_users

    def act(runtime: Runtime) -> None:
        found = known_users(runtime.store)
        for address, name in found:
            click.echo(f"{address}\t{name}")
        if not found:
            click.echo("Nobody yet: people appear once they install the app or message the bot.")

    with_store(act)
