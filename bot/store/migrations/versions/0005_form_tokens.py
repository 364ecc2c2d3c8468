"""form tokens

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "form_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_form_tokens_token_hash")),
    )
    op.create_index(op.f("ix_form_tokens_expires_at"), "form_tokens", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_form_tokens_expires_at"), table_name="form_tokens")
    op.drop_table("form_tokens")
