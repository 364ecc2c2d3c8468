"""The ``inclusion-bot`` command: run the bot, and the operator's tools (click).

The commands about the whole process (run, chat, tick, db, outbox, admins) are here; each
feature and platform brings its own groups, named in its registration (``cli``), from a module
of this package, so this one names no feature and no platform.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import importlib
import sys
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING

import click

from adapters.console.chat import ConsoleChat, parse_when
from adapters.console.jsonl import JsonLinesChat
from adapters.host import Surface
from adapters.platforms import PLATFORMS, attach_all, register_all
from app.cli.common import opened, parse_address, with_store
from app.runtime import (
    Runtime,
    load_settings,
    open_store,
)
from bot import outbox_ops, platforms
from bot.catalogue import FEATURES
from bot.clock import ManualClock, OffsetClock, SystemClock
from bot.config import ConfigurationError
from bot.features import Feature, RegistrationError, check
from bot.people import add_admin, list_admins, remove_admin

if TYPE_CHECKING:
    from app.web import Server


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """inclusion-bot: helps organisations keep their diversity and inclusion promises.

    Configuration comes from the environment or a .env file; see the README.
    """
    register_all()


def _console(jsonl: bool, speaker: str, *, serve: bool = False) -> None:
    clock = OffsetClock()
    with opened(clock) as runtime, _web_beside(runtime) if serve else contextlib.nullcontext():
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


#: How long the console waits for its web server to start listening.
WEB_START_TIMEOUT = 15.0


@contextlib.contextmanager
def _web_beside(runtime: Runtime) -> Iterator[None]:
    """The web server (the dashboard, health) in a thread of its own while the console chat has
    the terminal, stopped when the chat ends. If it cannot listen (the port is taken), the chat
    still opens and says so."""
    server = _server(runtime)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    ready = threading.Event()
    failed: list[BaseException] = []

    async def listening() -> None:
        ready.set()

    def serve() -> None:
        try:
            loop.run_until_complete(server.run(runtime.settings.port, stop, beside_console=True))
        except Exception as exc:  # reported below, in the terminal, as one line
            failed.append(exc)
        finally:
            ready.set()
            loop.close()

    server.on_start.append(listening)
    thread = threading.Thread(target=serve, name="inclusion-bot-web", daemon=True)
    thread.start()
    ready.wait(WEB_START_TIMEOUT)
    if failed or server.port is None:
        reason = f": {failed[0]}" if failed else ""
        click.echo(f"The dashboard is not available (port {runtime.settings.port}{reason}).")
    else:
        click.echo(
            f"Dashboard: {runtime.settings.public_base}/admin/ (type /dashboard for a link)."
        )
    try:
        yield
    finally:
        if thread.is_alive():
            loop.call_soon_threadsafe(stop.set)
            thread.join(WEB_START_TIMEOUT)


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
    """Run the bot: serve Slack and Teams, whichever are configured, and the dashboard on one
    web server on PORT; with neither platform, open the console chat beside it."""
    try:
        settings = load_settings()
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    if not any(platform.configured(settings) for platform in platforms.registered()):
        _console(jsonl=False, speaker=speaker, serve=True)
        return
    with opened(SystemClock()) as runtime:
        server = _server(runtime)
        asyncio.run(server.run(runtime.settings.port))


def _server(runtime: Runtime) -> Server:
    """The web server with every configured platform attached: `run` serves it, `tick`
    drains through its senders, so a tick from cron reaches people as the server would."""
    from app.web import Server

    server = Server(runtime)
    try:  # a platform may refuse to start, e.g. Teams exposed unauthenticated
        attach_all(server, runtime.bot, runtime.settings)
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
    with opened(clock) as runtime:
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

    with_store(act)


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

    with_store(act)


@main.group()
def admins() -> None:
    """The admin (D&I lead) role: who sees the summary and can export."""


@admins.command("add")
@click.argument("address")
def admins_add(address: str) -> None:
    """Grant the admin role, e.g. console:alice or slack:T0123:U0456."""
    who = parse_address(address)

    def act(runtime: Runtime) -> None:
        with runtime.store.session() as session:
            added = add_admin(session, who, runtime.clock.now())
        click.echo(f"{who} is {'now' if added else 'already'} an admin.")

    with_store(act)


@admins.command("remove")
@click.argument("address")
def admins_remove(address: str) -> None:
    """Take the admin role away (those in the ADMINS setting stay admins)."""
    who = parse_address(address)

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

    with_store(act)


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

    with_store(act)


def add_registered(
    group: click.Group,
    features: Iterable[Feature] = FEATURES,
    surfaces: Iterable[Surface] = PLATFORMS,
) -> None:
    """Add every feature's and platform's own commands (their registrations' ``cli``) to
    ``group``; each is named "module:attribute" and imported here. A name already taken (a
    built-in such as ``db``, or another registration's) is refused: click would silently
    replace the earlier command."""
    features = tuple(features)
    check(features)  # every command of this process starts by refusing clashing features
    added: dict[str, str] = {}
    for ref in (*(r for f in features for r in f.cli), *(r for s in surfaces for r in s.cli)):
        module, _, name = ref.partition(":")
        command = getattr(importlib.import_module(module), name)
        if not isinstance(command, click.Command):
            raise TypeError(f"{ref} is not a click command")
        if command.name in group.commands:
            taken = added.get(command.name or "", "a built-in command")
            raise RegistrationError(
                f"inclusion-bot {command.name} is both {taken} and {ref}: rename one of them."
            )
        group.add_command(command)
        added[command.name or ""] = ref


add_registered(main)
