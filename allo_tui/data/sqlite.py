"""The SQLite-only pieces, kept small so another backend can sit beside them.

Pragmas and transaction mode, the checks made on a database file before it is opened, the
online backup, the FTS5 query builder and the `PRAGMA data_version` change probe. Nothing here
imports SQLAlchemy at module level: the start-up path uses the stdlib `sqlite3` module only.

A file this process may not write (the file or its folder read-only) is opened read-only, by
every connection: reads work, a write gets "read-only" in one sentence (`data.errors`).
Commits are durable: `synchronous=FULL` syncs the write-ahead log before COMMIT returns, so a
reference read out to a citizen survives a power cut (NORMAL could lose the last commits).
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote

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


def may_write(path: Path) -> bool:
    """True when this process may write the file and create the -wal/-shm files beside it."""
    path = Path(path)
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def file_uri(path: Path, **parameters: str) -> str:
    """An SQLite `file:` URI for `path` (characters such as `?` and `#` escaped)."""
    query = "&".join(f"{key}={value}" for key, value in parameters.items())
    return f"file:{quote(str(Path(path).absolute()))}" + (f"?{query}" if query else "")


def read_only_uri(path: Path, *, snapshot: bool = False) -> str:
    """The URI to read `path` without writing it.

    `mode=ro` keeps following other processes' commits (SQLite creates the -shm file beside
    the database when the folder allows it). A WAL file in a folder we may not write and
    without a -shm file cannot be opened that way. It is then opened `immutable` (no locks,
    the WAL not read) only where nobody can be writing it: on a read-only file system (an
    archive on read-only media), or for a one-shot `snapshot` (a check, a backup, whose
    integrity check catches a write racing it). A connection that must follow other
    consoles' commits (the wall board) is refused in one line instead: an immutable one
    would show old data for ever.
    """
    path = Path(path)
    uri = file_uri(path, mode="ro")
    try:
        probe = sqlite3.connect(uri, uri=True)
        try:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            probe.close()
    except sqlite3.OperationalError as error:
        if getattr(error, "sqlite_errorcode", 0) & 0xFF != 14:  # SQLITE_CANTOPEN
            raise
        if snapshot or _on_read_only_file_system(path):
            return file_uri(path, mode="ro", immutable="1")
        raise DatabaseFileError(
            f"{path} ne peut pas être suivie en lecture seule : son dossier {path.parent} n'est"
            " pas accessible en écriture et aucune console ne l'a ouverte ; ouvrez d'abord une"
            " console sur cette base, ou donnez le droit d'écriture sur le dossier"
        ) from None
    return uri


def _on_read_only_file_system(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def inspection_uri(path: Path) -> str:
    """The URI to look into a file that may be refused, leaving nothing beside it.

    With no -wal file beside it, nobody has the file open in WAL mode: it is read `immutable`,
    so no -wal/-shm file is created next to a file we are about to refuse.
    """
    wal = Path(f"{path}-wal")
    if wal.exists():
        return file_uri(path, mode="ro")
    return file_uri(path, mode="ro", immutable="1")


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


def connect_raw(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A stdlib connection with our pragmas, in autocommit mode (we issue BEGIN ourselves).

    A file we may not write is opened read-only whatever `readonly` says."""
    if readonly or not may_write(path):
        connection = sqlite3.connect(
            read_only_uri(path), uri=True, isolation_level=None, check_same_thread=False
        )
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return connection
    connection = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, factory=TranslatingConnection
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


def check_database_file(path: Path, *, write: bool = True) -> None:
    """Refuse what is not an SQLite database (we may write, with `write`), without touching it."""
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
    if write and not may_write(path):
        raise DatabaseFileError(
            f"{path} n'est pas accessible en écriture (le fichier ou son dossier est en lecture"
            " seule) ; allo board, allo db check et allo db backup l'ouvrent en lecture seule"
        )


_SIDE_FILES = ("-wal", "-shm", "-journal")


def _same_file(one: Path, other: Path) -> bool:
    """True when both names lead to one file (symbolic links, `..`, hard links)."""
    if os.path.realpath(one) == os.path.realpath(other):
        return True
    try:
        first, second = os.stat(one), os.stat(other)
    except OSError:
        return False
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def _check_backup_destination(source: Path, destination: Path, *, replace: bool) -> None:
    """Refuse a destination the copy could harm; raises DatabaseFileError (one line)."""
    if destination.is_dir():
        raise DatabaseFileError(f"{destination} est un dossier : donnez un nom de fichier")
    if _same_file(source, destination):
        raise DatabaseFileError(
            f"{destination} est la base elle-même : choisissez un autre fichier"
        )
    for suffix in ("-wal", "-journal"):  # frames not yet in the file: they would be replayed
        side = Path(f"{destination}{suffix}")
        if side.exists() and side.stat().st_size > 0:
            raise DatabaseFileError(
                f"{side} existe : {destination} est peut-être ouverte par un programme ;"
                " allo ne la remplace pas (fermez-la ou choisissez un autre nom)"
            )
    if not destination.exists():
        return
    if not stat.S_ISREG(destination.stat().st_mode):
        raise DatabaseFileError(
            f"{destination} n'est pas un fichier ordinaire : allo n'y écrit pas"
        )
    try:
        with open(destination, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseFileError(f"impossible de lire {destination} : {error.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise DatabaseFileError(
            f"{destination} existe et n'est pas une base de données : allo ne l'écrase pas"
        )
    if not replace:
        raise DatabaseFileError(
            f"{destination} existe déjà : allo ne l'écrase pas"
            " (--force pour remplacer une ancienne sauvegarde)"
        )


def _backup_failure(destination: Path, error: BaseException) -> DatabaseFileError:
    """One line for a copy that failed; the details go to the log file."""
    from allo_tui.data.errors import classify, log_failure

    kind = classify(error)
    log = log_failure(error)
    where = f" (détails : {log})" if log is not None else ""
    folder = destination.parent
    what = {
        "full": f"le disque de {folder} est plein ; libérez de la place ou choisissez un autre"
        " disque",
        "read_only": f"{folder} n'est pas accessible en écriture ; choisissez un autre dossier",
        "io": f"erreur de lecture ou d'écriture sur le disque ; vérifiez le disque de {folder}",
        "locked": "la base est restée occupée au-delà du délai d'attente ; réessayez",
        "corrupt": "la copie ne passe pas le contrôle d'intégrité ; lancez « allo db check »",
    }.get(kind or "", f"{type(error).__name__}: {error}")
    return DatabaseFileError(
        f"sauvegarde impossible : {what} — {destination} n'a pas été modifié{where}"
    )


def _remove_quietly(path: Path) -> None:
    for name in (str(path), *(f"{path}{suffix}" for suffix in _SIDE_FILES)):
        try:
            os.unlink(name)
        except FileNotFoundError:
            pass
        except OSError:
            pass  # nothing more we can do; the name starts with "." and ends with ".partial"


def _move_into_place(temporary: Path, destination: Path, *, replace: bool) -> None:
    """Rename the finished copy to `destination`; without `replace`, a file that appeared
    there during the copy is kept (a hard link fails where a rename would overwrite)."""
    if replace:
        os.replace(temporary, destination)
        return
    try:
        os.link(temporary, destination)
    except FileExistsError:
        _remove_quietly(temporary)
        raise DatabaseFileError(
            f"{destination} a été créé pendant la copie : allo ne l'écrase pas"
            " (--force pour remplacer une ancienne sauvegarde)"
        ) from None
    except OSError:  # a file system without hard links: the check made before the copy holds
        if destination.exists():
            _remove_quietly(temporary)
            raise DatabaseFileError(
                f"{destination} a été créé pendant la copie : allo ne l'écrase pas"
            ) from None
        os.replace(temporary, destination)
        return
    os.unlink(temporary)


def backup_database(source: Path, destination: Path, *, replace: bool = False) -> None:
    """Copy a live database with SQLite's online backup API (safe with WAL and writers).

    Nothing at `destination` is ever harmed: an existing file is refused unless `replace`
    (and then only an SQLite file, never the source itself under any spelling); the copy is
    written to a temporary file beside the destination, checked with `integrity_check`,
    synced, and only then renamed into place. A failure (a full disk…) removes the temporary
    file and leaves the destination as it was. Raises DatabaseFileError with one line.
    """
    source, destination = Path(source), Path(destination)
    _check_backup_destination(source, destination, replace=replace)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary_name = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=".partial", dir=destination.parent
        )
    except OSError as error:
        raise _backup_failure(destination, error) from None
    os.close(descriptor)
    temporary = Path(temporary_name)
    try:
        source_connection = sqlite3.connect(read_only_uri(source, snapshot=True), uri=True)
        try:
            source_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            target = sqlite3.connect(temporary)
            try:
                source_connection.backup(target)
                integrity = [row[0] for row in target.execute("PRAGMA integrity_check")]
            finally:
                target.close()
        finally:
            source_connection.close()
        if integrity != ["ok"]:
            _remove_quietly(temporary)
            raise DatabaseFileError(
                "sauvegarde impossible : la copie ne passe pas le contrôle d'intégrité ("
                + "; ".join(integrity[:3])
                + f") ; lancez « allo db check » — {destination} n'a pas été modifié"
            )
        descriptor = os.open(temporary, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        _move_into_place(temporary, destination, replace=replace)
        folder = os.open(destination.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except (sqlite3.Error, OSError) as error:
        _remove_quietly(temporary)
        raise _backup_failure(destination, error) from None
    except BaseException:
        _remove_quietly(temporary)
        raise


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


def schema_revision(path: Path) -> str | None:
    """The Alembic revision stamped in the file, read with the stdlib only.

    Returns None for an empty database. Raises DatabaseFileError for an SQLite file that
    holds tables but no `alembic_version` (a foreign database) or that cannot be read.
    The file is opened so that nothing is created beside it (`inspection_uri`).
    """
    try:
        connection = sqlite3.connect(inspection_uri(path), uri=True)
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
        from allo_tui.data.errors import classify, database_error

        if classify(error) not in (None, "corrupt"):
            raise DatabaseFileError(str(database_error(error))) from None
        raise DatabaseFileError(
            f"{path} est endommagé (fichier tronqué ou corrompu : {error}) : allo ne l'ouvre pas ;"
            " restaurez la dernière sauvegarde — le fichier n'a pas été modifié"
        ) from None
    finally:
        connection.close()
