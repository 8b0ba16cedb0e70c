"""The street register in the database: every console reads the same list, and an import or
an administrator can change it.

Seeded with the register shipped with allo (Auxerre's FANTOIR streets and named places,
`allo_tui/resources/streets_auxerre.csv`, built by `tools/build_streets.py`).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from allo_tui.domain.streets import shipped_streets

    streets = op.create_table(
        "streets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_streets")),
        sa.UniqueConstraint("name", name=op.f("uq_streets_name")),
    )
    seen: set[str] = set()
    rows = []
    for street in shipped_streets():
        if street.name not in seen:
            seen.add(street.name)
            rows.append({"name": street.name, "kind": street.kind, "active": True})
    op.bulk_insert(streets, rows)


def downgrade() -> None:
    op.drop_table("streets")
