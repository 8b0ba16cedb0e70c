"""Personal data: caller merges, card-opening record, anonymisation marks (issue: administration, GDPR).

`caller_views` records who opened a caller's card and when (kept for the retention period, then
purged with the caller's other traces; shown to administrators by `allo gdpr views`).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 01:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "caller_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("caller_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("viewed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["caller_id"],
            ["callers.id"],
            name=op.f("fk_caller_views_caller_id_callers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_caller_views_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caller_views")),
    )
    with op.batch_alter_table("caller_views", schema=None) as batch_op:
        batch_op.create_index("ix_caller_views_caller", ["caller_id", "viewed_at"], unique=False)
        batch_op.create_index("ix_caller_views_at", ["viewed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("caller_views", schema=None) as batch_op:
        batch_op.drop_index("ix_caller_views_at")
        batch_op.drop_index("ix_caller_views_caller")
    op.drop_table("caller_views")
