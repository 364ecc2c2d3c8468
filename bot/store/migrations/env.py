"""Alembic environment: runs against the engine the Store hands over (no alembic.ini needed)."""

from alembic import context

import bot.catalogue  # noqa: F401  (every feature's tables join Base.metadata)
from bot.store.models import Base

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
