"""Imports from other systems: external ids and original values (issue: data in and out).

`imported_rows` holds one row per caller or request imported by `allo import`: the source's
name and its id for the row (unique per kind, so importing the same file twice adds nothing and
an interrupted import resumes), the row it became, and the source's original values as JSON.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 01:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "imported_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("original", sa.Text(), nullable=False, server_default=sa.text("''")),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_rows")),
    )
    with op.batch_alter_table("imported_rows", schema=None) as batch_op:
        batch_op.create_index(
            "ix_imported_rows_external", ["kind", "source", "external_id"], unique=True
        )
        batch_op.create_index("ix_imported_rows_row", ["kind", "row_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("imported_rows", schema=None) as batch_op:
        batch_op.drop_index("ix_imported_rows_row")
        batch_op.drop_index("ix_imported_rows_external")
    op.drop_table("imported_rows")
