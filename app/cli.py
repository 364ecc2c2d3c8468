"""The ``inclusion-bot`` command: run the bot, and the operator's tools (click).

This is the composition root: the only place that knows every adapter and the scheduler.
"""

from __future__ import annotations

import asyncio
import csv
import getpass
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

import click

import content
from adapters.console.chat import ConsoleChat, parse_when
from adapters.console.jsonl import JsonLinesChat
from adapters.platforms import register_all
from app.runtime import (
    Runtime,
    build,
    load_awareness,
    load_settings,
    open_store,
)
from bot import outbox_ops
from bot.awareness.calendar import (
    LAST_DAY,
    REGIONS,
    Calendar,
    OutOfRange,
    check_in_range,
    occurrences,
)
from bot.clock import ManualClock, OffsetClock, SystemClock
from bot.config import ConfigurationError
from bot.conversation import Address
from bot.people import add_admin, list_admins, remove_admin
from bot.pledge.progress import EXPORT_COLUMNS, export_rows
from bot.reports import registry
from bot.reports.commands import orphaned
from bot.reports.resources import load_categories
from bot.reports.secrets import new_key
from bot.reports.storage import rekey
from bot.text import clean

if TYPE_CHECKING:
    from app.web import Server


@contextmanager
def _runtime(clock: Any = None, *, reports: bool = True) -> Iterator[Runtime]:
    try:
        runtime = build(clock or SystemClock(), reports=reports)
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        yield runtime
    finally:
        runtime.store.dispose()


def _address(text: str) -> Address:
    try:
        return Address.parse(text, kind="user")
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """inclusion-bot: helps organisations keep their diversity and inclusion promises.

    Configuration comes from the environment or a .env file; see the README.
    """
    register_all()


def _console(jsonl: bool, speaker: str) -> None:
    clock = OffsetClock()
    with _runtime(clock) as runtime:
        interactive = sys.stdin.isatty() and not jsonl
        chat: ConsoleChat | JsonLinesChat
        if jsonl:
            chat = JsonLinesChat(runtime.bot.handle, lambda: None, clock, sys.stdout)
        else:
            chat = ConsoleChat(
                runtime.bot.handle,
                lambda: None,
                clock,
                sys.stdout,
                speaker=speaker,
                echo=not interactive,
            )
        senders = {"console": chat}
        chat.run_due = lambda: runtime.run_due(senders)
        if jsonl:
            for line in sys.stdin:
                chat.feed(line)
            return
        assert isinstance(chat, ConsoleChat)
        _converse(chat, runtime, interactive)


def _converse(chat: ConsoleChat, runtime: Runtime, interactive: bool) -> None:
    from scheduler import start_ticking

    if interactive:
        click.echo("inclusion-bot console. Type /help for console commands, /pledge to begin.")
        ticker = start_ticking(chat.tick, runtime.settings.tick_interval_seconds)
    try:
        while True:
            try:
                line = input(chat.prompt()) if interactive else sys.stdin.readline()
            except (EOFError, KeyboardInterrupt):
                break
            if not interactive and not line:
                break
            if not chat.feed(line):
                break
    finally:
        if interactive:
            ticker.shutdown(wait=False)


@main.command()
@click.option(
    "--as",
    "speaker",
    default=lambda: getpass.getuser(),
    show_default="your login",
    help="Who speaks first in the console.",
)
def run(speaker: str) -> None:
    """Run the bot: serve Slack and Teams, whichever are configured, on one web server;
    with neither, open the console chat."""
    try:
        settings = load_settings()
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    if not (settings.slack_enabled or settings.teams_enabled):
        _console(jsonl=False, speaker=speaker)
        return
    with _runtime(SystemClock()) as runtime:
        server = _server(runtime)
        asyncio.run(server.run(runtime.settings.port))


def _server(runtime: Runtime) -> Server:
    """The web server with every configured platform attached: `run` serves it, `tick`
    drains through its senders, so a tick from cron reaches people as the server would."""
    from adapters.teams.wiring import attach_teams
    from app.web import Server

    server = Server(runtime)
    if runtime.settings.slack_enabled:
        from adapters.slack.wiring import attach_slack

        attach_slack(server, runtime.bot, runtime.settings)
    try:  # refuses requests if not configured; refuses to start if exposed unauthenticated
        attach_teams(server, runtime.bot, runtime.settings)
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    return server


@main.command()
@click.option("--jsonl", is_flag=True, help="Machine mode: JSON events in, JSON messages out.")
@click.option(
    "--as",
    "speaker",
    default=lambda: getpass.getuser(),
    show_default="your login",
    help="Who speaks first (text mode).",
)
def chat(jsonl: bool, speaker: str) -> None:
    """Chat with the bot in this terminal (or drive it with JSON lines)."""
    _console(jsonl=jsonl, speaker=speaker)


@main.command()
@click.option(
    "--now",
    "now_text",
    required=True,
    metavar="INSTANT",
    help="The instant to tick at, ISO 8601, e.g. 2027-03-08T09:00:00Z.",
)
def tick(now_text: str) -> None:
    """Run one tick at INSTANT and send what it queued (for cron, operators and tests)."""
    try:
        now = parse_when(now_text, datetime.now().astimezone())
    except ValueError:
        raise click.BadParameter(
            "use ISO 8601, e.g. 2027-03-08T09:00:00Z", param_hint="--now"
        ) from None
    clock = ManualClock(now)
    with _runtime(clock) as runtime:
        server = _server(runtime)
        server.senders["console"] = ConsoleChat(runtime.bot.handle, lambda: None, clock, sys.stdout)
        queued, drained = asyncio.run(server.tick_once())
        click.echo(
            f"Tick at {now.isoformat()}: queued {queued.summary()}; sent {drained.sent}, "
            f"retrying {drained.retried}, failed {drained.dead}."
            + (
                " Another process was ticking, so this one queued nothing."
                if queued.skipped
                else ""
            )
        )


@main.group()
def db() -> None:
    """The database schema."""


@db.command()
def upgrade() -> None:
    """Apply every migration not yet applied (needed for PostgreSQL; SQLite does it itself)."""
    try:
        settings = load_settings()
        store = open_store(settings, migrate=True)
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Database is at revision {store.current_revision()} (latest).")
    store.dispose()


@main.group()
def outbox() -> None:
    """The outbox of messages the bot sends on its own: status and retrying dead messages."""


def _age(seconds: float) -> str:
    """3d 4h, 2h 05m, 3m 12s, 12s: precise enough to see whether a queue is moving."""
    whole = int(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


@outbox.command("status")
def outbox_status() -> None:
    """Messages by status and platform, the oldest unsent, and the last 10 dead."""

    def act(runtime: Runtime) -> None:
        with runtime.store.session() as session:
            counted = outbox_ops.counts(session)
            ages = outbox_ops.oldest_unsent_age(session, runtime.clock.now())
            dead = outbox_ops.recent_dead(session, 10)
        click.echo("Messages by status and platform:")
        for status, platform, count in counted:
            click.echo(f"  {status}\t{platform}\t{count}")
        if not counted:
            click.echo("  none yet")
        if ages:
            oldest = ", ".join(
                f"{_age(age)} ({platform})" for platform, age in sorted(ages.items())
            )
            click.echo(f"Oldest unsent: {oldest}")
        else:
            click.echo("Nothing waiting to be sent.")
        if dead:
            click.echo(f"Last {len(dead)} dead (key, destination, attempts, last error):")
            for row in dead:
                click.echo(
                    f"  {row.key}\t{row.destination}\t{row.attempts}\t{row.last_error or ''}"
                )
            click.echo("Retry with: inclusion-bot outbox retry --key KEY (or --all-dead)")
        else:
            click.echo("No dead messages.")

    _with_store(act)


@outbox.command("retry")
@click.option("--key", help="The idempotency key of one dead message (see outbox status).")
@click.option("--all-dead", is_flag=True, help="Every dead message.")
def outbox_retry(key: str | None, all_dead: bool) -> None:
    """Send dead messages again: back to pending, attempts reset, next attempt now."""
    if bool(key) == all_dead:
        raise click.UsageError("give either --key KEY or --all-dead")

    def act(runtime: Runtime) -> None:
        with runtime.store.session() as session:
            if key is not None:
                status = outbox_ops.status_of(session, key)
                if status is None:
                    raise click.ClickException(f"No outbox message has the key {key}.")
                if status != "dead":
                    raise click.ClickException(
                        f"The message {key} is {status}, not dead: only dead messages are retried."
                    )
            count = outbox_ops.retry_dead(session, runtime.clock.now(), key)
        click.echo(f"{count} dead message(s) will be sent again at the next tick.")

    _with_store(act)


@main.group()
def admins() -> None:
    """The admin (D&I lead) role: who sees the summary and can export."""


def _with_store(action: Callable[[Runtime], None]) -> None:
    with _runtime(reports=False) as runtime:
        action(runtime)


@admins.command("add")
@click.argument("address")
def admins_add(address: str) -> None:
    """Grant the admin role, e.g. console:alice or slack:T0123:U0456."""
    who = _address(address)

    def act(runtime: Runtime) -> None:
        with runtime.store.session() as session:
            added = add_admin(session, who, runtime.clock.now())
        click.echo(f"{who} is {'now' if added else 'already'} an admin.")

    _with_store(act)


@admins.command("remove")
@click.argument("address")
def admins_remove(address: str) -> None:
    """Take the admin role away (those in the ADMINS setting stay admins)."""
    who = _address(address)

    def act(runtime: Runtime) -> None:
        with runtime.store.session() as session:
            removed = remove_admin(session, who)
        if str(who) in runtime.settings.admins:
            done = "Removed from the store; " if removed else ""
            click.echo(
                f"{done}{who} is an admin through the ADMINS setting: "
                "take them out of ADMINS to remove the role."
            )
            return
        click.echo(f"{who} is no longer an admin." if removed else f"{who} was not an admin.")

    _with_store(act)


@admins.command("list")
def admins_list() -> None:
    """List admins and where their role comes from."""

    def act(runtime: Runtime) -> None:
        with runtime.store.session() as session:
            rows = list_admins(session, runtime.settings)
        for address, source in rows:
            click.echo(f"{address}\t{source}")
        if not rows:
            click.echo("No admins yet: inclusion-bot admins add console:alice")

    _with_store(act)


@main.group()
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

    _with_store(act)


@main.group()
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
    who = _address(address)
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

    _with_store(act)


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
                session, _category_ids(runtime), runtime.settings.served_platforms
            )
        if not rows:
            click.echo("No handlers yet: inclusion-bot handlers add ADDRESS --category racism")
        if nobody:
            click.echo(
                f"Nobody receives reports of: {', '.join(nobody)} (/report does not offer them)."
            )

    _with_store(act)


@handlers.command("remove")
@click.argument("address")
def handlers_remove(address: str) -> None:
    """Stop ADDRESS handling reports: they see and are told nothing more (the row stays, as
    cases and the audit log point at it)."""
    who = _address(address)

    def act(runtime: Runtime) -> None:
        with runtime.store.session() as session:
            done = registry.remove(session, who)
            left = registry.orphan(session) if done else 0
        click.echo(f"{who} is no longer a handler." if done else f"{who} was not a handler.")
        for line in orphaned(left):
            click.echo(line)

    _with_store(act)


@main.group()
def reports() -> None:
    """Report encryption keys."""


@reports.command("new-key")
def reports_new_key() -> None:
    """Print a new key for REPORTS_KEY (to rotate: put it first, run rekey, drop the old)."""
    click.echo(new_key())


@reports.command("rekey")
def reports_rekey() -> None:
    """Re-encrypt every report with the first key in REPORTS_KEY."""
    with _runtime() as runtime:
        assert runtime.bot.reports is not None
        with runtime.store.session() as session:
            count = rekey(session, runtime.bot.reports.vault)
        click.echo(f"Re-encrypted {count} item(s) with the newest key.")


@main.group()
def awareness() -> None:
    """The awareness calendar."""


def _calendar() -> Calendar:
    try:
        return load_awareness(load_settings())
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None


def _span(start: datetime | None, end: datetime | None) -> tuple[date, date]:
    first = start.date() if start else date.today()
    if end:
        last = end.date()
    else:  # a year on, within the calendars (first + a year could pass the largest date)
        last = first if first >= LAST_DAY else min(first + timedelta(days=365), LAST_DAY)
    if last < first:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    try:
        check_in_range(first, last)
    except OutOfRange as exc:
        raise click.ClickException(str(exc)) from None
    return first, last


REGION = click.Choice(REGIONS)


@awareness.command("list")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (today).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (a year on).")
@click.option("--region", type=REGION, help="Only this region's dates (and global ones).")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True
)
def awareness_list(
    start: datetime | None, end: datetime | None, region: str | None, fmt: str
) -> None:
    """Occurrences between two dates: id, name, start, end (inclusive), regions, and more."""
    first, last = _span(start, end)
    found = occurrences(_calendar(), first, last, region)
    if fmt == "json":
        rows = [
            {
                "id": o.entry.id,
                "name": o.entry.name,
                "start": o.start.isoformat(),
                "end": o.end.isoformat(),
                "regions": list(o.entry.regions),
                "kind": o.entry.kind,
                "category": o.entry.category,
                "tone": o.entry.tone,
                "confirmed": o.confirmed,
                "expected_only": o.entry.expected_only,
                "begins_evening_before": o.entry.evening_before,
                "link": o.entry.link,
            }
            for o in found
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for o in found:
        click.echo(
            f"{o.start}  {o.end}  {o.entry.name} [{', '.join(o.entry.regions)}]"
            + ("" if o.confirmed else " (unconfirmed)")
        )


@awareness.command("ics")
@click.option("--region", type=REGION, help="Only this region's dates (and global ones).")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (today).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (a year on).")
@click.option("--out", type=click.File("wb"), default="-", help="File to write (stdout).")
def awareness_ics(
    region: str | None, start: datetime | None, end: datetime | None, out: BinaryIO
) -> None:
    """Write the calendar as iCalendar (.ics) for Outlook or Google Calendar to import."""
    from bot.awareness.ics import to_ics

    first, last = _span(start, end)
    found = occurrences(_calendar(), first, last, region)
    name = f"Awareness dates ({region or 'all regions'})"
    out.write(to_ics(found, datetime.now(UTC), name))


@main.group()
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


@main.group()
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

    try:
        settings = load_settings()
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    privacy_url = privacy_url or settings.teams_privacy_url
    terms_url = terms_url or settings.teams_terms_url
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

    _with_store(act)


if __name__ == "__main__":
    main()
