"""History indexes: every single filter of the history list walks an index newest first.

The history (F4) lists requests newest first, a window at a time (keyset on created_at, id).
Each filter gets an index that starts with its column and continues with created_at, so the
first window under any one filter reads only the rows it shows, at any scale:

- category, urgency and street (case-insensitive, as typed or picked from the referential);
- the open requests (partial index, a few thousand rows even in a big city), which also serves
  "late only" without touching the table;
- the duplicates of a request, for its detail.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_STATUS_SQL = "status IN ('new', 'acknowledged', 'assigned', 'in_progress')"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_requests_category_created", ["category_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_requests_urgency_created", ["urgency", "created_at"], unique=False
        )
        # Case-insensitive street filter: NOCASE on SQLite, lower() on PostgreSQL.
        street = "street COLLATE NOCASE" if _sqlite() else "lower(street)"
        batch_op.create_index(
            "ix_requests_street_created",
            [sa.text(street), "created_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_requests_open_created",
            ["created_at", "id", "status", "intervention_due_at"],
            unique=False,
            sqlite_where=sa.text(OPEN_STATUS_SQL),
            postgresql_where=sa.text(OPEN_STATUS_SQL),
        )
        batch_op.create_index(
            "ix_requests_duplicate_of",
            ["duplicate_of_id"],
            unique=False,
            sqlite_where=sa.text("duplicate_of_id IS NOT NULL"),
            postgresql_where=sa.text("duplicate_of_id IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_duplicate_of")
        batch_op.drop_index("ix_requests_open_created")
        batch_op.drop_index("ix_requests_street_created")
        batch_op.drop_index("ix_requests_urgency_created")
        batch_op.drop_index("ix_requests_category_created")
