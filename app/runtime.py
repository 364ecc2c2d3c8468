"""Putting the parts together for a process: settings, store, content, bot, outbox.

Every command-line entry point builds its runtime here, so configuration errors are reported
the same way everywhere: one clear line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import ValidationError

import content
from adapters.platforms import register_all
from bot import logs
from bot.awareness.calendar import Calendar, CalendarError, load_calendar
from bot.awareness.due import recheck_all
from bot.clock import Clock
from bot.config import ConfigurationError, Settings
from bot.form_tokens import FormTokens
from bot.outbox import DrainReport, Sender
from bot.pledge.content import Pledge, load_pledge
from bot.pledge.workdays import ClosuresError, file_closures
from bot.reports import registry
from bot.reports.resources import Desk, load_categories
from bot.reports.secrets import Vault, VaultError, new_key
from bot.router import Bot
from bot.store import SchemaOutOfDate, Store, StoreUnreachable
from scheduler.tick import TickReport, run_due

log = logging.getLogger(__name__)


def load_settings() -> Settings:
    try:
        return Settings()
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


def load_content(settings: Settings) -> Pledge:
    path = settings.content_file("pledge.yaml", content.path("pledge.yaml"))
    try:
        pledge = load_pledge(path)
        file_closures(settings.content_dir)  # checked now, so a broken file stops the start
    except ClosuresError as exc:
        raise ConfigurationError(f"The closure days are broken, so I won't start: {exc}") from None
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"Cannot read {path}: {exc}") from None
    return pledge


def load_awareness(settings: Settings) -> Calendar:
    """The shipped calendar, then the organisation's own files (AWARENESS_DIR/*.yaml) over it."""
    paths = [content.path("awareness.yaml")]
    if settings.awareness_dir is not None:
        if not settings.awareness_dir.is_dir():
            raise ConfigurationError(f"AWARENESS_DIR {settings.awareness_dir} is not a folder")
        paths += sorted(settings.awareness_dir.glob("*.yaml"))
    try:
        return load_calendar(paths)
    except CalendarError as exc:
        raise ConfigurationError(
            f"The awareness calendar is broken, so I won't start: {exc}"
        ) from None


def load_reports(settings: Settings) -> Desk:
    """The reports desk: its encryption keys and categories.

    REPORTS_KEY is required with an external database; the embedded default makes one in the
    data directory (readable only by its owner) and says so, so a first run just works.
    """
    keys = [
        k.strip()
        for k in (settings.reports_key.get_secret_value() if settings.reports_key else "").split(
            ","
        )
        if k.strip()
    ]
    if not keys:
        if not settings.embedded_database:
            raise ConfigurationError(
                "REPORTS_KEY is required with DATABASE_URL: make one with "
                "`inclusion-bot reports new-key` and keep it out of the database's backups"
            )
        path = settings.data_dir / "reports.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(new_key() + "\n", encoding="utf-8")
            log.warning(
                "No REPORTS_KEY: generated one at %s. Back it up; without it reports "
                "cannot be read.",
                path,
            )
        keys = [path.read_text(encoding="utf-8").strip()]
    try:
        vault = Vault.from_keys(keys)
    except VaultError as exc:
        raise ConfigurationError(str(exc)) from None
    categories_file = settings.content_file(
        "report_categories.yaml", content.path("report_categories.yaml")
    )
    try:
        categories = load_categories(categories_file)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"Cannot read {categories_file}: {exc}") from None
    return Desk(vault, categories, settings.reports_per_hour)


def warn_unreceived(store: Store, desk: Desk, settings: Settings) -> None:
    """Tell the operator at start-up which kinds of report nobody would receive: /report does
    not offer them, and refuses to open when that is every kind."""
    with store.session() as session:
        nobody = registry.uncovered(
            session, [c.id for c in desk.categories], settings.served_platforms
        )
    if nobody:
        log.warning(
            "No handler or escalation contact receives reports of: %s. /report does not offer "
            "%s until one is added (inclusion-bot handlers add ADDRESS --category ... or "
            "--escalation).",
            ", ".join(nobody),
            "any" if len(nobody) == len(desk.categories) else "them",
        )


@dataclass
class Runtime:
    settings: Settings
    store: Store
    pledge: Pledge
    clock: Clock
    bot: Bot

    @property
    def calendar(self) -> Calendar:
        return self.bot.calendar

    @property
    def form_tokens(self) -> FormTokens:
        """Forms shown by the adapters, kept in the database for any replica to serve."""
        return FormTokens(self.store, self.clock)

    def run_due(
        self, senders: Mapping[str, Sender], stop: threading.Event | None = None
    ) -> tuple[TickReport, DrainReport]:
        """One tick and drain (``scheduler.tick.run_due``) for this process's bot."""
        return run_due(self.bot, senders, stop)


def build(clock: Clock, settings: Settings | None = None, *, reports: bool = True) -> Runtime:
    """Everything a process needs. Operators' tools that never touch reports (admins,
    export) pass ``reports=False`` and so need no REPORTS_KEY."""
    register_all()
    settings = settings or load_settings()
    logs.configure(settings.log_level, settings.log_format)
    pledge = load_content(settings)
    calendar = load_awareness(settings)
    store = open_store(settings)
    with store.session() as session:
        recheck_all(session, clock.now())
    desk = load_reports(settings) if reports else None
    if desk is not None:
        warn_unreceived(store, desk, settings)
    bot = Bot(store, clock, settings, pledge, calendar, desk)
    return Runtime(settings, store, pledge, clock, bot)
