"""Replies to citizens: templates, letter batches, the email outbox (issue: the citizen hears back).

`reply_templates` holds the acknowledgement and final-answer templates (Jinja2 text), one per
kind, overridable per category (name `kind.CATEGORY`), shared by every console; the French
defaults are seeded here.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 01:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from allo_tui.domain.reply_templates import DEFAULT_BODIES, DEFAULT_SUBJECTS, KINDS

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "reply_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_reply_templates_name")),
    )
    op.bulk_insert(
        table,
        [{"name": k, "subject": DEFAULT_SUBJECTS[k], "body": DEFAULT_BODIES[k]} for k in KINDS],
    )


def downgrade() -> None:
    op.drop_table("reply_templates")
