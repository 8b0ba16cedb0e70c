"""The audit table beside `allo db copy`: its rows move with the rest, and a PostgreSQL
destination holding audit rows of its own is replaced (TRUNCATE: DELETE stays refused)."""

from __future__ import annotations

from pathlib import Path

import pytest

from allo_tui.data.copy import copy_database
from allo_tui.data.store import Store

pytestmark = pytest.mark.skipif(
    "postgresql" not in __import__("backends").enabled_backends(),
    reason="ALLO_TEST_BACKENDS leaves PostgreSQL out",
)


def audit(target) -> list[tuple]:
    store = Store(target)
    try:
        with store.backend.read() as connection:
            return [
                tuple(row)
                for row in connection.execute(
                    "SELECT action, subject, new_value FROM audit ORDER BY id"
                )
            ]
    finally:
        store.close()


def test_audit_rows_are_copied_and_a_replaced_server_loses_its_own(
    db_path: Path, pg_url: str
) -> None:
    source = Store(db_path)
    admin = source.resolve_operator("admin")
    source.record_audit(admin, "export.callers", "callers", "", '{"rows": 3}')
    source.close()
    destination = Store(pg_url)
    other = destination.resolve_operator("other")
    destination.record_audit(other, "settings", "town", "Auxerre", "Sens")
    destination.close()

    copy_database(db_path, pg_url, replace=True)

    assert audit(pg_url) == [("export.callers", "callers", '{"rows": 3}')]
