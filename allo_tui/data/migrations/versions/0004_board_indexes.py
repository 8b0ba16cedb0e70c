"""Board figures: two partial indexes so the live board never reads the requests table to count.

The board (F5, `allo board`) re-reads its header figures on every change any console makes:
open and late requests per urgency, acknowledgements owed today. Through `ix_requests_open`
alone the acknowledgement columns and the service filter need the table row of every open
request (~50 ms at 20,000 open). With these two indexes every figure is an index range:

- `ix_requests_open_service` (service_id, urgency, intervention_due_at) over open requests:
  figures and rows of a board narrowed to some services, in board order;
- `ix_requests_ack_owed` (ack_due_at, service_id) over open requests not yet acknowledged:
  the acknowledgements due today or late, and the next one to fall due.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written exactly as the board's queries are, so SQLite knows the indexes cover them.
OPEN_STATUS_SQL = "status IN ('new', 'acknowledged', 'assigned', 'in_progress')"
ACK_OWED_SQL = "acknowledged_at IS NULL AND " + OPEN_STATUS_SQL


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_requests_open_service",
            ["service_id", "urgency", "intervention_due_at"],
            unique=False,
            sqlite_where=sa.text(OPEN_STATUS_SQL),
            postgresql_where=sa.text(OPEN_STATUS_SQL),
        )
        batch_op.create_index(
            "ix_requests_ack_owed",
            ["ack_due_at", "service_id"],
            unique=False,
            sqlite_where=sa.text(ACK_OWED_SQL),
            postgresql_where=sa.text(ACK_OWED_SQL),
        )


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_ack_owed")
        batch_op.drop_index("ix_requests_open_service")
