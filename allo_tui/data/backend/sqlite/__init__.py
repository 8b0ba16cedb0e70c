"""The SQLite backend: one database file on this PC, stdlib `sqlite3` connections.

The only place that knows SQLite: connections and pragmas (`connect`), file checks and URIs
(`files`), the online backup (`backup`), FTS5 caller search (`search`), the history windows
driven by one chosen index (`history`) and the `PRAGMA data_version` change feed (`changes`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from allo_tui.data.backend import Backend
from allo_tui.data.backend.sqlite import fts_text, search
from allo_tui.data.backend.sqlite.backup import backup_database
from allo_tui.data.backend.sqlite.changes import ChangeFeed
from allo_tui.data.backend.sqlite.connect import BackgroundCheckpointer, connect_raw
from allo_tui.data.backend.sqlite.errors import classify_sqlite
from allo_tui.data.backend.sqlite.files import check_integrity, hold_file, release_file
from allo_tui.data.errors import register_classifier
from allo_tui.domain.records import HistoryCursor, HistoryFilter
from allo_tui.domain.search import CallerMatches, SearchToken

register_classifier(classify_sqlite)

POOL_SIZE = 4
"""Idle connections kept open for reuse (the console's workers rarely need more at once)."""


class SqliteDialect:
    """SQLite's spelling of the fragments in `allo_tui.data.backend.Dialect`."""

    def indexed_by(self, index: str) -> str:
        return f"INDEXED BY {index}"


class SqliteBackend(Backend):
    """A pool of stdlib connections on one database file (see `Backend` for each method)."""

    dialect = SqliteDialect()

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.label = str(self.path)
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._checkpointer = BackgroundCheckpointer(self.path)
        self._trace: Callable[[str], None] | None = None
        self._held: tuple[int, int] | None = None  # see `files.hold_file`

    # -- connections and transactions -----------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            connection = self._idle.pop() if self._idle else None
        if connection is None:
            connection = connect_raw(self.path)
            with self._lock:
                if self._held is None:
                    self._held = hold_file(self.path)
        connection.set_trace_callback(self._trace)
        try:
            yield connection
        except BaseException:
            if connection.in_transaction:
                _discard(connection)
            else:
                self._give_back(connection)
            raise
        if connection.in_transaction:  # a statement left it open: never lend it like that
            _discard(connection)
            return
        self._give_back(connection)

    def _give_back(self, connection: sqlite3.Connection) -> None:
        with self._lock:
            if len(self._idle) < POOL_SIZE:
                self._idle.append(connection)
                return
        _discard(connection)

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        with self._connection() as connection:
            connection.execute(begin)
            try:
                yield connection
            except BaseException:
                if connection.in_transaction:
                    try:
                        connection.rollback()
                    except sqlite3.Error:
                        pass  # the connection is discarded: SQLite rolls back as it closes
                raise
            connection.execute("COMMIT")

    def read(self):
        """`BEGIN` (deferred): one snapshot for the block's reads."""
        return self._transaction("BEGIN")

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """`BEGIN IMMEDIATE`: the write lock is taken before the first read (a deferred read
        snapshot cannot be upgraded once another process has written meanwhile)."""
        with self._transaction("BEGIN IMMEDIATE") as connection:
            yield connection
        self._checkpointer.wrote()

    def set_trace(self, callback: Callable[[str], None] | None) -> None:
        """Call `callback` with every statement run on a connection lent from now on, with
        its parameters expanded by SQLite (the benchmark's floor replays them); None stops."""
        self._trace = callback

    def change_feed(self, counter: str = "requests") -> ChangeFeed:
        return ChangeFeed(self.path, counter)

    # -- search -----------------------------------------------------------------------------

    def find_callers(
        self, connection: sqlite3.Connection, query: str, limit: int, token: SearchToken
    ) -> CallerMatches:
        with search.watching(token, connection):
            return search.find_callers(connection, query, limit, token)

    def caller_search_texts(
        self, surname, given_name, street_number, street, address_extra, postcode, city
    ) -> tuple[str | None, str | None]:
        """`search_names` and `search_address` for a caller row (see `search.index_text`)."""
        return fts_text.caller_search_texts(
            surname, given_name, street_number, street, address_extra, postcode, city
        )

    def request_search_texts(
        self, description, street_number, street, landmark
    ) -> tuple[str | None, str | None]:
        """`search_description` and `search_location` for a request row."""
        return fts_text.request_search_texts(description, street_number, street, landmark)

    def history_window(
        self,
        connection: sqlite3.Connection,
        filters: HistoryFilter,
        now: datetime,
        *,
        after: HistoryCursor | None,
        before: HistoryCursor | None,
        oldest: bool,
        limit: int,
    ) -> tuple[list[int], bool]:
        from allo_tui.data.backend.sqlite import history, history_text  # F4's, not start-up's

        matches = (
            history_text.text_matches(connection, filters.text) if filters.text.strip() else None
        )
        keys, has_more = history.window_keys(
            connection,
            filters,
            now,
            after=after,
            before=before,
            oldest=oldest,
            limit=limit,
            matches=matches,
        )
        return [key[1] for key in keys], has_more

    def history_count(
        self, connection: sqlite3.Connection, filters: HistoryFilter, now: datetime, *, cap: int
    ) -> tuple[int, bool]:
        from allo_tui.data.backend.sqlite import history, history_text

        matches = (
            history_text.text_matches(connection, filters.text) if filters.text.strip() else None
        )
        return history.count(connection, filters, now, cap=cap, matches=matches)

    # -- the file ---------------------------------------------------------------------------

    def backup(self, destination: Path, *, replace: bool = False) -> None:
        backup_database(self.path, Path(destination), replace=replace)

    def integrity_problems(self) -> list[str]:
        integrity, orphan_keys = check_integrity(self.path)
        problems = [] if integrity == ["ok"] else integrity
        if orphan_keys:
            problems.append(f"{orphan_keys} clé(s) étrangère(s) orpheline(s)")
        return problems

    def close(self) -> None:
        self._checkpointer.wait(timeout=10)
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
        with self._lock:
            held, self._held = self._held, None
        release_file(held)


def _discard(connection: sqlite3.Connection) -> None:
    try:
        connection.close()
    except sqlite3.Error:
        pass
