"""Reply letters: batches of printed letters and the requests each holds (issue: replies).

`reply_letter_batches` holds one row per PDF written by `allo replies letters`: its kind
(acknowledgement or final answer), when, by whom and the file name. `reply_letters` holds the
letters of each batch, one per request; its unique index on (request, kind, reply key) makes a
request's acknowledgement (reply key "") or its final answer for one end (reply key: the id of
the status event that ended it, as final answers go out again after a reopen then a new end) belong to one batch only,
even when two batches are made at once: the second insert fails or is skipped.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 08:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reply_letter_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_letter_batches")),
    )
    op.create_table(
        "reply_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reply_key", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["reply_letter_batches.id"],
            name=op.f("fk_reply_letters_batch_id_reply_letter_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_reply_letters_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_letters")),
    )
    with op.batch_alter_table("reply_letters", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reply_letters_once", ["request_id", "kind", "reply_key"], unique=True
        )
        batch_op.create_index("ix_reply_letters_batch", ["batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reply_letters", schema=None) as batch_op:
        batch_op.drop_index("ix_reply_letters_batch")
        batch_op.drop_index("ix_reply_letters_once")
    op.drop_table("reply_letters")
    op.drop_table("reply_letter_batches")
