"""awareness subscriptions and overrides

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "awareness_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("tenant", sa.String(length=128), nullable=False),
        sa.Column("occurrence", sa.String(length=120), nullable=False),
        sa.Column("post", sa.String(length=16), nullable=False),
        sa.Column("suppressed", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=300), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awareness_overrides")),
        sa.UniqueConstraint(
            "platform",
            "tenant",
            "occurrence",
            "post",
            name=op.f("uq_awareness_overrides_platform_tenant_occurrence_post"),
        ),
    )
    op.create_table(
        "awareness_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("tenant", sa.String(length=128), nullable=False),
        sa.Column("channel_id", sa.String(length=128), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("post_time", sa.String(length=5), nullable=False),
        sa.Column("heads_up_days", sa.Integer(), nullable=False),
        sa.Column("weekend_shift", sa.Boolean(), nullable=False),
        sa.Column("next_check_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awareness_subscriptions")),
        sa.UniqueConstraint(
            "platform",
            "tenant",
            "channel_id",
            name=op.f("uq_awareness_subscriptions_platform_tenant_channel_id"),
        ),
    )
    with op.batch_alter_table("awareness_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_awareness_subscriptions_next_check_at"), ["next_check_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("awareness_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_awareness_subscriptions_next_check_at"))

    op.drop_table("awareness_subscriptions")
    op.drop_table("awareness_overrides")
