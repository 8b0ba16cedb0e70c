"""The audit: an append-only record of administrative actions (who, when, what, old → new).

`audit` holds one row per action an administrator or the system takes outside a request's own
timeline (request events stay in `events`): a callers export (what, how many rows, which
filters), and later the catalogue, settings and personal-data actions of the administration
issue. Like `events`, it is append-only: triggers refuse UPDATE and DELETE on both engines
(TRUNCATE stays possible on PostgreSQL, as for `events`: `allo db copy --replace` empties a
destination with it).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UPGRADE = [
    """CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN
        SELECT RAISE(ABORT, 'audit is append-only');
    END""",
    """CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN
        SELECT RAISE(ABORT, 'audit is append-only');
    END""",
]
SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS audit_append_only_update",
    "DROP TRIGGER IF EXISTS audit_append_only_delete",
]
PG_UPGRADE = [
    """CREATE FUNCTION allo_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit is append-only';
    END $$""",
    """CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION allo_audit_append_only()""",
]
PG_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS audit_no_truncate ON audit",
    "DROP TRIGGER IF EXISTS audit_append_only ON audit",
    "DROP FUNCTION IF EXISTS allo_audit_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False, server_default=sa.text("''")),
        sa.Column("old_value", sa.Text(), nullable=False, server_default=sa.text("''")),
        sa.Column("new_value", sa.Text(), nullable=False, server_default=sa.text("''")),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_audit_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.create_index("ix_audit_at", ["at", "id"], unique=False)
    statements = SQLITE_UPGRADE if op.get_bind().dialect.name == "sqlite" else PG_UPGRADE
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    statements = SQLITE_DOWNGRADE if op.get_bind().dialect.name == "sqlite" else PG_DOWNGRADE
    for statement in statements:
        op.execute(statement)
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_at")
    op.drop_table("audit")
