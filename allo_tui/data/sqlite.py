"""The SQLite-only pieces, kept small so another backend can sit beside them.

Pragmas and transaction mode, the checks made on a database file before it is opened, the
online backup, the FTS5 query builder and the `PRAGMA data_version` change probe. Nothing here
imports SQLAlchemy at module level: the start-up path uses the stdlib `sqlite3` module only.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import threading
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
FTS_TABLES = ("caller_search", "phone_search", "request_search")
_FTS_SUFFIXES = ("", "_data", "_idx", "_content", "_docsize", "_config")


class DatabaseFileError(Exception):
    """The file cannot be used as an allo database; `str()` is one clear line for the user."""


def is_fts_internal(table_name: str) -> bool:
    """True for an FTS5 table or one of its shadow tables (left out of Alembic's compare)."""
    return any(table_name == base + suffix for base in FTS_TABLES for suffix in _FTS_SUFFIXES)


def apply_pragmas(dbapi_connection: sqlite3.Connection) -> None:
    """The defaults every connection gets: WAL, foreign keys, busy timeout, synchronous=NORMAL."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def connect_raw(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A stdlib connection with our pragmas, in autocommit mode (we issue BEGIN ourselves)."""
    if readonly:
        uri = f"file:{path}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return connection
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    apply_pragmas(connection)
    return connection


def create_engine_for(path: Path):
    """A SQLAlchemy engine on `path` with our pragmas.

    pysqlite's own transaction handling is switched off so that we emit BEGIN ourselves:
    plain `BEGIN` for reads, `BEGIN IMMEDIATE` when the engine carries the execution option
    `sqlite_immediate=True` (writes that read first: a deferred read snapshot cannot be
    upgraded to a write lock when another process has written meanwhile).
    """
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite+pysqlite:///{path}", pool_size=4, max_overflow=8)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        apply_pragmas(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        if connection.get_execution_options().get("sqlite_immediate"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


def ensure_database_file(path: Path, *, shared: bool = False) -> bool:
    """Create an empty database file with private permissions when there is none.

    A personal database is created 0600 in a 0700 folder; a site database shared by several
    OS users (`shared=True`) 0660 in a 2770 folder. Returns True when the file was created.
    """
    folder = path.parent
    folder_mode, file_mode = (0o2770, 0o660) if shared else (0o700, 0o600)
    if not folder.exists():
        try:
            folder.mkdir(parents=True, mode=folder_mode)
            os.chmod(folder, folder_mode)
        except OSError as error:
            raise DatabaseFileError(
                f"impossible de créer le dossier {folder} : {error.strerror}"
            ) from None
    if path.exists():
        return False
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, file_mode)
    except FileExistsError:
        return False
    except OSError as error:
        raise DatabaseFileError(f"impossible de créer {path} : {error.strerror}") from None
    os.close(descriptor)
    os.chmod(path, file_mode)
    return True


def check_database_file(path: Path) -> None:
    """Refuse what is not an SQLite database we may write, without touching it."""
    if path.is_dir():
        raise DatabaseFileError(f"{path} est un dossier, pas une base de données")
    if not path.exists():
        return
    if not stat.S_ISREG(path.stat().st_mode):
        raise DatabaseFileError(f"{path} n'est pas un fichier ordinaire")
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseFileError(f"impossible de lire {path} : {error.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise DatabaseFileError(f"{path} n'est pas une base SQLite (fichier d'un autre type)")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise DatabaseFileError(
            f"{path} n'est pas accessible en écriture (le fichier ou son dossier est en lecture seule)"
        )


def backup_database(source: Path, destination: Path) -> None:
    """Copy a live database with SQLite's online backup API (safe with WAL and writers)."""
    destination = Path(destination)
    if destination.exists() and destination.is_dir():
        raise DatabaseFileError(f"{destination} est un dossier")
    destination.parent.mkdir(parents=True, exist_ok=True)
    if not destination.exists():
        descriptor = os.open(destination, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(descriptor)
    source_connection = sqlite3.connect(source)
    try:
        source_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        target = sqlite3.connect(destination)
        try:
            source_connection.backup(target)
        finally:
            target.close()
    finally:
        source_connection.close()


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_prefix_query(text: str, *, column: str | None = None) -> str | None:
    """Turn typed text into an FTS5 query where every word is a quoted prefix.

    Each word is wrapped in double quotes, so FTS5 syntax typed by a user (`"`, `*`, `-`,
    `(`, `NEAR`, `AND`, `OR`, `NOT`, `^`) is matched as plain text and never changes the
    meaning of the query. Words are ANDed. Returns None when nothing searchable was typed.
    """
    import unicodedata

    # NFC first: an accent typed as a combining mark ("e" + U+0301) stays inside its word.
    words = _WORD.findall(unicodedata.normalize("NFC", text).replace("_", " "))
    if not words:
        return None
    terms = " ".join(f'"{word}"*' for word in words)
    if column:
        return f"{column} : ({terms})"
    return terms


def fts_phrase(text: str) -> str:
    """A single quoted FTS5 phrase (for the trigram phone index)."""
    return '"' + text.replace('"', '""') + '"'


CHECKPOINT_EVERY_WRITES = 8


class BackgroundCheckpointer:
    """Copies the WAL back into the database off the writers' path.

    With `synchronous=NORMAL` a commit only appends to the WAL; the syncs happen when the WAL
    is copied back into the database file (a checkpoint), which SQLite does by default inside
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


def schema_revision(path: Path) -> str | None:
    """The Alembic revision stamped in the file, read with the stdlib only.

    Returns None for an empty database. Raises DatabaseFileError for an SQLite file that
    holds tables but no `alembic_version` (a foreign database) or that cannot be read.
    """
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise DatabaseFileError(f"impossible d'ouvrir {path} : {error}") from None
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "alembic_version" not in tables:
            if tables:
                raise DatabaseFileError(
                    f"{path} est une base SQLite qui n'appartient pas à allo (tables inconnues)"
                )
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError as error:
        raise DatabaseFileError(f"{path} est illisible ou corrompu : {error}") from None
    finally:
        connection.close()
