"""The PostgreSQL backend: one database on a server shared by every PC, psycopg 3 connections.

The only place that knows PostgreSQL: connections and the `?` to `%s` translation
(`PgConnection`), transactions (REPEATABLE READ snapshots for reads; writes serialised by one
transaction-scoped advisory lock, taken before their first read, as SQLite's `BEGIN
IMMEDIATE` does), caller search on trigram indexes (`search`), the history windows
(`history`), the LISTEN/NOTIFY change feed (`changes`) and the schema checks (`schema`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import psycopg

from allo_tui.data.backend import Backend
from allo_tui.data.backend.postgresql import history, search
from allo_tui.data.backend.postgresql.changes import NotifyFeed
from allo_tui.data.backend.postgresql.errors import classify_postgresql
from allo_tui.data.backend.urls import libpq_url, redacted
from allo_tui.data.errors import register_classifier
from allo_tui.domain.records import HistoryCursor, HistoryFilter
from allo_tui.domain.search import CallerMatches, SearchToken, search_tokens

register_classifier(classify_postgresql)

POOL_SIZE = 4
"""Idle connections kept open for reuse."""
WRITE_LOCK = 0x616C6C6F  # "allo": the advisory lock every write transaction takes first
CONNECT_TIMEOUT = 5
"""Seconds a connection attempt may take before the server counts as unreachable."""
TCP_USER_TIMEOUT_MS = 10_000
"""Milliseconds sent data may stay unacknowledged before the connection counts as lost."""


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """The Store's `?` placeholders in psycopg's `%s` style (a literal `%` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PgConnection:
    """A psycopg connection as the Store uses it: `execute` with `?` placeholders."""

    def __init__(self, raw: psycopg.Connection) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> psycopg.Cursor:
        return self.raw.execute(translate(sql), tuple(parameters) or None)

    def executemany(self, sql: str, parameters: Sequence[Sequence[Any]]) -> psycopg.Cursor:
        cursor = self.raw.cursor()
        cursor.executemany(translate(sql), [tuple(row) for row in parameters])
        return cursor

    def cancel(self) -> None:
        """Stop the statement running on this connection (from another thread)."""
        self.raw.cancel_safe(timeout=2)


SESSION_OPTIONS = "-c timezone=UTC -c datestyle=ISO -c jit=off"
"""Every connection's settings: times in UTC, ISO dates, and no JIT compilation, which costs
100 to 300 ms on each statement the planner thinks big (290 ms of the 550 ms the review
spends counting a month of a big city's requests) and saves less on the console's reads."""


def connect(url: str, *, autocommit: bool = True) -> psycopg.Connection:
    """A new connection (UTC session, no statement left in an implicit transaction).

    TCP keepalives and a user timeout make a cut network fail within seconds instead of the
    minutes the kernel would wait, so the console can say the server is away and retry."""
    return psycopg.connect(
        libpq_url(url),
        autocommit=autocommit,
        connect_timeout=CONNECT_TIMEOUT,
        options=SESSION_OPTIONS,
        application_name="allo",
        keepalives=1,
        keepalives_idle=5,
        keepalives_interval=2,
        keepalives_count=3,
        tcp_user_timeout=TCP_USER_TIMEOUT_MS,
    )


class PostgresDialect:
    """PostgreSQL's spelling of the fragments in `allo_tui.data.backend.Dialect`."""

    def indexed_by(self, index: str) -> str:
        return ""  # no hint: the planner chooses from the statistics


class PostgresBackend(Backend):
    """A pool of psycopg connections on one database (see `Backend` for each method)."""

    dialect = PostgresDialect()
    path = None

    def __init__(self, url: str) -> None:
        self.url = url
        self.label = redacted(url)
        self._idle: list[psycopg.Connection] = []
        self._lock = threading.Lock()
        self._trace: Callable[[str], None] | None = None

    # -- connections and transactions -----------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        with self._lock:
            connection = self._idle.pop() if self._idle else None
        if connection is None or connection.closed:
            connection = connect(self.url)
        try:
            yield connection
        except BaseException:
            if connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                _discard(connection)
            else:
                self._give_back(connection)
            raise
        if connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            _discard(connection)
            return
        self._give_back(connection)

    def _give_back(self, connection: psycopg.Connection) -> None:
        if connection.closed:
            return
        with self._lock:
            if len(self._idle) < POOL_SIZE:
                self._idle.append(connection)
                return
        _discard(connection)

    @contextmanager
    def _transaction(self, begin: str, *first: str) -> Iterator[PgConnection]:
        for attempt in range(2):
            with self._connection() as raw:
                try:
                    raw.execute(begin)
                except psycopg.OperationalError:
                    # A pooled connection the server dropped (restarted, network cut and
                    # back): nothing was done on it yet, so a fresh one takes its place.
                    _discard(raw)
                    self._drop_idle()
                    if attempt:
                        raise
                    continue
                for statement in first:
                    raw.execute(statement)
                wrapped = PgConnection(raw) if self._trace is None else _Traced(raw, self._trace)
                try:
                    yield wrapped
                except BaseException:
                    try:
                        raw.execute("ROLLBACK")
                    except psycopg.Error:
                        _discard(raw)
                    raise
                raw.execute("COMMIT")
                return

    def _drop_idle(self) -> None:
        """Forget every idle connection (after one was found dead, the others likely are)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            _discard(connection)

    def read(self):
        """One REPEATABLE READ, READ ONLY snapshot for the block's reads."""
        return self._transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def write(self):
        """READ COMMITTED, holding the advisory write lock before the first read: writers on
        every machine run one after the other, so the Store's read-then-write logic holds."""
        return self._transaction("BEGIN", f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    def set_trace(self, callback: Callable[[str], None] | None) -> None:
        """Call `callback` with every statement run from now on (parameters inlined)."""
        self._trace = callback

    def change_feed(self, counter: str = "requests") -> NotifyFeed:
        return NotifyFeed(self.url, counter)

    # -- search -----------------------------------------------------------------------------

    def find_callers(
        self, connection: PgConnection, query: str, limit: int, token: SearchToken
    ) -> CallerMatches:
        return search.find_callers(connection, query, limit, token)

    def caller_search_texts(
        self, surname, given_name, street_number, street, address_extra, postcode, city
    ) -> tuple[str | None, str | None]:
        """The folded words of the names and the address, each word after a blank (the
        trigram index finds a word's start as " dup")."""
        return (
            search.indexed_words(f"{surname or ''} {given_name or ''}"),
            search.indexed_words(
                " ".join(p or "" for p in (street_number, street, address_extra, postcode, city))
            ),
        )

    def request_search_texts(
        self, description, street_number, street, landmark
    ) -> tuple[str | None, str | None]:
        return (
            search.indexed_words(description or ""),
            search.indexed_words(" ".join(p or "" for p in (street_number, street, landmark))),
        )

    def history_window(
        self,
        connection: PgConnection,
        filters: HistoryFilter,
        now: datetime,
        *,
        after: HistoryCursor | None,
        before: HistoryCursor | None,
        oldest: bool,
        limit: int,
    ) -> tuple[list[int], bool]:
        return history.window_ids(
            connection, filters, now, after=after, before=before, oldest=oldest, limit=limit
        )

    def history_count(
        self, connection: PgConnection, filters: HistoryFilter, now: datetime, *, cap: int
    ) -> tuple[int, bool]:
        return history.count(connection, filters, now, cap=cap)

    # -- the database -----------------------------------------------------------------------

    def backup(self, destination: Path, *, replace: bool = False) -> None:
        """A portable SQLite copy of the whole database (see `allo_tui.data.copy`)."""
        from allo_tui.data.copy import copy_database

        copy_database(self.url, Path(destination), replace=replace)

    @contextmanager
    def rewriting_events(self, connection) -> Iterator[None]:
        # Transactional on PostgreSQL: the trigger is off for this transaction's statements
        # only (the table is locked meanwhile, so no other transaction writes events then).
        connection.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
        yield
        connection.execute("ALTER TABLE events ENABLE TRIGGER events_append_only")

    def integrity_problems(self) -> list[str]:
        """The server checks constraints itself; what it reports are data-page checksum
        failures (when the cluster has checksums) and invalid indexes."""
        problems: list[str] = []
        with self._transaction("BEGIN") as connection:
            failures = connection.execute(
                "SELECT coalesce(checksum_failures, 0) FROM pg_stat_database"
                " WHERE datname = current_database()"
            ).fetchone()
            if failures and failures[0]:
                problems.append(f"{failures[0]} page(s) de données en erreur de somme de contrôle")
            for (name,) in connection.execute(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = current_schema() AND NOT i.indisvalid"
            ):
                problems.append(f"index invalide : {name} (REINDEX INDEX {name})")
        return problems

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            _discard(connection)


class _Traced(PgConnection):
    """A connection reporting each statement and its parameters to `trace`."""

    def __init__(self, raw: psycopg.Connection, trace: Callable[[str], None]) -> None:
        super().__init__(raw)
        self._trace = trace

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> psycopg.Cursor:
        self._trace(f"{sql} -- {tuple(parameters)!r}" if parameters else sql)
        return super().execute(sql, parameters)


def _discard(connection: psycopg.Connection) -> None:
    try:
        connection.close()
    except psycopg.Error:
        pass


__all__ = ["PostgresBackend", "PgConnection", "connect", "translate", "search_tokens"]
