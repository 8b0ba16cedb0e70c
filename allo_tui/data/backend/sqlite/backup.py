"""The online backup of a live SQLite database, written so nothing at the destination is harmed."""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from pathlib import Path

from allo_tui.data.backend.sqlite.files import BUSY_TIMEOUT_MS, SQLITE_HEADER, read_only_uri
from allo_tui.data.errors import DatabaseFileError

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
