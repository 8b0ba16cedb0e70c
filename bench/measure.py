"""Timing helpers shared by every figure: percentiles, SQL capture and replay on stdlib sqlite3."""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path

now = time.perf_counter


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (`fraction` in 0..1) of `samples`; NaN when empty."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(samples: Sequence[float]) -> float:
    """The middle value (mean of the two middle ones for an even count); NaN when empty."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def ms(seconds: float) -> float:
    return seconds * 1000.0


def timed(function: Callable[[], object]) -> float:
    """Seconds taken by one call of `function`."""
    started = now()
    function()
    return now() - started


# -- the same SQL through the stdlib module -------------------------------------------------

_TRANSACTION_WORDS = ("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE")


class SqlRecorder:
    """Records the SQL a Store sends to SQLite, with its parameters expanded by SQLite itself.

    It hooks the Store's SQLite backend: every connection it lends gets a stdlib trace
    callback, so every statement of a Store call is seen, whatever code wrote it.
    Replaying the statements on a plain `sqlite3` connection to the same file gives the floor:
    what SQLite alone needs for exactly the same work.
    """

    def __init__(self, store) -> None:
        self._statements: list[str] = []
        self._active = False
        self._lock = threading.Lock()
        store.backend.set_trace(self._on_sql)

    def _on_sql(self, statement: str) -> None:
        if self._active:
            with self._lock:
                self._statements.append(statement)

    @contextmanager
    def recording(self):
        """Collect the statements run inside the block; yields the list being filled."""
        statements: list[str] = []
        with self._lock:
            self._statements = statements
        self._active = True
        try:
            yield statements
        finally:
            self._active = False

    def capture(self, function: Callable[[], object]) -> list[str]:
        """The statements `function` runs, transaction control left out."""
        with self.recording() as statements:
            function()
        return [s for s in statements if not _is_transaction_control(s)]


def _is_transaction_control(statement: str) -> bool:
    head = statement.lstrip().split(None, 1)
    return bool(head) and head[0].upper() in _TRANSACTION_WORDS


def raw_connection(path: Path) -> sqlite3.Connection:
    """A plain stdlib connection with the same pragmas the application uses."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout = 10000")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = FULL")
    return connection


def replay(connection: sqlite3.Connection, statements: Iterable[str]) -> int:
    """Run `statements` in one read transaction, fetching every row; returns the row count."""
    rows = 0
    connection.execute("BEGIN")
    try:
        for statement in statements:
            rows += len(connection.execute(statement).fetchall())
    finally:
        connection.execute("COMMIT")
    return rows
