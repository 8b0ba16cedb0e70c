"""Open311 API keys (issue: data in and out).

`api_keys` holds the keys an administrator gives to other systems (`allo api key add NAME`):
the SHA-256 of the key (the key itself is shown once and never stored), its first characters
to recognise it, the operator the API writes as (a login of its own, `api:NAME`, role operator,
so the requests it creates say where they came from), who created it and when, and when it was
revoked. Revision 0016 was reserved for this table and left empty; the table comes here so that
databases already at 0016 or later get it.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 15:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_prefix", sa.String(length=16), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_api_keys_operator_id_operators")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["operators.id"], name=op.f("fk_api_keys_created_by_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("name", name=op.f("uq_api_keys_name")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )


def downgrade() -> None:
    op.drop_table("api_keys")
