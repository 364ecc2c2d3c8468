"""Anonymous reports' operator commands: `inclusion-bot handlers ...`, `reports new-key|rekey`."""

from __future__ import annotations

import click

import content
from app.cli.common import opened, parse_address, with_store
from app.runtime import Runtime
from bot import platforms
from bot.reports import registry
from bot.reports.commands import orphaned
from bot.reports.resources import Desk, load_categories
from bot.reports.secrets import new_key
from bot.reports.storage import rekey
from bot.text import clean


@click.group()
def handlers() -> None:
    """Designated report handlers and escalation contacts."""


@handlers.command("add")
@click.argument("address")
@click.option(
    "--category",
    "categories",
    default="",
    help="Comma-separated categories, e.g. racism,bullying (see content/).",
)
@click.option("--escalation", is_flag=True, help="An escalation contact (sees every case).")
@click.option(
    "--name",
    default="",
    help="The name reporters see if they want to leave this handler out of their report.",
)
def handlers_add(address: str, categories: str, escalation: bool, name: str) -> None:
    """Make ADDRESS (e.g. slack:T0123:U0456) a handler of some categories."""
    who = parse_address(address)
    wanted = [c.strip() for c in categories.split(",") if c.strip()]
    if not wanted and not escalation:
        raise click.BadParameter("give --category or --escalation", param_hint="--category")

    def act(runtime: Runtime) -> None:
        known = _category_ids(runtime)
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise click.BadParameter(
                f"unknown category {unknown[0]}; known: {', '.join(known)}", param_hint="--category"
            )
        with runtime.store.session() as session:
            handler = registry.add(session, who, wanted, escalation, clean(name)[:200])
            click.echo(
                f"{who} handles {', '.join(handler.categories) or 'no categories'}"
                f"{' and is an escalation contact' if handler.escalation else ''}."
            )

    with_store(act)


def _category_ids(runtime: Runtime) -> list[str]:
    path = runtime.settings.content_file(
        "report_categories.yaml", content.path("report_categories.yaml")
    )
    return [c.id for c in load_categories(path)]


@handlers.command("list")
def handlers_list() -> None:
    """List handlers, their categories, and the escalation contacts."""

    def act(runtime: Runtime) -> None:
        with runtime.store.session() as session:
            rows = registry.everyone(session)
            for h in rows:
                click.echo(
                    f"{registry.address(h)}\t{','.join(h.categories) or '-'}\t"
                    f"{'escalation' if h.escalation else ''}\t{h.name}"
                )
            nobody = registry.uncovered(
                session, _category_ids(runtime), platforms.served(runtime.settings)
            )
        if not rows:
            click.echo("No handlers yet: inclusion-bot handlers add ADDRESS --category racism")
        if nobody:
            click.echo(
                f"Nobody receives reports of: {', '.join(nobody)} (/report does not offer them)."
            )

    with_store(act)


@handlers.command("remove")
@click.argument("address")
def handlers_remove(address: str) -> None:
    """Stop ADDRESS handling reports: they see and are told nothing more (the row stays, as
    cases and the audit log point at it)."""
    who = parse_address(address)

    def act(runtime: Runtime) -> None:
        with runtime.store.session() as session:
            done = registry.remove(session, who)
            left = registry.orphan(session) if done else 0
        click.echo(f"{who} is no longer a handler." if done else f"{who} was not a handler.")
        for line in orphaned(left):
            click.echo(line)

    with_store(act)


@click.group()
def reports() -> None:
    """Report encryption keys."""


@reports.command("new-key")
def reports_new_key() -> None:
    """Print a new key for REPORTS_KEY (to rotate: put it first, run rekey, drop the old)."""
    click.echo(new_key())


@reports.command("rekey")
def reports_rekey() -> None:
    """Re-encrypt every report with the first key in REPORTS_KEY."""
    with opened() as runtime:
        with runtime.store.session() as session:
            count = rekey(session, runtime.need(Desk).vault)
        click.echo(f"Re-encrypted {count} item(s) with the newest key.")
