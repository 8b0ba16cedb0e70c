"""Reply templates per kind of request: complaints, remarks and requests for information get
their own acknowledgement and final answer (`accuse_reception.reclamation`…), in French; an
intervention keeps the plain ones. A template of that name already there (written by an
administrator) is left as it is.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from allo_tui.domain.reply_templates import KIND_TEMPLATES

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    for name, (subject, body) in KIND_TEMPLATES.items():
        taken = connection.execute(
            sa.text("SELECT 1 FROM reply_templates WHERE name = :name"), {"name": name}
        ).first()
        if taken is None:
            connection.execute(
                sa.text(
                    "INSERT INTO reply_templates (name, subject, body)"
                    " VALUES (:name, :subject, :body)"
                ),
                {"name": name, "subject": subject, "body": body},
            )


def downgrade() -> None:
    connection = op.get_bind()
    for name in KIND_TEMPLATES:
        connection.execute(
            sa.text("DELETE FROM reply_templates WHERE name = :name"), {"name": name}
        )
