"""Initial schema: tables, FTS5 search indexes, triggers and the reference catalogue.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 11:21:33.171971
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _create_tables()
    if op.get_bind().dialect.name == "sqlite":
        _create_sqlite_parts()
    else:
        _create_postgresql_parts()
    _seed_reference_data()


def _create_tables() -> None:

    op.create_table(
        "change_counters",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_change_counters")),
    )
    op.create_table(
        "operators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operators")),
        sa.UniqueConstraint("login", name=op.f("uq_operators_login")),
    )
    op.create_table(
        "reference_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_reference_counters")),
    )
    op.create_table(
        "services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("is_mobile_team", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
        sa.UniqueConstraint("code", name=op.f("uq_services_code")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "callers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("surname", sa.String(length=120), nullable=False),
        sa.Column("given_name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("street_number", sa.String(length=16), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("address_extra", sa.String(length=200), nullable=False),
        sa.Column("postcode", sa.String(length=16), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("neighbourhood", sa.String(length=120), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("contact_preference", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["operators.id"], name=op.f("fk_callers_updated_by_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callers")),
    )
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("default_urgency", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_categories_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("code", name=op.f("uq_categories_code")),
    )
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("console", sa.String(length=120), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_drafts_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint("operator_id", "console", name=op.f("uq_drafts_operator_id")),
    )
    op.create_table(
        "caller_phones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("caller_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("display", sa.String(length=40), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("search_digits", sa.String(length=80), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["caller_id"],
            ["callers.id"],
            name=op.f("fk_caller_phones_caller_id_callers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caller_phones")),
    )
    with op.batch_alter_table("caller_phones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_caller_phones_caller_id"), ["caller_id"], unique=False)
        batch_op.create_index("ix_caller_phones_number", ["number"], unique=False)

    op.create_table(
        "requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("ref_year", sa.Integer(), nullable=False),
        sa.Column("ref_seq", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("urgency", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("caller_id", sa.Integer(), nullable=True),
        sa.Column("street_number", sa.String(length=16), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("landmark", sa.String(length=200), nullable=False),
        sa.Column("neighbourhood", sa.String(length=120), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("ack_due_at", sa.DateTime(), nullable=True),
        sa.Column("intervention_due_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_how", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["caller_id"], ["callers.id"], name=op.f("fk_requests_caller_id_callers")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"], name=op.f("fk_requests_category_id_categories")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["operators.id"], name=op.f("fk_requests_created_by_id_operators")
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"], ["requests.id"], name=op.f("fk_requests_duplicate_of_id_requests")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_requests_service_id_services")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["operators.id"], name=op.f("fk_requests_updated_by_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_requests_reference")),
    )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index("ix_requests_caller", ["caller_id", "created_at"], unique=False)
        batch_op.create_index(
            "ix_requests_category_street", ["category_id", "street", "created_at"], unique=False
        )
        batch_op.create_index("ix_requests_created", ["created_at", "id"], unique=False)
        batch_op.create_index(
            "ix_requests_open",
            ["urgency", "intervention_due_at"],
            unique=False,
            sqlite_where=sa.text("status IN ('new', 'acknowledged', 'assigned', 'in_progress')"),
            postgresql_where=sa.text(
                "status IN ('new', 'acknowledged', 'assigned', 'in_progress')"
            ),
        )
        batch_op.create_index(
            "ix_requests_service_created", ["service_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_requests_status_created", ["status", "created_at"], unique=False)

    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("console", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("caller_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.ForeignKeyConstraint(
            ["caller_id"], ["callers.id"], name=op.f("fk_calls_caller_id_callers")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_calls_operator_id_operators")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_calls_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index("ix_calls_caller", ["caller_id", "started_at"], unique=False)
        batch_op.create_index("ix_calls_request", ["request_id"], unique=False)
        batch_op.create_index("ix_calls_started", ["started_at"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_events_operator_id_operators")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_events_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_request", ["request_id", "id"], unique=False)


def downgrade() -> None:
    downgrade_parts = SQLITE_DOWNGRADE if op.get_bind().dialect.name == "sqlite" else PG_DOWNGRADE
    for statement in downgrade_parts:
        op.execute(statement)

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_request")

    op.drop_table("events")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index("ix_calls_started")
        batch_op.drop_index("ix_calls_request")
        batch_op.drop_index("ix_calls_caller")

    op.drop_table("calls")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_status_created")
        batch_op.drop_index("ix_requests_service_created")
        batch_op.drop_index(
            "ix_requests_open",
            sqlite_where=sa.text("status IN ('new', 'acknowledged', 'assigned', 'in_progress')"),
            postgresql_where=sa.text(
                "status IN ('new', 'acknowledged', 'assigned', 'in_progress')"
            ),
        )
        batch_op.drop_index("ix_requests_created")
        batch_op.drop_index("ix_requests_category_street")
        batch_op.drop_index("ix_requests_caller")

    op.drop_table("requests")
    with op.batch_alter_table("caller_phones", schema=None) as batch_op:
        batch_op.drop_index("ix_caller_phones_number")
        batch_op.drop_index(batch_op.f("ix_caller_phones_caller_id"))

    op.drop_table("caller_phones")
    op.drop_table("drafts")
    op.drop_table("categories")
    op.drop_table("callers")
    op.drop_table("settings")
    op.drop_table("services")
    op.drop_table("reference_counters")
    op.drop_table("operators")
    op.drop_table("change_counters")


# SQLite-only parts: full-text search tables kept in step by triggers (same transaction as the
# row they index), change counters for the change feed, and the append-only guard on events.
_CALLER_NAMES = "{r}.surname || ' ' || {r}.given_name"
_CALLER_ADDRESS = (
    "{r}.street_number || ' ' || {r}.street || ' ' || {r}.address_extra || ' ' || "
    "{r}.postcode || ' ' || {r}.city"
)
_REQUEST_LOCATION = "{r}.street_number || ' ' || {r}.street || ' ' || {r}.landmark"


def _caller_values(row: str) -> str:
    return f"{row}.id, {_CALLER_NAMES.format(r=row)}, {_CALLER_ADDRESS.format(r=row)}"


def _request_values(row: str) -> str:
    return f"{row}.id, {row}.reference, {row}.description, {_REQUEST_LOCATION.format(r=row)}"


SQLITE_UPGRADE = [
    "CREATE VIRTUAL TABLE caller_search USING fts5(names, address, content='', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')",
    "CREATE VIRTUAL TABLE phone_search USING fts5(digits, content='', tokenize='trigram')",
    "CREATE VIRTUAL TABLE request_search USING fts5(reference, description, location, "
    "content='', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    # callers -> caller_search
    f"""CREATE TRIGGER callers_search_insert AFTER INSERT ON callers BEGIN
        INSERT INTO caller_search(rowid, names, address) VALUES ({_caller_values("new")});
    END""",
    f"""CREATE TRIGGER callers_search_delete AFTER DELETE ON callers BEGIN
        INSERT INTO caller_search(caller_search, rowid, names, address)
        VALUES ('delete', {_caller_values("old")});
    END""",
    f"""CREATE TRIGGER callers_search_update
        AFTER UPDATE OF surname, given_name, street_number, street, address_extra, postcode, city
        ON callers BEGIN
        INSERT INTO caller_search(caller_search, rowid, names, address)
        VALUES ('delete', {_caller_values("old")});
        INSERT INTO caller_search(rowid, names, address) VALUES ({_caller_values("new")});
    END""",
    # caller_phones -> phone_search (trigram: any run of digits matches)
    """CREATE TRIGGER caller_phones_search_insert AFTER INSERT ON caller_phones BEGIN
        INSERT INTO phone_search(rowid, digits) VALUES (new.id, new.search_digits);
    END""",
    """CREATE TRIGGER caller_phones_search_delete AFTER DELETE ON caller_phones BEGIN
        INSERT INTO phone_search(phone_search, rowid, digits)
        VALUES ('delete', old.id, old.search_digits);
    END""",
    """CREATE TRIGGER caller_phones_search_update AFTER UPDATE OF search_digits ON caller_phones
    BEGIN
        INSERT INTO phone_search(phone_search, rowid, digits)
        VALUES ('delete', old.id, old.search_digits);
        INSERT INTO phone_search(rowid, digits) VALUES (new.id, new.search_digits);
    END""",
    # requests -> request_search
    f"""CREATE TRIGGER requests_search_insert AFTER INSERT ON requests BEGIN
        INSERT INTO request_search(rowid, reference, description, location)
        VALUES ({_request_values("new")});
    END""",
    f"""CREATE TRIGGER requests_search_delete AFTER DELETE ON requests BEGIN
        INSERT INTO request_search(request_search, rowid, reference, description, location)
        VALUES ('delete', {_request_values("old")});
    END""",
    f"""CREATE TRIGGER requests_search_update
        AFTER UPDATE OF reference, description, street_number, street, landmark ON requests BEGIN
        INSERT INTO request_search(request_search, rowid, reference, description, location)
        VALUES ('delete', {_request_values("old")});
        INSERT INTO request_search(rowid, reference, description, location)
        VALUES ({_request_values("new")});
    END""",
    # change counters read by the change feed
    *[
        f"""CREATE TRIGGER {table}_changed_{verb.lower()} AFTER {verb} ON {table} BEGIN
            UPDATE change_counters SET value = value + 1 WHERE name = '{table}';
        END"""
        for table in ("requests", "callers")
        for verb in ("INSERT", "UPDATE", "DELETE")
    ],
    # events are append-only
    """CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events BEGIN
        SELECT RAISE(ABORT, 'events are append-only');
    END""",
    """CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events BEGIN
        SELECT RAISE(ABORT, 'events are append-only');
    END""",
]

SQLITE_DOWNGRADE = [
    *[
        f"DROP TRIGGER IF EXISTS {name}"
        for name in (
            "callers_search_insert",
            "callers_search_delete",
            "callers_search_update",
            "caller_phones_search_insert",
            "caller_phones_search_delete",
            "caller_phones_search_update",
            "requests_search_insert",
            "requests_search_delete",
            "requests_search_update",
            "events_append_only_update",
            "events_append_only_delete",
        )
    ],
    *[
        f"DROP TRIGGER IF EXISTS {table}_changed_{verb}"
        for table in ("requests", "callers")
        for verb in ("insert", "update", "delete")
    ],
    "DROP TABLE IF EXISTS caller_search",
    "DROP TABLE IF EXISTS phone_search",
    "DROP TABLE IF EXISTS request_search",
]


def _create_sqlite_parts() -> None:
    for statement in SQLITE_UPGRADE:
        op.execute(statement)


# PostgreSQL parts: the change counters and their notification (sent when the writing
# transaction commits, to every console listening), and the append-only guard on events. The
# search indexes (pg_trgm) come with the folded search columns, in migration 0005.
PG_UPGRADE = [
    """CREATE FUNCTION allo_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE change_counters SET value = value + 1 WHERE name = TG_TABLE_NAME;
        PERFORM pg_notify('allo_' || TG_TABLE_NAME, '');
        RETURN NULL;
    END $$""",
    *[
        f"""CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION allo_count_change()"""
        for table in ("requests", "callers")
    ],
    """CREATE FUNCTION allo_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'events are append-only';
    END $$""",
    """CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION allo_events_append_only()""",
]

PG_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS events_append_only ON events",
    "DROP TRIGGER IF EXISTS requests_changed ON requests",
    "DROP TRIGGER IF EXISTS callers_changed ON callers",
    "DROP FUNCTION IF EXISTS allo_events_append_only()",
    "DROP FUNCTION IF EXISTS allo_count_change()",
]


def _create_postgresql_parts() -> None:
    for statement in PG_UPGRADE:
        op.execute(statement)


# The reference catalogue (DESIGN §5): defaults, editable per site.
SERVICES = [
    ("PROPRETE", "Propreté urbaine", False),
    ("VOIRIE", "Voirie", False),
    ("EMI", "Équipe mobile d'intervention", True),
    ("SIGNAL", "Signalisation", False),
    ("ECLAIRAGE", "Éclairage public", False),
    ("ESPVERTS", "Espaces verts", False),
    ("ACCUEIL", "Accueil", False),
]
CATEGORIES = [
    ("PROPRETE", "Propreté (déchets, déjections, corbeilles pleines)", "PROPRETE", 3),
    ("DEPOT", "Dépôt sauvage", "PROPRETE", 3),
    ("TAGS", "Tags / graffitis", "PROPRETE", 3),
    ("VOIRIE", "Voirie (nid-de-poule, trottoir, chaussée)", "VOIRIE", 3),
    ("DANGER", "Danger sur la voie publique (objet, trou, plaque)", "EMI", 1),
    ("SIGNAL", "Signalisation (panneau, marquage, feux)", "SIGNAL", 2),
    ("ECLAIRAGE", "Éclairage public", "ECLAIRAGE", 3),
    ("ESPVERTS", "Espaces verts (arbres, tonte, massifs)", "ESPVERTS", 3),
    ("ARBRE", "Arbre tombé / branche dangereuse", "EMI", 1),
    ("MOBILIER", "Mobilier urbain (bancs, barrières, abribus)", "VOIRIE", 3),
    ("EAUX", "Eaux pluviales / avaloir bouché", "VOIRIE", 2),
    ("ANIMAL", "Animal mort / errant", "PROPRETE", 2),
    ("AUTRE", "Autre / remarque", "ACCUEIL", 4),
]


def _seed_reference_data() -> None:
    services = sa.table(
        "services",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("is_mobile_team", sa.Boolean),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        services,
        [
            {"id": index, "code": code, "name": name, "is_mobile_team": mobile, "active": True}
            for index, (code, name, mobile) in enumerate(SERVICES, start=1)
        ],
    )
    service_ids = {code: index for index, (code, _, _) in enumerate(SERVICES, start=1)}
    categories = sa.table(
        "categories",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("label", sa.String),
        sa.column("service_id", sa.Integer),
        sa.column("default_urgency", sa.Integer),
        sa.column("position", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        categories,
        [
            {
                "id": index,
                "code": code,
                "label": label,
                "service_id": service_ids[service],
                "default_urgency": urgency,
                "position": index,
                "active": True,
            }
            for index, (code, label, service, urgency) in enumerate(CATEGORIES, start=1)
        ],
    )
    counters = sa.table(
        "change_counters", sa.column("name", sa.String), sa.column("value", sa.Integer)
    )
    op.bulk_insert(counters, [{"name": "requests", "value": 0}, {"name": "callers", "value": 0}])
    settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.bulk_insert(settings, [{"key": "calendar", "value": "{}"}])
    if op.get_bind().dialect.name == "postgresql":
        # Rows inserted with their ids: the sequences must start after them.
        for table in ("services", "categories"):
            op.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
