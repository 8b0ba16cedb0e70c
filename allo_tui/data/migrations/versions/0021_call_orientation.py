"""Calls oriented elsewhere: the directory entry an out-of-scope call was sent to (F10).

`calls.directory_id` names the body of the orientation directory (`directory`, migration 0013)
whose number the hostess read out; set on calls whose outcome is `oriented`, null otherwise.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN keeps the table's text as it was plus the column (a batch copy would
        # rewrite it with its constraints in an order that varies between runs).
        op.execute("ALTER TABLE calls ADD COLUMN directory_id INTEGER REFERENCES directory (id)")
        return
    op.add_column("calls", sa.Column("directory_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_calls_directory_id_directory"), "calls", "directory", ["directory_id"], ["id"]
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE calls DROP COLUMN directory_id")
        return
    op.drop_constraint(op.f("fk_calls_directory_id_directory"), "calls", type_="foreignkey")
    op.drop_column("calls", "directory_id")
