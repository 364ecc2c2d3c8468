"""Engines, sessions and migrations for the embedded SQLite default and for PostgreSQL.

The core is synchronous SQLAlchemy: every unit of work is short, and the asyncio adapters run
it in a worker thread. That keeps one code path for the console, the CLI, tests and the web
adapters, and keeps transactions explicit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker


class StoreUnreachable(RuntimeError):
    """The database cannot be reached; the message names it without its password."""


class SchemaOutOfDate(RuntimeError):
    """The database is behind the code's migrations and was not upgraded automatically."""


def safe_url(url: str) -> str:
    """The URL with any password masked, fit for error messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    # pysqlite's own transaction handling defers BEGIN and cannot take a write lock up front.
    # Take it ourselves with BEGIN IMMEDIATE, so two racing ticks serialise instead of failing
    # with "database is locked" half way through (the recipe from SQLAlchemy's SQLite docs).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if parsed.drivername in ("postgresql", "postgres"):
        # A plain postgresql:// URL would pick psycopg2; we ship psycopg 3.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("bot.store").joinpath("migrations")))
    config.attributes["engine"] = engine
    return config


class Store:
    """One database: an engine, a session factory, and the migrations that shape it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def check_reachable(self) -> None:
        try:
            with self.engine.connect():
                pass
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            raise StoreUnreachable(
                f"Cannot reach the database at {safe_url(self.url)}: {reason}"
            ) from None

    def upgrade(self) -> None:
        """Apply every migration not yet applied (``inclusion-bot db upgrade``)."""
        command.upgrade(_alembic_config(self.engine), "head")

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(_alembic_config(self.engine)).get_current_head()

    def prepare(self, *, auto_upgrade: bool) -> None:
        """Make sure the schema is current: upgrade it (embedded default) or refuse to start."""
        self.check_reachable()
        if auto_upgrade:
            self.upgrade()
        elif self.current_revision() != self.head_revision():
            raise SchemaOutOfDate(
                f"The database at {safe_url(self.url)} needs migrating: "
                "run `inclusion-bot db upgrade`."
            )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed if the block succeeds, rolled back if it raises."""
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
