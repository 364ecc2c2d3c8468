"""Putting the parts together for a process: settings, store, what the features are loaded
with, bot, outbox.

Every command-line entry point builds its runtime here, so configuration errors are reported
the same way everywhere: one clear line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pydantic import ValidationError

from adapters.platforms import Settings as ProcessSettings
from adapters.platforms import register_all
from bot import logs
from bot.catalogue import FEATURES
from bot.clock import Clock
from bot.config import ConfigurationError, Settings
from bot.features import Feature
from bot.form_tokens import FormTokens
from bot.outbox import DrainReport, Sender
from bot.router import Bot
from bot.store import SchemaOutOfDate, Store, StoreUnreachable
from scheduler.tick import TickReport, run_due

T = TypeVar("T")


def load_settings() -> Settings:
    try:
        return ProcessSettings()
    except ValidationError as exc:
        problems = "; ".join(
            ": ".join(
                part
                for part in (
                    ".".join(str(p) for p in e["loc"]).upper(),
                    e["msg"].removeprefix("Value error, "),
                )
                if part
            )
            for e in exc.errors()
        )
        raise ConfigurationError(f"Configuration error: {problems}") from None


def private_data_dir(settings: Settings) -> None:
    """The embedded default's folder and database readable by the bot's user alone (0700,
    0600): it holds the report key and the cases. SQLite makes its -wal and -shm files with the
    database file's permissions."""
    folder = settings.data_dir
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    database = folder / "inclusion-bot.db"
    database.touch(mode=0o600, exist_ok=True)
    for path in (database, *folder.glob("inclusion-bot.db-*")):
        path.chmod(0o600)


def open_store(settings: Settings, *, migrate: bool | None = None) -> Store:
    """Open the database, applying migrations automatically for the embedded SQLite default."""
    if settings.embedded_database:
        private_data_dir(settings)
    store = Store(settings.resolved_database_url)
    try:
        store.prepare(auto_upgrade=settings.embedded_database if migrate is None else migrate)
    except (StoreUnreachable, SchemaOutOfDate) as exc:
        store.dispose()
        raise ConfigurationError(str(exc)) from None
    return store


@dataclass
class Runtime:
    settings: Settings
    store: Store
    clock: Clock
    bot: Bot

    def need(self, kind: type[T]) -> T:
        """What a feature was loaded with, by type (``runtime.need(Desk)``)."""
        return self.bot.resources.need(kind)

    @property
    def form_tokens(self) -> FormTokens:
        """Forms shown by the adapters, kept in the database for any replica to serve."""
        return FormTokens(self.store, self.clock)

    def run_due(
        self, senders: Mapping[str, Sender], stop: threading.Event | None = None
    ) -> tuple[TickReport, DrainReport]:
        """One tick and drain (``scheduler.tick.run_due``) for this process's bot."""
        return run_due(self.bot, senders, stop)


def build(
    clock: Clock,
    settings: Settings | None = None,
    *,
    secrets: bool = True,
    features: Sequence[Feature] = FEATURES,
) -> Runtime:
    """Everything a process needs: what each feature is loaded with (its registration's
    ``load``), the store, then each feature's ``start``. Operators' tools that touch only the
    store (admins, export, outbox) pass ``secrets=False`` and so need no REPORTS_KEY."""
    register_all()
    settings = settings or load_settings()
    logs.configure(settings.log_level, settings.log_format)
    loaded = [f.load(settings) for f in features if f.load is not None and not f.secret]
    store = open_store(settings)
    if secrets:  # after the store: the embedded default's key goes in its private folder
        loaded += [f.load(settings) for f in features if f.load is not None and f.secret]
    bot = Bot(store, clock, settings, *loaded, features=features)
    now = clock.now()
    for feature in features:
        if feature.start is not None:
            with store.session() as session:
                feature.start(session, now, settings, bot.resources)
    return Runtime(settings, store, clock, bot)
