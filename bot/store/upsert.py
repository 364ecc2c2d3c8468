"""INSERT … ON CONFLICT DO NOTHING for both dialects we support.

Idempotency lives in unique constraints: a repeated or concurrent tick inserts the same keys,
and the database, not a read-then-write race, decides which one wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Row, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.store.models import Base


def insert_new(
    session: Session,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    conflict: Sequence[str],
    returning: Sequence[str] = ("id",),
) -> list[Row[Any]]:
    """Insert ``rows``, skipping those that clash on ``conflict``; return the new rows' columns."""
    table = cast(Table, model.__table__)
    if not rows:
        return []
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table)
        .on_conflict_do_nothing(index_elements=list(conflict))
        .returning(*(table.c[name] for name in returning))
    )
    return list(session.execute(statement, list(rows)))
