"""introductions: whom the bot has introduced itself to, so it does so once

The full greeting goes to someone's first message only (later ones get a pointer to help),
and Slack's Messages tab welcomes a person the first time they open it.

Revision ID: 0010
Revises: 0009
Create Date: 2027-01-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "introductions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("introduced_on", sa.Date(), nullable=False),
        sa.UniqueConstraint("platform", "tenant", "user_id"),
    )


def downgrade() -> None:
    op.drop_table("introductions")
