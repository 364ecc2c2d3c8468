"""Persistence: SQLAlchemy models, engines for SQLite and PostgreSQL, Alembic migrations."""

from bot.store.db import SchemaOutOfDate, Store, StoreUnreachable

__all__ = ["SchemaOutOfDate", "Store", "StoreUnreachable"]
