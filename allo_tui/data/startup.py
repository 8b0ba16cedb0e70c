"""What the console needs before its first screen, read with the stdlib `sqlite3` only.

Importing SQLAlchemy costs about half a second of CPU; these reads let `allo` show the lookup
screen without waiting for it. They return None when the full Store must decide (first run,
unknown login), and the caller then falls back to `Store.resolve_operator`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from allo_tui.data.sqlite import BUSY_TIMEOUT_MS
from allo_tui.domain.records import OperatorRecord, Role


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection


def read_operator(path: Path, login: str) -> OperatorRecord | None:
    """The active operator with this login, or None."""
    connection = _connect(path)
    try:
        row = connection.execute(
            "SELECT id, login, display_name, role, active FROM operators WHERE login = ?", (login,)
        ).fetchone()
    finally:
        connection.close()
    if row is None or not row[4]:
        return None
    return OperatorRecord(id=row[0], login=row[1], display_name=row[2], role=Role(row[3]), active=True)


def read_is_demo(path: Path) -> bool:
    """True for a database built by `allo demo`."""
    connection = _connect(path)
    try:
        row = connection.execute("SELECT value FROM settings WHERE key = 'demo'").fetchone()
    finally:
        connection.close()
    return bool(row and row[0] == "true")
