"""SQLite connections: pragmas, transaction mode, errors translated, FTS5 helpers, the WAL
checkpointer and the `PRAGMA data_version` change probe.

Nothing here imports SQLAlchemy at module level: the console runs on stdlib `sqlite3`
connections; `create_engine_for` serves Alembic's migrations and schema checks only.
Commits are durable: `synchronous=FULL` syncs the write-ahead log before COMMIT returns, so a
reference read out to a citizen survives a power cut (NORMAL could lose the last commits).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from allo_tui.data.backend.sqlite.files import BUSY_TIMEOUT_MS, may_write, read_only_uri

FTS_TABLES = ("caller_search", "phone_search", "request_search")


_FTS_SUFFIXES = ("", "_data", "_idx", "_content", "_docsize", "_config")


def is_fts_internal(table_name: str) -> bool:
    """True for an FTS5 table or one of its shadow tables (left out of Alembic's compare)."""
    return any(table_name == base + suffix for base in FTS_TABLES for suffix in _FTS_SUFFIXES)


def apply_pragmas(dbapi_connection: sqlite3.Connection) -> None:
    """The defaults every connection gets: WAL, foreign keys, busy timeout, synchronous=FULL."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


class TranslatingConnection(sqlite3.Connection):
    """A stdlib connection whose `execute` raises `DatabaseUnavailableError` (one French
    sentence, details logged) for a database failure the user can meet, as the engine does.

    The Store's plain-SQL paths run on the DB-API connection under SQLAlchemy's transaction;
    this keeps their failures (a full disk during an INSERT) as clear as the ORM's.
    Other errors (constraints, an interrupted query) are raised as they are."""

    def execute(self, *args, **kwargs):  # noqa: D102 - sqlite3 API
        try:
            return super().execute(*args, **kwargs)
        except sqlite3.Error as error:
            _raise_translated(error)

    def executemany(self, *args, **kwargs):  # noqa: D102 - sqlite3 API
        try:
            return super().executemany(*args, **kwargs)
        except sqlite3.Error as error:
            _raise_translated(error)


def _raise_translated(error: sqlite3.Error) -> None:
    """Raise `error` as one French sentence when a user can meet it, else as it is."""
    from allo_tui.data.errors import database_error

    found = database_error(error)
    if found is None:
        raise error
    raise found from error


def connect_raw(
    path: Path, *, readonly: bool = False, translate: bool = True
) -> sqlite3.Connection:
    """A stdlib connection with our pragmas, in autocommit mode (we issue BEGIN ourselves).

    A file we may not write is opened read-only whatever `readonly` says. `translate`: a
    database failure is raised as one French sentence (`TranslatingConnection`)."""
    factory = TranslatingConnection if translate else sqlite3.Connection
    if readonly or not may_write(path):
        connection = sqlite3.connect(
            read_only_uri(path),
            uri=True,
            isolation_level=None,
            check_same_thread=False,
            factory=factory,
        )
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return connection
    connection = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, factory=factory
    )
    apply_pragmas(connection)
    return connection


def create_engine_for(path: Path, *, snapshot: bool = False):
    """A SQLAlchemy engine on `path` with our pragmas (read-only on a file we may not write;
    `snapshot`: for a one-shot read, see `read_only_uri`).

    pysqlite's own transaction handling is switched off so that we emit BEGIN ourselves:
    plain `BEGIN` for reads, `BEGIN IMMEDIATE` when the engine carries the execution option
    `sqlite_immediate=True` (writes that read first: a deferred read snapshot cannot be
    upgraded to a write lock when another process has written meanwhile).

    A database failure met through the engine (disk full, read-only, locked past the busy
    timeout, I/O error, file gone, corruption) is raised as `DatabaseUnavailableError`: one
    French sentence, the details in the log file (`data.errors`).
    """
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import QueuePool

    if may_write(path):
        engine = create_engine(
            f"sqlite+pysqlite:///{path}",
            pool_size=4,
            max_overflow=8,
            connect_args={"factory": TranslatingConnection},
        )
        read_only = False
    else:
        uri = read_only_uri(path, snapshot=snapshot)
        engine = create_engine(
            "sqlite+pysqlite://",
            creator=lambda: sqlite3.connect(
                uri, uri=True, check_same_thread=False, factory=TranslatingConnection
            ),
            poolclass=QueuePool,
            pool_size=4,
            max_overflow=8,
        )
        read_only = True

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        if read_only:
            dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        else:
            apply_pragmas(dbapi_connection)

    @event.listens_for(engine, "handle_error", retval=True)
    def _on_error(context):
        from allo_tui.data.errors import database_error

        return database_error(context.original_exception)

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        if connection.get_execution_options().get("sqlite_immediate"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


def fts_phrase(text: str) -> str:
    """A single quoted FTS5 phrase (for the trigram phone index)."""
    return '"' + text.replace('"', '""') + '"'


CHECKPOINT_EVERY_WRITES = 8


class BackgroundCheckpointer:
    """Copies the WAL back into the database off the writers' path.

    A commit appends to the WAL (and, with `synchronous=FULL`, syncs it: one fsync); the
    heavier syncs happen when the WAL is copied back into the database file (a checkpoint),
    which SQLite does by default inside
    the commit that takes the WAL past 1,000 pages. On a file of several gigabytes, or a busy
    disk, that one commit then takes hundreds of milliseconds while a caller waits. Every
    `every` writes this runs a PASSIVE checkpoint (it never waits for readers or writers) on
    its own connection in a daemon thread, so the WAL stays short and no save pays for it;
    SQLite's automatic checkpoint stays as the safety net.
    """

    def __init__(self, path: Path, *, every: int = CHECKPOINT_EVERY_WRITES) -> None:
        self.path = path
        self.every = every
        self._writes = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def wrote(self) -> None:
        """One write transaction committed; start a checkpoint every `every` of them."""
        with self._lock:
            self._writes += 1
            if self._writes < self.every or (self._thread and self._thread.is_alive()):
                return
            self._writes = 0
            self._thread = threading.Thread(
                target=self._checkpoint, name="allo-checkpoint", daemon=True
            )
            self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the running checkpoint, if any (tests, and before closing)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _checkpoint(self) -> None:
        try:
            connection = sqlite3.connect(self.path, isolation_level=None)
            try:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            finally:
                connection.close()
        except sqlite3.Error:
            pass  # the file went away or is not a WAL database: SQLite's own checkpoint remains


def data_version(connection: sqlite3.Connection) -> int:
    """SQLite's per-connection counter that changes when another connection commits."""
    return connection.execute("PRAGMA data_version").fetchone()[0]
