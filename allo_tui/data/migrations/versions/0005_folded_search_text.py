"""Folded search text: stored text is found however it was typed (ligatures, full width, Ǆ).

Queries are folded with NFKD (`allo_tui.domain.text.fold`), but the FTS5 tokenizer indexes
text as written: "câble ﬁbre" was never found by "fibre", nor "ＡＢ" by "ab", nor "Ǉ" by
"lj". Four columns hold the folded text of a row when its own text holds such characters
(`allo_tui.data.search.index_text`; NULL for ordinary text, so nothing is stored twice):

- callers.search_names, callers.search_address;
- requests.search_description, requests.search_location.

The search triggers now index `coalesce(search_…, <the row's text>)`, and this migration sets
the columns of the rows already there (the update trigger re-indexes them in the same
transaction). Columns are added with ALTER TABLE ADD COLUMN: no table is rebuilt.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 14:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAMES = "{r}.surname || ' ' || {r}.given_name"
_ADDRESS = (
    "{r}.street_number || ' ' || {r}.street || ' ' || {r}.address_extra || ' ' || "
    "{r}.postcode || ' ' || {r}.city"
)
_LOCATION = "{r}.street_number || ' ' || {r}.street || ' ' || {r}.landmark"


def _caller_values(row: str, *, folded: bool) -> str:
    names, address = _NAMES.format(r=row), _ADDRESS.format(r=row)
    if folded:
        names = f"coalesce({row}.search_names, {names})"
        address = f"coalesce({row}.search_address, {address})"
    return f"{row}.id, {names}, {address}"


def _request_values(row: str, *, folded: bool) -> str:
    description, location = f"{row}.description", _LOCATION.format(r=row)
    if folded:
        description = f"coalesce({row}.search_description, {description})"
        location = f"coalesce({row}.search_location, {location})"
    return f"{row}.id, {row}.reference, {description}, {location}"


_CALLER_COLUMNS = "surname, given_name, street_number, street, address_extra, postcode, city"
_REQUEST_COLUMNS = "reference, description, street_number, street, landmark"


def _triggers(*, folded: bool) -> list[str]:
    """The six triggers keeping caller_search and request_search in step (0001's, or these)."""
    callers = f"{_CALLER_COLUMNS}, search_names, search_address" if folded else _CALLER_COLUMNS
    requests = (
        f"{_REQUEST_COLUMNS}, search_description, search_location" if folded else _REQUEST_COLUMNS
    )

    def caller(row: str) -> str:
        return _caller_values(row, folded=folded)

    def request(row: str) -> str:
        return _request_values(row, folded=folded)

    return [
        f"""CREATE TRIGGER callers_search_insert AFTER INSERT ON callers BEGIN
        INSERT INTO caller_search(rowid, names, address) VALUES ({caller("new")});
    END""",
        f"""CREATE TRIGGER callers_search_delete AFTER DELETE ON callers BEGIN
        INSERT INTO caller_search(caller_search, rowid, names, address)
        VALUES ('delete', {caller("old")});
    END""",
        f"""CREATE TRIGGER callers_search_update
        AFTER UPDATE OF {callers}
        ON callers BEGIN
        INSERT INTO caller_search(caller_search, rowid, names, address)
        VALUES ('delete', {caller("old")});
        INSERT INTO caller_search(rowid, names, address) VALUES ({caller("new")});
    END""",
        f"""CREATE TRIGGER requests_search_insert AFTER INSERT ON requests BEGIN
        INSERT INTO request_search(rowid, reference, description, location)
        VALUES ({request("new")});
    END""",
        f"""CREATE TRIGGER requests_search_delete AFTER DELETE ON requests BEGIN
        INSERT INTO request_search(request_search, rowid, reference, description, location)
        VALUES ('delete', {request("old")});
    END""",
        f"""CREATE TRIGGER requests_search_update
        AFTER UPDATE OF {requests} ON requests BEGIN
        INSERT INTO request_search(request_search, rowid, reference, description, location)
        VALUES ('delete', {request("old")});
        INSERT INTO request_search(rowid, reference, description, location)
        VALUES ({request("new")});
    END""",
    ]


_TRIGGER_NAMES = (
    "callers_search_insert",
    "callers_search_delete",
    "callers_search_update",
    "requests_search_insert",
    "requests_search_delete",
    "requests_search_update",
)
_COLUMNS = (
    ("callers", "search_names"),
    ("callers", "search_address"),
    ("requests", "search_description"),
    ("requests", "search_location"),
)
_BATCH = 5000


def _replace_triggers(*, folded: bool) -> None:
    for name in _TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in _triggers(folded=folded):
        op.execute(statement)


def _fold_rows(table: str, columns: tuple[str, ...], targets: tuple[str, str], texts) -> None:
    """Set the two search columns (`targets`) of the rows of `table` whose text needs folding;
    `texts(values)` gives the two texts indexed from the values of `columns`."""
    from allo_tui.data.backend.sqlite.fts_text import index_text

    connection = op.get_bind()
    # Only text beyond printable ASCII can need folding (a GLOB class is per character).
    rows = connection.exec_driver_sql(
        f"SELECT id, {', '.join(columns)} FROM {table}"
        f" WHERE ({' || '.join(columns)}) GLOB '*[^ -~]*'"
    ).fetchall()
    updates = []
    for row_id, *values in rows:
        first, second = (index_text(text) for text in texts(values))
        if first is not None or second is not None:
            updates.append({"id": row_id, "first": first, "second": second})
    statement = sa.text(
        f"UPDATE {table} SET {targets[0]} = :first, {targets[1]} = :second WHERE id = :id"
    )
    for start in range(0, len(updates), _BATCH):
        connection.execute(statement, updates[start : start + _BATCH])


def _joined(parts) -> str:
    """Text parts as the triggers join them (`a || ' ' || b`)."""
    return " ".join(part or "" for part in parts)


def upgrade() -> None:
    for table, name in _COLUMNS:
        op.add_column(table, sa.Column(name, sa.Text(), nullable=True))
    if op.get_bind().dialect.name != "sqlite":
        _create_trigram_indexes()
        return
    _replace_triggers(folded=True)
    _fold_rows(
        "callers",
        ("surname", "given_name", "street_number", "street", "address_extra", "postcode", "city"),
        ("search_names", "search_address"),
        lambda v: (_joined(v[0:2]), _joined(v[2:7])),
    )
    _fold_rows(
        "requests",
        ("description", "street_number", "street", "landmark"),
        ("search_description", "search_location"),
        lambda v: (v[0], _joined(v[1:4])),
    )


# PostgreSQL: the search columns hold folded words, each after a blank (written by the
# backend, `allo_tui.data.backend.postgresql.search.indexed_words`); trigram indexes find a
# word's start ("% dup%") and any run of phone digits. The expressions are those the queries
# use, character for character.
PG_TRIGRAM_INDEXES = {
    "ix_callers_words_trgm": "callers USING gin ((search_names || search_address) gin_trgm_ops)",
    "ix_callers_names_trgm": "callers USING gin (search_names gin_trgm_ops)",
    "ix_callers_address_trgm": "callers USING gin (search_address gin_trgm_ops)",
    "ix_caller_phones_digits_trgm": "caller_phones USING gin (search_digits gin_trgm_ops)",
    "ix_requests_words_trgm": (
        "requests USING gin ((' ' || replace(reference, '-', ' ')"
        " || coalesce(search_description, ' ') || coalesce(search_location, ' '))"
        " gin_trgm_ops)"
    ),
}


def _create_trigram_indexes() -> None:
    for name, target in PG_TRIGRAM_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {target}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for name in PG_TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    if op.get_bind().dialect.name == "sqlite":
        # Back to the text itself in the index (the update trigger re-indexes each row), then
        # 0001's triggers.
        op.execute(
            "UPDATE callers SET search_names = NULL, search_address = NULL"
            " WHERE search_names IS NOT NULL OR search_address IS NOT NULL"
        )
        op.execute(
            "UPDATE requests SET search_description = NULL, search_location = NULL"
            " WHERE search_description IS NOT NULL OR search_location IS NOT NULL"
        )
        _replace_triggers(folded=False)
    for table, name in reversed(_COLUMNS):
        op.drop_column(table, name)
