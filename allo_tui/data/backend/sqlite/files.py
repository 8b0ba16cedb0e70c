"""SQLite database files: the checks made before a file is opened, the URIs it is opened
with (read-only, immutable), private creation and the schema stamp read with the stdlib only.

A file this process may not write (the file or its folder read-only) is opened read-only, by
every connection: reads work, a write gets "read-only" in one sentence (`data.errors`).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path
from urllib.parse import quote

from allo_tui.data.errors import DatabaseFileError

BUSY_TIMEOUT_MS = 10_000
"""How long a connection waits for another one's lock before giving up."""
SQLITE_HEADER = b"SQLite format 3\x00"


_HELD: dict[tuple[int, int], int] = {}
"""(device, inode) of the database files this process has SQLite connections on, with how many
backends hold each."""
_HELD_LOCK = threading.Lock()


def hold_file(path: Path) -> tuple[int, int] | None:
    """Note that this process now has SQLite connections on `path`; give the result to
    `release_file` when they are closed.

    SQLite's locks are POSIX locks, held per process: closing any descriptor of ours on the file
    (reading its header) would drop the locks of all of this process's connections on it.
    Another process closing its last connection would then find itself alone, checkpoint and
    delete the WAL under our open connections, and what they commit next would never reach the
    file. So `check_database_file` does not open a file held here (it was checked when first
    opened).
    """
    try:
        info = os.stat(path)
    except OSError:
        return None
    identity = (info.st_dev, info.st_ino)
    with _HELD_LOCK:
        _HELD[identity] = _HELD.get(identity, 0) + 1
    return identity


def release_file(identity: tuple[int, int] | None) -> None:
    """The connections noted by `hold_file` are closed."""
    if identity is None:
        return
    with _HELD_LOCK:
        left = _HELD.get(identity, 0) - 1
        if left > 0:
            _HELD[identity] = left
        else:
            _HELD.pop(identity, None)


def held_by_this_process(path: Path) -> bool:
    """True while this process has SQLite connections on the file (`hold_file`)."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    with _HELD_LOCK:
        return (info.st_dev, info.st_ino) in _HELD


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
    if not held_by_this_process(path):  # else checked when first opened (see `hold_file`)
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


def check_integrity(path: Path) -> tuple[list[str], int]:
    """What `PRAGMA integrity_check` reports (`["ok"]` when sound) and how many rows
    `PRAGMA foreign_key_check` finds (orphan foreign keys), on a read-only `snapshot`
    connection: nothing is written to the file."""
    connection = sqlite3.connect(read_only_uri(path, snapshot=True), uri=True)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        orphan_keys = len(connection.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        connection.close()
    return integrity, orphan_keys
