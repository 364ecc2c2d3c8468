"""awareness_subscriptions.categories: per region ({"us": ["lgbt"]}) instead of per channel

A channel's categories used to narrow every region it had. Each region now has its own: a
region missing from the mapping gets every category. Existing rows keep what they posted.

Revision ID: 0008
Revises: 0007
Create Date: 2027-01-10
"""

import json
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_subscriptions = sa.table(
    "awareness_subscriptions",
    sa.column("id", sa.Integer()),
    sa.column("regions", sa.JSON()),
    sa.column("categories", sa.JSON()),
)


def _rewrite(convert: Callable[[list[str], object], object]) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_subscriptions.c.id, _subscriptions.c.regions, _subscriptions.c.categories)
    ).all()
    for row in rows:
        regions = _load(row.regions)
        categories = _load(row.categories)
        value = convert(regions if isinstance(regions, list) else [], categories)
        connection.execute(
            sa.update(_subscriptions).where(_subscriptions.c.id == row.id).values(categories=value)
        )


def _load(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    def per_region(regions: list[str], categories: object) -> object:
        if isinstance(categories, list) and categories:
            return {region: sorted(categories) for region in regions}
        return {}

    _rewrite(per_region)


def downgrade() -> None:
    def per_channel(regions: list[str], categories: object) -> object:
        if not isinstance(categories, dict):
            return []
        narrowed = [set(categories[r]) for r in regions if categories.get(r)]
        return sorted(set().union(*narrowed)) if narrowed else []

    _rewrite(per_channel)
