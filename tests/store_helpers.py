"""Helpers of the Store tests (tests/test_store*.py): what the database holds, read back with
a plain driver connection (sqlite3 for a file, psycopg for a `postgresql://` URL), and the
requests and callers the tests create."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from allo_tui.data.store import Store
from allo_tui.domain.records import (
    NewCaller,
    NewRequest,
    OperatorRecord,
    Role,
)

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # the `clock` fixture: Tuesday 10:00 in Paris
CALL_STARTED = datetime(2026, 11, 24, 8, 55, tzinfo=UTC)
WRITE_TABLES = (
    "requests",
    "events",
    "calls",
    "callers",
    "caller_phones",
    "reference_counters",
    "drafts",
)


def staff(store: Store) -> tuple[OperatorRecord, OperatorRecord]:
    """The same operator and supervisor as conftest's fixtures, on `store`."""
    store.resolve_operator("admin")
    return (
        store.add_operator("hostess", Role.OPERATOR, "Anne Hôtesse"),
        store.add_operator("chief", Role.SUPERVISOR, "Chef Superviseur"),
    )


def query(path: Path | str, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows read with a plain driver connection: what the database really holds.

    On PostgreSQL, `?` marks are taken as on SQLite, and timestamps come back in the text
    form SQLite stores (`db_time`), so one assertion holds on both backends."""
    if isinstance(path, str):
        import psycopg

        with psycopg.connect(path, autocommit=True) as connection:
            rows = connection.execute(
                sql.replace("%", "%%").replace("?", "%s"), params or None
            ).fetchall()
        return [
            tuple(
                value.replace(tzinfo=UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
                if isinstance(value, datetime)
                else value
                for value in row
            )
            for row in rows
        ]
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def scalar(path: Path, sql: str, params: tuple = ()):
    return query(path, sql, params)[0][0]


def db_time(value: datetime) -> str:
    """How a UTC timestamp is stored in the file."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def table_counts(path: Path) -> dict[str, int]:
    return {table: scalar(path, f"SELECT count(*) FROM {table}") for table in WRITE_TABLES}


DRIVER_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError,)
"""What the drivers raise for a statement the database refuses (sqlite3, psycopg)."""
try:
    import psycopg

    DRIVER_ERRORS = (sqlite3.DatabaseError, psycopg.Error)
except ImportError:  # pragma: no cover - psycopg is a dependency
    pass


def execute(path: Path | str, sql: str, params: tuple = ()) -> None:
    """Run one statement and commit it, on a plain driver connection (raises its errors)."""
    if isinstance(path, str):
        import psycopg

        with psycopg.connect(path, autocommit=True) as connection:
            connection.execute(sql.replace("%", "%%").replace("?", "%s"), params or None)
        return
    connection = sqlite3.connect(path)
    try:
        connection.execute(sql, params)
        connection.commit()
    finally:
        connection.close()


# On PostgreSQL the search indexes are trigram indexes on the folded words of these columns.
_PG_SEARCH = {
    "caller_search": ("callers", "(search_names || search_address)"),
    "phone_search": ("caller_phones", "(' ' || search_digits || ' ')"),
    "request_search": ("requests", "(' ' || coalesce(search_description, ' ') || search_location)"),
}


def fts_rowids(path: Path | str, table: str, match: str) -> list[int]:
    """The ids a search index finds for one word (FTS5 on SQLite; on PostgreSQL the folded
    words its trigram indexes cover)."""
    if isinstance(path, str):
        source, words = _PG_SEARCH[table]
        word = match.strip('"')
        pattern = f"%{word}%" if table == "phone_search" else f"% {word}%"
        return [
            row[0]
            for row in query(
                path, f"SELECT id FROM {source} WHERE {words} LIKE ? ORDER BY id", (pattern,)
            )
        ]
    return [
        row[0] for row in query(path, f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (match,))
    ]


def category_id(store: Store, code: str) -> int:
    category = store.find_category(code)
    assert category is not None, code
    return category.id


def service_id(store: Store, name: str) -> int:
    return next(service.id for service in store.services() if service.name == name)


def request_for(store: Store, code: str = "VOIRIE", description: str = "Nid de poule", **fields):
    return NewRequest(category_id=category_id(store, code), description=description, **fields)


ZEBULON = NewCaller(
    surname="Zébulon",
    given_name="Éléonore",
    phones=("03 86 12 34 56",),
    street_number="12",
    street="rue du Temple",
    postcode="89000",
    city="Auxerre",
)


def add_directory(store: Store, operator: OperatorRecord) -> dict[str, int]:
    """A small directory of callers; name -> id."""
    people = {
        # Created first, with a number that contains Zébulon's digits: an exact match must
        # still come before it.
        "typo": NewCaller(surname="Faute", given_name="Frappe", phones=("0103861234567",)),
        "zebulon": ZEBULON,
        "le goff": NewCaller(surname="Le Goff", given_name="Yann", phones=("06 11 22 33 44",)),
        "ndiaye": NewCaller(surname="N'Diaye", given_name="Awa"),
        "saint-just": NewCaller(surname="Saint-Just", given_name="Louis"),
        "martin": NewCaller(surname="Martin", given_name="Paul", street="avenue Jean Jaurès"),
        "notaro": NewCaller(surname="Notaro", given_name="Martin"),
        "andre": NewCaller(surname="André", given_name="Luc"),
    }
    return {key: store.create_caller(operator, new).id for key, new in people.items()}
