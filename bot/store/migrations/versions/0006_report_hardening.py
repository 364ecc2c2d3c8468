"""report hardening: handlers deactivated, exclusions by address, submitted form instances

Handlers are never deleted any more (``active``); a case's exclusions hold the excluded
handlers' addresses instead of their row ids (existing rows are converted); and
``submitted_forms`` remembers the form instances already submitted, so a replay files nothing.

Numbered 0006 after the form tokens' 0005 on main; on this branch it follows 0004.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _address(platform: str, tenant: str, user_id: str) -> str:
    """As ``str(Address)`` writes a user's address (the console has no tenant)."""
    return ":".join([platform, *([tenant] if platform != "console" else []), user_id])


def _rewrite_exclusions(to_address: bool) -> None:
    connection = op.get_bind()
    handlers = connection.execute(
        sa.text("SELECT id, platform, tenant, user_id FROM report_handlers")
    ).all()
    by_id = {str(row.id): _address(row.platform, row.tenant, row.user_id) for row in handlers}
    by_address = {address: int(ident) for ident, address in by_id.items()}
    cases = connection.execute(sa.text("SELECT id, excluded FROM report_cases")).all()
    for case in cases:
        excluded = case.excluded if isinstance(case.excluded, list) else json.loads(case.excluded)
        changed: list[str] | list[int] = (
            [by_id.get(str(item), str(item)) for item in excluded]
            if to_address
            else [by_address[item] for item in excluded if item in by_address]
        )
        connection.execute(
            sa.text("UPDATE report_cases SET excluded = :excluded WHERE id = :id"),
            {"excluded": json.dumps(changed), "id": case.id},
        )


def upgrade() -> None:
    with op.batch_alter_table("report_handlers") as batch:
        batch.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    _rewrite_exclusions(to_address=True)
    op.create_table(
        "submitted_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("seen_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submitted_forms")),
        sa.UniqueConstraint("digest", name=op.f("uq_submitted_forms_digest")),
    )
    op.create_index(op.f("ix_submitted_forms_seen_on"), "submitted_forms", ["seen_on"])


def downgrade() -> None:
    op.drop_index(op.f("ix_submitted_forms_seen_on"), table_name="submitted_forms")
    op.drop_table("submitted_forms")
    _rewrite_exclusions(to_address=False)
    with op.batch_alter_table("report_handlers") as batch:
        batch.drop_column("active")
