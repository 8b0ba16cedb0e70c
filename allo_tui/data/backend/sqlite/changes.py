"""The change feed: tells a console that another connection changed the requests.

`PRAGMA data_version` on the feed's own connection changes whenever another connection commits
(microseconds to read); only then is the requests counter (bumped by triggers) read, so draft
saves and other writes do not make boards reload.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from allo_tui.data.backend.sqlite.connect import connect_raw, data_version


class ChangeFeed:
    """Poll with `changed()`; safe to call from one worker thread at a time."""

    def __init__(self, path: Path, counter: str = "requests") -> None:
        self._path = Path(path)
        self._counter = counter
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._version: int | None = None
        self._value: int | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = connect_raw(self._path, readonly=True, translate=False)
            self._version = None  # a new connection: compare the counter itself once
        return self._connection

    def _read_counter(self) -> int:
        assert self._connection is not None
        row = self._connection.execute(
            "SELECT value FROM change_counters WHERE name = ?", (self._counter,)
        ).fetchone()
        return row[0] if row else 0

    def changed(self) -> bool:
        """True once for each batch of commits (by any connection) that touched the counter."""
        with self._lock:
            try:
                connection = self._connect()
                version = data_version(connection)
                if version == self._version:
                    return False
                self._version = version
                value = self._read_counter()
                if self._value is None:  # first poll: the starting point
                    self._value = value
                    return False
                if value == self._value:
                    return False
                self._value = value
                return True
            except sqlite3.Error:
                self.close()
                raise

    def close(self) -> None:
        """Close the feed's connection; the next poll reconnects and still sees what changed."""
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None
