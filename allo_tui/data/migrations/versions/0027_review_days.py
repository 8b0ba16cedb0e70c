"""The review's figures kept per local day, and what tells them to be counted again.

- `review_days`: the figures of each local day before today (`allo_tui.domain.review_days`),
  written by the review itself (`ReviewStore`), never by a save;
- `review_dirty`: the UTC days whose rows changed since. Triggers on `requests`, `events`,
  `calls` and `callers` add them in the writing transaction, whatever wrote (a console, a
  bulk action, an import, a merge, the GDPR purge); a renamed category or service adds "*"
  (every day). No unique key: concurrent writers never wait on each other, a day may be
  listed twice;
- `review_meta`: the last day kept and the calendar the figures were counted with;
- indexes to read the requests due, ended or done on given days.

Nothing is counted here: the first review counts the days it needs (or `allo report
--rebuild`).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 17:35:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REVIEW_EVENT_SQL = "kind IN ('status', 'assignment')"
_REQUEST_TIMES = ("created_at", "ack_due_at", "intervention_due_at", "closed_at")
_REQUEST_COUNTED = (
    "created_at",
    "urgency",
    "status",
    "ack_due_at",
    "acknowledged_at",
    "intervention_due_at",
    "closed_at",
    "caller_id",
    "category_id",
    "service_id",
    "channel",
    "neighbourhood",
    "street",
    "duplicate_of_id",
)
"""The columns a review figure reads: an update of any other column changes no figure."""


def _sqlite_day(value: str) -> str:
    return f"substr({value}, 1, 10)"


def _pg_day(value: str) -> str:
    return f"to_char({value}, 'YYYY-MM-DD')"


def _mark(days_select: str) -> str:
    """Add the days of `days_select` (a query of one column `d`) not listed yet."""
    return (
        f"INSERT INTO review_dirty (day) SELECT DISTINCT d FROM ({days_select}) AS marked"
        " WHERE d IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM review_dirty AS r WHERE r.day = marked.d)"
    )


def _request_days(row: str, day) -> str:
    """The days a request counts on: its times, and its status changes and send-backs."""
    times = " UNION ".join(f"SELECT {day(f'{row}.{c}')} AS d" for c in _REQUEST_TIMES)
    return (
        f"{times} UNION SELECT {day('e.at')} AS d FROM events AS e"
        f" WHERE e.request_id = {row}.id AND e.{REVIEW_EVENT_SQL}"
    )


def _caller_days(day) -> str:
    return f"SELECT {day('q.ack_due_at')} AS d FROM requests AS q WHERE q.caller_id = NEW.id"


def upgrade() -> None:
    op.create_table(
        "review_days",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("made", sa.Integer, nullable=False, server_default="0"),
        sa.Column("ended", sa.Integer, nullable=False, server_default="0"),
        sa.Column("figures", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_table(
        "review_dirty",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.String(10), nullable=False),
    )
    op.create_index("ix_review_dirty_day", "review_dirty", ["day"])
    op.create_table(
        "review_meta",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("value", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_requests_ack_due", "requests", ["ack_due_at"])
    op.create_index("ix_requests_intervention_due", "requests", ["intervention_due_at"])
    op.create_index(
        "ix_requests_closed",
        "requests",
        ["closed_at"],
        sqlite_where=sa.text("closed_at IS NOT NULL"),
        postgresql_where=sa.text("closed_at IS NOT NULL"),
    )
    op.create_index(
        "ix_events_review",
        "events",
        ["at"],
        sqlite_where=sa.text(REVIEW_EVENT_SQL),
        postgresql_where=sa.text(REVIEW_EVENT_SQL),
    )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers()
    else:
        _postgresql_triggers()


def _changed(columns: Sequence[str]) -> str:
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


def _sqlite_triggers() -> None:
    day = _sqlite_day
    for name, timing, body in (
        ("requests_insert", "AFTER INSERT ON requests", _mark(_request_days("NEW", day))),
        (
            "requests_update",
            f"AFTER UPDATE ON requests WHEN {_changed(_REQUEST_COUNTED)}",
            _mark(_request_days("OLD", day)) + "; " + _mark(_request_days("NEW", day)),
        ),
        ("requests_delete", "AFTER DELETE ON requests", _mark(_request_days("OLD", day))),
        (
            "events_insert",
            f"AFTER INSERT ON events WHEN NEW.{REVIEW_EVENT_SQL}",
            _mark(f"SELECT {day('NEW.at')} AS d"),
        ),
        ("calls_insert", "AFTER INSERT ON calls", _mark(f"SELECT {day('NEW.started_at')} AS d")),
        (
            "calls_update",
            "AFTER UPDATE ON calls WHEN " + _changed(("started_at", "outcome", "request_id")),
            _mark(f"SELECT {day('OLD.started_at')} AS d UNION SELECT {day('NEW.started_at')} AS d"),
        ),
        ("calls_delete", "AFTER DELETE ON calls", _mark(f"SELECT {day('OLD.started_at')} AS d")),
        (
            "callers_update",
            "AFTER UPDATE ON callers WHEN OLD.contact_preference IS NOT NEW.contact_preference",
            _mark(_caller_days(day)),
        ),
        (
            "categories_update",
            "AFTER UPDATE ON categories WHEN OLD.label IS NOT NEW.label",
            _mark("SELECT '*' AS d"),
        ),
        (
            "services_update",
            "AFTER UPDATE ON services WHEN OLD.name IS NOT NEW.name",
            _mark("SELECT '*' AS d"),
        ),
    ):
        op.execute(f"CREATE TRIGGER review_{name} {timing} BEGIN {body}; END")


def _postgresql_triggers() -> None:
    day = _pg_day
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _REQUEST_COUNTED)
    functions = {
        "requests": f"""
            IF TG_OP <> 'INSERT' THEN {_mark(_request_days("OLD", day))}; END IF;
            IF TG_OP <> 'DELETE' THEN {_mark(_request_days("NEW", day))}; END IF;""",
        "events": _mark(f"SELECT {day('NEW.at')} AS d") + ";",
        "calls": f"""
            IF TG_OP <> 'INSERT' THEN {_mark(f"SELECT {day('OLD.started_at')} AS d")}; END IF;
            IF TG_OP <> 'DELETE' THEN {_mark(f"SELECT {day('NEW.started_at')} AS d")}; END IF;""",
        "callers": _mark(_caller_days(day)) + ";",
        "renames": _mark("SELECT '*' AS d") + ";",
    }
    for name, body in functions.items():
        op.execute(
            f"""CREATE FUNCTION allo_review_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {body}
                RETURN NULL;
            END $$"""
        )
    for trigger in (
        "requests_insert AFTER INSERT ON requests FOR EACH ROW"
        " EXECUTE FUNCTION allo_review_requests()",
        f"requests_update AFTER UPDATE ON requests FOR EACH ROW WHEN ({changed})"
        " EXECUTE FUNCTION allo_review_requests()",
        "requests_delete AFTER DELETE ON requests FOR EACH ROW"
        " EXECUTE FUNCTION allo_review_requests()",
        f"events_insert AFTER INSERT ON events FOR EACH ROW WHEN (NEW.{REVIEW_EVENT_SQL})"
        " EXECUTE FUNCTION allo_review_events()",
        "calls_change AFTER INSERT OR DELETE ON calls FOR EACH ROW"
        " EXECUTE FUNCTION allo_review_calls()",
        "calls_update AFTER UPDATE ON calls FOR EACH ROW WHEN ("
        + " OR ".join(
            f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in ("started_at", "outcome", "request_id")
        )
        + ") EXECUTE FUNCTION allo_review_calls()",
        "callers_update AFTER UPDATE ON callers FOR EACH ROW WHEN"
        " (OLD.contact_preference IS DISTINCT FROM NEW.contact_preference)"
        " EXECUTE FUNCTION allo_review_callers()",
        "categories_update AFTER UPDATE ON categories FOR EACH ROW WHEN"
        " (OLD.label IS DISTINCT FROM NEW.label) EXECUTE FUNCTION allo_review_renames()",
        "services_update AFTER UPDATE ON services FOR EACH ROW WHEN"
        " (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION allo_review_renames()",
    ):
        op.execute(f"CREATE TRIGGER review_{trigger}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in (
            "requests_insert",
            "requests_update",
            "requests_delete",
            "events_insert",
            "calls_insert",
            "calls_update",
            "calls_delete",
            "callers_update",
            "categories_update",
            "services_update",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS review_{name}")
    else:
        for trigger, table in (
            ("requests_insert", "requests"),
            ("requests_update", "requests"),
            ("requests_delete", "requests"),
            ("events_insert", "events"),
            ("calls_change", "calls"),
            ("calls_update", "calls"),
            ("callers_update", "callers"),
            ("categories_update", "categories"),
            ("services_update", "services"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS review_{trigger} ON {table}")
        for name in ("requests", "events", "calls", "callers", "renames"):
            op.execute(f"DROP FUNCTION IF EXISTS allo_review_{name}()")
    op.drop_index("ix_events_review", "events")
    op.drop_index("ix_requests_closed", "requests")
    op.drop_index("ix_requests_intervention_due", "requests")
    op.drop_index("ix_requests_ack_due", "requests")
    op.drop_table("review_meta")
    op.drop_table("review_dirty")
    op.drop_table("review_days")
