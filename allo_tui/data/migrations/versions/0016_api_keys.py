"""Open311 API keys (issue: data in and out).

`api_keys` holds one row per key given to a partner for `POST requests` of the Open311 API
(`allo api`): its name, the sha256 of the token (the token itself is printed once and never
stored), who created it and when, and who revoked it and when (a revoked key is refused).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 01:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["operators.id"], name=op.f("fk_api_keys_created_by_operators")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"], ["operators.id"], name=op.f("fk_api_keys_revoked_by_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index("ix_api_keys_name", ["name"], unique=True)
        batch_op.create_index("ix_api_keys_key_hash", ["key_hash"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_api_keys_key_hash")
        batch_op.drop_index("ix_api_keys_name")
    op.drop_table("api_keys")
