"""What the tests of the demo generator share: its fixed clock and read-only looks into a demo
file (rows, digests, schema). The demo files themselves are fixtures in conftest.py."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # a Friday afternoon
NOW_TEXT = "2026-11-20 15:30:00.000000"
PARIS = ZoneInfo("Europe/Paris")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")
OPEN = ("new", "acknowledged", "assigned", "in_progress")


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a demo file, closed on exit."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield connection
    finally:
        connection.close()


def file_digest(path: Path) -> str:
    """A digest of the file's bytes (to prove it was not written)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows_digest(path: Path) -> str:
    """A digest of every row of the data tables."""
    digest = hashlib.sha256()
    with read_only(path) as connection:
        for table in ("operators", "callers", "caller_phones", "requests", "events", "calls"):
            for row in connection.execute(f"SELECT * FROM {table} ORDER BY id"):
                digest.update(repr(row).encode())
    return digest.hexdigest()


def schema_of(path: Path) -> set[tuple]:
    """Every table, index and trigger of the file with its SQL."""
    with read_only(path) as connection:
        return set(connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
