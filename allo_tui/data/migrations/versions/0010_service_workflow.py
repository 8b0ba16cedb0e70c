"""The services' workflow: planned, waiting and transferred requests, send-backs, coded
outcomes and rejection reasons, and the passwords of served logins.

- `outcomes` and `rejection_reasons`: the coded lists services and supervisors choose from
  (code, French label, order, active), seeded with French defaults; a request keeps the code
  (`outcome_code`, `rejection_reason_code`), so a label may be reworded later.
- `requests` gains `planned_for` (status `planned`), `waiting_kind` / `waiting_for` /
  `waiting_since` / `resume_status` (status `waiting`: what is awaited, since when, and the
  status it resumes), `transferred_to` (status `transferred`), `sent_back` (sent back to the
  call centre, until reassigned).
- `operators` gains `password_hash`, `failed_logins` and `locked_until` (`allo serve`'s login).
- The open statuses are now six (`planned` and `waiting` are open, `transferred` ends our
  part): every partial index over open requests is recreated with the new condition, written
  exactly as `allo_tui.data.rows.OPEN_STATUS_SQL` is.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 23:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_OPEN_SQL = "status IN ('new', 'acknowledged', 'assigned', 'in_progress')"
OPEN_STATUS_SQL = (
    "status IN ('new', 'acknowledged', 'assigned', 'in_progress', 'planned', 'waiting')"
)

OUTCOMES = [
    ("REPARE", "Réparé"),
    ("NETTOYE", "Nettoyé"),
    ("ENLEVE", "Enlevé"),
    ("REMPLACE", "Remplacé"),
    ("SECURISE", "Mis en sécurité"),
    ("CONCESSIONNAIRE", "Signalé au concessionnaire"),
    ("PROGRAMME", "Intégré au programme de travaux"),
    ("RIEN_CONSTATE", "Rien constaté sur place"),
    ("HORS_COMPETENCE", "Hors compétence de la commune"),
    ("INFORMATION", "Information donnée"),
]
"""Coded outcomes of a request done: (code, label), in the order offered."""

REJECTION_REASONS = [
    ("HORS_COMPETENCE", "Hors compétence de la commune"),
    ("DOMAINE_PRIVE", "Domaine privé"),
    ("DEJA_TRAITE", "Déjà traité"),
    ("NON_FONDE", "Demande non fondée"),
    ("INSUFFISANT", "Informations insuffisantes, demandeur injoignable"),
    ("NON_PRIORITAIRE", "Non prioritaire, pas de suite prévue"),
]
"""Coded rejection reasons ("sans suite"): (code, label), in the order offered."""

# Each partial index over open requests: (name, columns, extra condition before the statuses).
OPEN_INDEXES = [
    ("ix_requests_open", ["urgency", "intervention_due_at"], ""),
    ("ix_requests_open_created", ["created_at", "id", "status", "intervention_due_at"], ""),
    ("ix_requests_caller_open", ["caller_id"], ""),
    ("ix_requests_open_service", ["service_id", "urgency", "intervention_due_at"], ""),
    ("ix_requests_ack_owed", ["ack_due_at", "service_id"], "acknowledged_at IS NULL AND "),
]


def _coded_list(name: str, rows: list[tuple[str, str]]) -> None:
    table = op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("code", name=op.f(f"uq_{name}_code")),
    )
    op.bulk_insert(
        table,
        [
            {"code": code, "label": label, "position": index, "active": True}
            for index, (code, label) in enumerate(rows, start=1)
        ],
    )


def _recreate_open_indexes(condition: str) -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        for name, _columns, _extra in OPEN_INDEXES:
            batch_op.drop_index(name)
        for name, columns, extra in OPEN_INDEXES:
            batch_op.create_index(
                name,
                columns,
                unique=False,
                sqlite_where=sa.text(extra + condition),
                postgresql_where=sa.text(extra + condition),
            )


def upgrade() -> None:
    _coded_list("outcomes", OUTCOMES)
    _coded_list("rejection_reasons", REJECTION_REASONS)
    empty = sa.text("''")
    for column in (
        sa.Column("planned_for", sa.Date(), nullable=True),
        sa.Column("outcome_code", sa.String(length=32), nullable=False, server_default=empty),
        sa.Column(
            "rejection_reason_code", sa.String(length=32), nullable=False, server_default=empty
        ),
        sa.Column("waiting_kind", sa.String(length=16), nullable=False, server_default=empty),
        sa.Column("waiting_for", sa.Text(), nullable=False, server_default=empty),
        sa.Column("waiting_since", sa.DateTime(), nullable=True),
        sa.Column("resume_status", sa.String(length=16), nullable=False, server_default=empty),
        sa.Column("transferred_to", sa.String(length=200), nullable=False, server_default=empty),
        sa.Column("sent_back", sa.Boolean(), nullable=False, server_default=sa.false()),
    ):
        op.add_column("requests", column)
    for column in (
        sa.Column("password_hash", sa.String(length=255), nullable=False, server_default=empty),
        sa.Column("failed_logins", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
    ):
        op.add_column("operators", column)
    _recreate_open_indexes(OPEN_STATUS_SQL)


def downgrade() -> None:
    _recreate_open_indexes(OLD_OPEN_SQL)
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch copy of the table
    # would drop `operators` or `requests`, which the foreign keys of other tables refuse.
    for table, names in (
        ("operators", ("locked_until", "failed_logins", "password_hash")),
        (
            "requests",
            (
                "sent_back",
                "transferred_to",
                "resume_status",
                "waiting_since",
                "waiting_for",
                "waiting_kind",
                "rejection_reason_code",
                "outcome_code",
                "planned_for",
            ),
        ),
    ):
        for name in names:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
    op.drop_table("rejection_reasons")
    op.drop_table("outcomes")
