"""Open requests per caller: a partial index so the lookup counts them without the table.

Every row of the caller lookup (F2) shows how many open requests the caller has. Counted
through `ix_requests_caller`, that reads every request of every caller shown — thousands of
table rows when a frequent caller is on screen. This index holds only the open requests
(a small part of the table at any scale) keyed by caller, so the count reads a few index
entries per caller.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 12:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written exactly as the lookup's count is, so SQLite knows the index covers it.
OPEN_STATUS_SQL = "status IN ('new', 'acknowledged', 'assigned', 'in_progress')"


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_requests_caller_open",
            ["caller_id"],
            unique=False,
            sqlite_where=sa.text(OPEN_STATUS_SQL),
            postgresql_where=sa.text(OPEN_STATUS_SQL),
        )


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_caller_open")
