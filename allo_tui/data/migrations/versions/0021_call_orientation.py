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
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("directory_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_calls_directory_id_directory"), "directory", ["directory_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_calls_directory_id_directory"), type_="foreignkey")
        batch_op.drop_column("directory_id")
