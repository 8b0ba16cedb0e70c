"""The e-mail outbox of replies to callers (`allo replies send`).

One row per e-mail: a request's acknowledgement (reply key "") or its final answer for one end
(reply key: the id of the event that ended it), unique per request, kind and key, so a reply is
queued once whoever queues it. A sender claims a row (`sending`, with its token and time)
before it talks to the SMTP server; then `sent`, back to `queued` with a later
`next_attempt_at` after a temporary failure, or `failed` with the server's message. A claim
left by a sender that died becomes `check` ("à vérifier") and is never resent automatically.
Revision 0019 was reserved for this table and left empty; the table comes here so that
databases already past 0019 get it.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reply_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reply_key", sa.String(length=40), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_reply_mails_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_mails")),
    )
    with op.batch_alter_table("reply_mails", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reply_mails_once", ["request_id", "kind", "reply_key"], unique=True
        )
        batch_op.create_index("ix_reply_mails_state", ["state", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reply_mails", schema=None) as batch_op:
        batch_op.drop_index("ix_reply_mails_state")
        batch_op.drop_index("ix_reply_mails_once")
    op.drop_table("reply_mails")
