"""Operators, references and backups through the Store (DESIGN §3, §6, §7).

Each test names the behaviour it protects and checks what the database holds (read back with a
plain `sqlite3` connection) or what a console would be shown (the records the Store returns).
Timestamps are stored as UTC text by SQLAlchemy: "YYYY-MM-DD HH:MM:SS.ffffff".
"""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime

import pytest
from conftest import ALL_BACKENDS
from msgspec.structs import replace
from store_helpers import (
    ZEBULON,
    query,
    request_for,
)

from allo_tui.data.store import Store, normalise_reference
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.errors import UnknownOperatorError
from allo_tui.domain.records import Role

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""

BACKENDS = ALL_BACKENDS


# -- operators ---------------------------------------------------------------------------------


def test_the_first_login_becomes_admin(store: Store, db_path):
    first = store.resolve_operator("marie")

    assert first.role is Role.ADMIN
    assert query(db_path, "SELECT login, role, active FROM operators") == [("marie", "admin", 1)]
    assert store.resolve_operator("marie").id == first.id


def test_a_later_unknown_login_is_refused_with_how_to_add_it(store: Store, admin, db_path):
    with pytest.raises(UnknownOperatorError) as refused:
        store.resolve_operator("intrus")

    assert "allo operator add" in str(refused.value)
    assert "intrus" in str(refused.value)
    assert query(db_path, "SELECT login FROM operators") == [("admin",)]


def test_in_demo_mode_an_unknown_login_is_a_supervisor(store: Store, admin, db_path):
    visitor = store.resolve_operator("visiteur", demo=True)

    assert visitor.role is Role.SUPERVISOR
    assert query(db_path, "SELECT role FROM operators WHERE login = 'visiteur'") == [
        ("supervisor",)
    ]


def test_an_added_operator_logs_in_with_their_role(store: Store, operator):
    assert store.resolve_operator("hostess") == operator
    assert operator.role is Role.OPERATOR
    assert operator.display_name == "Anne Hôtesse"


# -- references ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("00042", "2026-00042"),
        ("2026-00042", "2026-00042"),
        (" 2026-00042 ", "2026-00042"),
        ("2026-42", "2026-00042"),
        ("2026-123456", "2026-123456"),
        ("2025-00007", "2025-00007"),
        ("hello", None),
        ("", None),
        ("42", None),
    ],
)
def test_normalise_reference(typed, expected):
    assert normalise_reference(typed, 2026) == expected


def test_a_request_is_found_by_its_reference(store: Store, operator):
    store.create_request(operator, request_for(store))
    second = store.create_request(operator, request_for(store))

    assert store.get_request_by_reference("2026-00002").id == second.id
    assert store.get_request_by_reference("00002").id == second.id
    assert store.get_request_by_reference("2026-00003") is None
    assert store.get_request_by_reference("hello") is None


def test_a_short_reference_means_the_current_paris_year(store: Store, operator, clock: FixedClock):
    store.create_request(operator, request_for(store))
    clock.set(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))  # already 2027 in Paris

    assert store.get_request_by_reference("00001") is None
    assert store.get_request_by_reference("2026-00001") is not None


# -- backup ------------------------------------------------------------------------------------


@pytest.mark.backends("sqlite")
def test_backup_while_another_connection_holds_a_write_transaction(
    store: Store, operator, db_path, tmp_path
):
    for index in range(5):
        store.create_request(
            operator,
            request_for(
                store,
                description=f"n° {index}",
                # five callers: a known number would attach the first one
                new_caller=replace(ZEBULON, phones=(f"03 86 12 34 5{index}",)),
            ),
        )
    committed = {
        table: query(db_path, f"SELECT * FROM {table} ORDER BY 1")
        for table in ("requests", "events", "callers")
    }
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("PRAGMA busy_timeout = 5000")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO settings (key, value) VALUES ('uncommitted', 'x')")
    destination = tmp_path / "backups" / "copy.sqlite3"
    try:
        assert store.backup(destination) == destination
    finally:
        writer.execute("COMMIT")
        writer.close()

    assert query(destination, "PRAGMA integrity_check") == [("ok",)]
    for table, rows in committed.items():
        assert query(destination, f"SELECT * FROM {table} ORDER BY 1") == rows
    assert query(destination, "SELECT value FROM settings WHERE key = 'uncommitted'") == []
    assert stat.S_IMODE(destination.stat().st_mode) & 0o077 == 0  # personal data stays private
    # The copy is a working allo database.
    copy = Store(destination)
    try:
        assert copy.get_request_by_reference("2026-00005").description == "n° 4"
        assert len(copy.search_callers("zébulon").rows) == 5
    finally:
        copy.close()
