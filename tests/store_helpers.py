"""Helpers of the Store tests (tests/test_store*.py): what the file holds, read back with a
plain `sqlite3` connection, and the requests and callers the tests create."""

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


def query(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows read with a plain sqlite3 connection: what the file really holds."""
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


def fts_rowids(path: Path, table: str, match: str) -> list[int]:
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
