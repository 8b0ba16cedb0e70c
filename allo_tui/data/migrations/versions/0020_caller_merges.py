"""Caller merges: who merged which caller record into which, with its old values (issue: administration and personal data).

`caller_merges` keeps, for the caller kept, each record merged into it: when, by whom, and the
merged record's card and numbers as they were (JSON), shown on the card. The merged record itself
is deleted once its numbers, requests, calls and card views are moved to the caller kept.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 08:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "caller_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("old_values", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kept_id"],
            ["callers.id"],
            name=op.f("fk_caller_merges_kept_id_callers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_caller_merges_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caller_merges")),
    )
    with op.batch_alter_table("caller_merges", schema=None) as batch_op:
        batch_op.create_index("ix_caller_merges_kept", ["kept_id", "merged_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("caller_merges", schema=None) as batch_op:
        batch_op.drop_index("ix_caller_merges_kept")
    op.drop_table("caller_merges")
