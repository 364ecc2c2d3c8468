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


def test_every_feature_names_the_models_module_that_holds_its_tables() -> None:
    """A feature's tables join Base.metadata because its registration names them, not by the
    luck of a handler importing them: otherwise a new feature's tables would be missed by
    Alembic and by the test above, which would then pass without a migration."""
    import importlib
    from pathlib import Path

    from bot.catalogue import FEATURES

    bot_dir = Path(__file__).resolve().parent.parent / "bot"
    on_disk = {
        f"bot.{path.parent.name}.models"
        for path in bot_dir.glob("*/models.py")
        if (path.parent / "feature.py").exists()
    }
    named = {module for feature in FEATURES for module in feature.models}
    assert on_disk and on_disk <= named
    for module in named:
        tables = [
            value.__table__
            for value in vars(importlib.import_module(module)).values()
            if isinstance(value, type) and hasattr(value, "__table__")
        ]
        assert tables and all(Base.metadata.tables.get(t.name) is t for t in tables), module
