"""Administration: catalogue procedures, services' retirement, the orientation directory (issue: administration).

`categories.procedure` holds what the hostess asks and says when she picks the category;
`directory` lists the other authorities and bodies a call out of the town hall's scope is
sent to (name, phone, hours, what they handle).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 01:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy): SQLite keeps the table as created, constraints in order.
    op.add_column(
        "categories",
        sa.Column("procedure", sa.Text(), nullable=False, server_default=sa.text("''")),
    )
    op.create_table(
        "directory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False, server_default=sa.text("''")),
        sa.Column("hours", sa.Text(), nullable=False, server_default=sa.text("''")),
        sa.Column("handles", sa.Text(), nullable=False, server_default=sa.text("''")),
        sa.Column("position", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory")),
        sa.UniqueConstraint("name", name=op.f("uq_directory_name")),
    )


def downgrade() -> None:
    op.drop_table("directory")
    op.execute("ALTER TABLE categories DROP COLUMN procedure")
