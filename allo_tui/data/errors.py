"""Database failures a user can meet, as one French sentence, with the details in a log file.

A full disk, a read-only file, a database locked past the busy timeout, an I/O error, a file
that vanished or a lost connection: the user sees what happened and what to do, never a
driver's exception; the technical detail (exception chain, traceback) is appended to the log
file in the user log dir, whose path the sentence gives. The CLI and the console both call
`database_error()` / `user_message()` from here, and the engine raises `DatabaseUnavailableError`
for errors met through SQLAlchemy (see `backend.sqlite.connect.create_engine_for`). Each backend
registers how to recognise its driver's failures (`register_classifier`).
"""

from __future__ import annotations

import errno
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from allo_tui.domain.errors import AlloError


class DatabaseFileError(Exception):
    """The file cannot be used as an allo database; `str()` is one clear line for the user."""


LOG_LIMIT_BYTES = 2_000_000

_OS_KINDS = {
    errno.ENOSPC: "full",
    errno.EDQUOT: "full",
    errno.EFBIG: "full",
    errno.EROFS: "read_only",
    errno.EACCES: "read_only",
    errno.EPERM: "read_only",
    errno.EIO: "io",
}

# kind -> what happened, what to do (French, for the user).
SENTENCES = {
    "full": (
        "Le disque de la base de données est plein : l'opération n'a pas été faite",
        "libérez de la place sur ce disque puis recommencez",
    ),
    "read_only": (
        "La base de données est en lecture seule pour ce compte : l'opération n'a pas été faite",
        "demandez à l'administrateur les droits d'écriture sur le fichier et son dossier",
    ),
    "locked": (
        "La base de données est restée occupée par un autre poste au-delà du délai d'attente :"
        " l'opération n'a pas été faite",
        "réessayez dans un instant ; si cela dure, cherchez le programme qui la bloque",
    ),
    "io": (
        "Erreur de lecture ou d'écriture sur le disque de la base de données :"
        " l'opération n'a pas été faite",
        "vérifiez le disque (ou le support amovible, le partage) puis recommencez",
    ),
    "lost": (
        "La connexion à la base de données est perdue (fichier déplacé, supprimé ou disque"
        " démonté) : l'opération n'a pas été faite",
        "vérifiez que le fichier est toujours là puis relancez allo",
    ),
    "server": (
        "Le serveur de base de données ne répond pas (réseau coupé ou serveur arrêté) :"
        " l'opération n'a pas été faite",
        "vérifiez le réseau et que le serveur PostgreSQL tourne, puis recommencez",
    ),
    "corrupt": (
        "La base de données est endommagée : l'opération n'a pas été faite",
        "lancez « allo db check » et, s'il le confirme, restaurez la dernière sauvegarde",
    ),
}


class DatabaseUnavailableError(AlloError):
    """A database failure the user can meet; `str()` is the French sentence with the log path."""

    def __init__(self, kind: str, message: str, log: Path | None) -> None:
        super().__init__(message)
        self.kind = kind
        self.log = log


_CLASSIFIERS: list[Callable[[BaseException], str | None]] = []


def register_classifier(classifier: Callable[[BaseException], str | None]) -> None:
    """Add a backend's classifier: it returns the kind (a key of SENTENCES) of one of its
    driver's exceptions, or None. Each backend registers its own when it is imported."""
    if classifier not in _CLASSIFIERS:
        _CLASSIFIERS.append(classifier)


def error_chain(error: BaseException) -> Iterator[BaseException]:
    """`error`, then its causes and contexts (and a wrapper's `.orig`), each once."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.extend([getattr(current, "orig", None), current.__cause__, current.__context__])


def classify(error: BaseException) -> str | None:
    """The kind of database failure (a key of SENTENCES), or None for anything else."""
    if isinstance(error, DatabaseUnavailableError):
        return error.kind
    for classifier in _CLASSIFIERS:
        kind = classifier(error)
        if kind is not None:
            return kind
    if isinstance(error, OSError) and error.errno in _OS_KINDS:
        return _OS_KINDS[error.errno]
    if getattr(error, "connection_invalidated", False):
        return "lost"
    if type(error).__name__ == "TimeoutError" and type(error).__module__.startswith("sqlalchemy"):
        return "locked"  # the connection pool stayed exhausted: the same advice holds
    return None


def database_error(error: BaseException) -> DatabaseUnavailableError | None:
    """A DatabaseUnavailableError for a database failure (its details logged), else None."""
    if isinstance(error, DatabaseUnavailableError):
        return error
    kind = classify(error)
    if kind is None:
        return None
    log = log_failure(error)
    return DatabaseUnavailableError(kind, sentence(kind, log), log)


def sentence(kind: str, log: Path | None) -> str:
    """One French sentence: what happened, what to do, where the details are."""
    what, todo = SENTENCES[kind]
    where = f" (détails : {log})" if log is not None else ""
    return f"{what} ; {todo}{where}."


def user_message(error: BaseException) -> str:
    """What a screen or the CLI shows for `error`: the sentence for a database failure,
    the message of an expected error, else the exception's name and text (logged)."""
    found = database_error(error)
    if found is not None:
        return str(found)
    if isinstance(error, AlloError):
        return str(error)
    log = log_failure(error)
    where = f" (détails : {log})" if log is not None else ""
    return f"erreur inattendue : {type(error).__name__}: {error}{where}"


_log_lock = threading.Lock()
_last_logged: dict[str, float] = {}
_REPEAT_SECONDS = 60.0


def log_failure(error: BaseException) -> Path | None:
    """Append `error` with its traceback to the log file; its path, or None if unwritable.

    The same failure repeated within a minute (a board polling a broken disk) is logged once.
    Writing the log never raises: a full disk must not hide the first failure behind a second.
    """
    from allo_tui.paths import log_file

    try:
        path = log_file()
    except Exception:  # noqa: BLE001 - no home directory: nowhere to log
        return None
    key = f"{type(error).__name__}:{error}"
    now = time.monotonic()
    with _log_lock:
        if now - _last_logged.get(key, -_REPEAT_SECONDS) < _REPEAT_SECONDS:
            return path
        _last_logged[key] = now
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if path.exists() and path.stat().st_size > LOG_LIMIT_BYTES:
                os.replace(path, path.with_name(path.name + ".1"))
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            details = "".join(traceback.format_exception(error))
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(descriptor, "a", encoding="utf-8", errors="backslashreplace") as handle:
                handle.write(f"--- {stamp} pid {os.getpid()}\n{details}\n")
        except OSError:
            return None
    return path
