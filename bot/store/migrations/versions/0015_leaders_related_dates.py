"""leaders.related_dates: a leader's switch for check-in lines about awareness dates

Revision ID: 0015
Revises: 0014
Create Date: 2027-02-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leaders") as batch:
        batch.add_column(
            sa.Column("related_dates", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("leaders") as batch:
        batch.drop_column("related_dates")
