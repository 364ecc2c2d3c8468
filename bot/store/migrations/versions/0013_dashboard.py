"""dashboard: sign-in links, sessions and the audit log; covering indexes for its overview

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dashboard_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_dashboard_links_token_hash")),
    )
    op.create_index(op.f("ix_dashboard_links_expires_at"), "dashboard_links", ["expires_at"])
    op.create_table(
        "dashboard_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_dashboard_sessions_token_hash")),
    )
    op.create_index(
        op.f("ix_dashboard_sessions_last_seen_at"), "dashboard_sessions", ["last_seen_at"]
    )
    op.create_table(
        "dashboard_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_audit")),
    )
    op.create_index(op.f("ix_dashboard_audit_at"), "dashboard_audit", ["at"])
    op.create_index("ix_checkins_week_of", "checkins", ["week_of", "status", "leader_id"])
    op.create_index(
        "ix_step_updates_answered_at", "step_updates", ["answered_at", "step_id", "status"]
    )


def downgrade() -> None:
    op.drop_index("ix_step_updates_answered_at", table_name="step_updates")
    op.drop_index("ix_checkins_week_of", table_name="checkins")
    op.drop_index(op.f("ix_dashboard_audit_at"), table_name="dashboard_audit")
    op.drop_table("dashboard_audit")
    op.drop_index(op.f("ix_dashboard_sessions_last_seen_at"), table_name="dashboard_sessions")
    op.drop_table("dashboard_sessions")
    op.drop_index(op.f("ix_dashboard_links_expires_at"), table_name="dashboard_links")
    op.drop_table("dashboard_links")
