"""leaders.country, leaders.subdivision and closure_days: no check-ins on days off

Where a leader works, for public holidays (null: from their time zone), and the days the
organisation is closed that admins add in chat.

Revision ID: 0014
Revises: 0013
Create Date: 2027-02-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leaders") as batch:
        batch.add_column(sa.Column("country", sa.String(3), nullable=True))
        batch.add_column(sa.Column("subdivision", sa.String(8), nullable=True))
    op.create_table(
        "closure_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("closure_days")
    with op.batch_alter_table("leaders") as batch:
        batch.drop_column("subdivision")
        batch.drop_column("country")
