"""commitment packs: adoptions, adopted actions with their history, updates, owners' check-ins

An organisation adopts a pack; each action it takes on gets an owner and a due date, every
edit is kept, statuses are appended, and each owner is asked at most once a week.

Revision ID: 0012
Revises: 0011
Create Date: 2027-02-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pack_adoptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("pack_id", sa.String(40), nullable=False),
        sa.Column("adopted_by", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("adopted_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("platform", "tenant", "pack_id"),
    )
    op.create_table(
        "adopted_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("adoption_id", sa.Integer(), sa.ForeignKey("pack_adoptions.id"), nullable=False),
        sa.Column("action_id", sa.String(20), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("quick_win", sa.Boolean(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("asked_period", sa.Date(), nullable=True),
        sa.Column("overdue_told_on", sa.Date(), nullable=True),
        sa.UniqueConstraint("adoption_id", "action_id"),
    )
    op.create_index("ix_adopted_actions_owner", "adopted_actions", ["owner_id", "active"])
    op.create_table(
        "adopted_action_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "adopted_action_id",
            sa.Integer(),
            sa.ForeignKey("adopted_actions.id"),
            nullable=False,
        ),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("quick_win", sa.Boolean(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_index(
        "ix_adopted_action_changes_adopted_action_id",
        "adopted_action_changes",
        ["adopted_action_id"],
    )
    op.create_table(
        "owner_checkins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("week_of", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("host", sa.String(32), nullable=False),
        sa.UniqueConstraint("person_id", "week_of"),
    )
    op.create_table(
        "owner_checkin_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("checkin_id", sa.Integer(), sa.ForeignKey("owner_checkins.id"), nullable=False),
        sa.Column(
            "adopted_action_id",
            sa.Integer(),
            sa.ForeignKey("adopted_actions.id"),
            nullable=False,
        ),
        sa.UniqueConstraint("checkin_id", "adopted_action_id"),
    )
    op.create_index("ix_owner_checkin_items_checkin_id", "owner_checkin_items", ["checkin_id"])
    op.create_table(
        "adopted_action_updates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "adopted_action_id",
            sa.Integer(),
            sa.ForeignKey("adopted_actions.id"),
            nullable=False,
        ),
        sa.Column("checkin_id", sa.Integer(), sa.ForeignKey("owner_checkins.id"), nullable=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "ix_adopted_action_updates_adopted_action_id",
        "adopted_action_updates",
        ["adopted_action_id"],
    )


def downgrade() -> None:
    op.drop_table("adopted_action_updates")
    op.drop_table("owner_checkin_items")
    op.drop_table("owner_checkins")
    op.drop_table("adopted_action_changes")
    op.drop_table("adopted_actions")
    op.drop_table("pack_adoptions")
