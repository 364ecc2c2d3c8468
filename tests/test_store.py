"""The schema: migrations build exactly what the models describe, on either database."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.store import Store
from bot.store.db import safe_url
from bot.store.models import Base


def test_migrations_match_the_models(store: Store) -> None:
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    assert store.current_revision() == store.head_revision() is not None


def test_a_database_url_is_shown_without_its_password() -> None:
    shown = safe_url("postgresql://bob:s3cret@db.example.org/bot")
    assert "s3cret" not in shown
    assert shown == "postgresql://bob:***@db.example.org/bot"
