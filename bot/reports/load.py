"""What anonymous reports are loaded with (the registration's ``load``): the desk, with its
encryption keys and categories; and what a process says at start-up (``start``) about kinds of
report nobody would receive."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

import content as shipped
from bot import platforms
from bot.config import ConfigurationError, Settings
from bot.reports import registry
from bot.reports.resources import Desk, load_categories
from bot.reports.secrets import Vault, VaultError, new_key
from bot.resources import Resources

log = logging.getLogger(__name__)


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
        "report_categories.yaml", shipped.path("report_categories.yaml")
    )
    try:
        categories = load_categories(categories_file)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"Cannot read {categories_file}: {exc}") from None
    return Desk(vault, categories, settings.reports_per_hour)


def warn_unreceived(session: Session, _: datetime, settings: Settings, found: Resources) -> None:
    """Tell the operator at start-up which kinds of report nobody would receive: /report does
    not offer them, and refuses to open when that is every kind."""
    desk = found.find(Desk)
    if desk is None:  # an operator's tool that never touches reports
        return
    nobody = registry.uncovered(
        session, [c.id for c in desk.categories], platforms.served(settings)
    )
    if nobody:
        log.warning(
            "No handler or escalation contact receives reports of: %s. /report does not offer "
            "%s until one is added (inclusion-bot handlers add ADDRESS --category ... or "
            "--escalation).",
            ", ".join(nobody),
            "any" if len(nobody) == len(desk.categories) else "them",
        )
