"""The dashboard's operator command: `inclusion-bot dashboard link ADDRESS`."""

from __future__ import annotations

import click

from app.cli.common import parse_address, with_store
from app.runtime import Runtime
from bot.dashboard.access import LINK_TTL, issue_link
from bot.dashboard.commands import sign_in_url
from bot.people import is_admin


@click.group()
def dashboard() -> None:
    """The D&I lead's web dashboard (served by `inclusion-bot run` at /admin/)."""


@dashboard.command("link")
@click.argument("address")
def dashboard_link(address: str) -> None:
    """Print a single-use sign-in link for the admin ADDRESS, e.g. console:dina (what /dashboard
    gives in chat). Valid for 10 minutes; refused for anyone who is not an admin."""
    who = parse_address(address)

    def act(runtime: Runtime) -> None:
        with runtime.store.session() as session:
            if not is_admin(session, runtime.settings, who):
                raise click.ClickException(
                    f"{who} is not an admin, so gets no dashboard link "
                    f"(inclusion-bot admins add {who})."
                )
            token = issue_link(session, who, runtime.clock.now())
        minutes = int(LINK_TTL.total_seconds() // 60)
        click.echo(sign_in_url(runtime.settings.public_base, token))
        click.echo(f"It works once, within {minutes} minutes, for {who} only.", err=True)

    with_store(act)
