"""Service agents: an operator with role `service` is attached to one or more services.

`operator_services` holds one row per (agent, service); the same on SQLite and PostgreSQL.
Only operators with role `service` have rows (the Store keeps it so).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 21:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "operator_services",
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_operator_services_operator_id_operators"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_operator_services_service_id_services"),
        ),
        sa.PrimaryKeyConstraint("operator_id", "service_id", name=op.f("pk_operator_services")),
    )


def downgrade() -> None:
    op.drop_table("operator_services")
