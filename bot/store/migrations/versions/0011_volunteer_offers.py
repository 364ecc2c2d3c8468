"""volunteer_offers, volunteer_years: time pledged to outreach work, and each Careers in Ideas Week

An offer says what someone would do, how much time, where, and whether they agreed to be
listed in the directory; a year records the nudge before the week and the answer after it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "volunteer_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("time", sa.String(length=16), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("about", sa.String(length=300), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("offered_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_volunteer_offers_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_offers")),
        sa.UniqueConstraint("person_id", name=op.f("uq_volunteer_offers_person_id")),
    )
    op.create_index(
        op.f("ix_volunteer_offers_listed"), "volunteer_offers", ["listed"], unique=False
    )
    op.create_table(
        "volunteer_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("nudged_at", sa.DateTime(), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=True),
        sa.Column("done", sa.String(length=8), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["volunteer_offers.id"],
            name=op.f("fk_volunteer_years_offer_id_volunteer_offers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_years")),
        sa.UniqueConstraint("offer_id", "year", name=op.f("uq_volunteer_years_offer_id_year")),
    )
    op.create_index(
        op.f("ix_volunteer_years_offer_id"), "volunteer_years", ["offer_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_volunteer_years_offer_id"), table_name="volunteer_years")
    op.drop_table("volunteer_years")
    op.drop_index(op.f("ix_volunteer_offers_listed"), table_name="volunteer_offers")
    op.drop_table("volunteer_offers")
