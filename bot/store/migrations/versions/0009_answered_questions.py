"""answered_questions: one-time questions already answered, so an old button does nothing

Revision ID: 0009
Revises: 0008
Create Date: 2027-01-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "answered_questions",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token"),
    )
    op.create_index(
        "ix_answered_questions_answered_at", "answered_questions", ["answered_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_answered_questions_answered_at", table_name="answered_questions")
    op.drop_table("answered_questions")
