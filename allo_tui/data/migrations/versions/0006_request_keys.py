"""Idempotency keys: a gateway's retry of `allo request add` never creates a second request.

`allo request add --idempotency-key KEY` records KEY with the request, in the transaction
that creates it; the same KEY again returns that request (its reference) and writes nothing.
The key is the primary key, so two concurrent saves with one key cannot both succeed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 14:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "request_keys",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_request_keys_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_request_keys")),
    )


def downgrade() -> None:
    op.drop_table("request_keys")
