"""What the operator's commands share: a runtime opened and closed around a command, an
address argument checked, an export's --format and --out options."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from app.runtime import (
    Runtime,
    build,
)
from bot.clock import SystemClock
from bot.config import ConfigurationError
from bot.conversation import Address

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def opened(clock: Any = None, *, secrets: bool = True) -> Iterator[Runtime]:
    """The process's runtime for one command, closed after it; configuration errors as one
    line and a non-zero exit."""
    try:
        runtime = build(clock or SystemClock(), secrets=secrets)
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        yield runtime
    finally:
        runtime.store.dispose()


def parse_address(text: str) -> Address:
    """A person's address from the command line, or click's usage error."""
    try:
        return Address.parse(text, kind="user")
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def with_store(action: Callable[[Runtime], None]) -> None:
    with opened(secrets=False) as runtime:
        action(runtime)


def export_options(command: F) -> F:
    """An export command's ``--format`` (csv or json, passed as ``fmt``) and ``--out`` (a file,
    standard output by default), as ``app.exports.write`` takes them."""
    command = click.option(
        "--out",
        type=click.File("w", encoding="utf-8"),
        default="-",
        help="File to write (default: standard output).",
    )(command)
    return click.option(
        "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
    )(command)
