"""SQLite's failures, sorted into the kinds `allo_tui.data.errors` explains to the user."""

from __future__ import annotations

import sqlite3

from allo_tui.data.errors import error_chain

# SQLite primary result codes (https://sqlite.org/rescode.html).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26
_IOERR_SHMSIZE = _IOERR | (19 << 8)  # the -shm file could not grow: a full disk in practice


def classify_sqlite(error: BaseException) -> str | None:
    """The kind of an sqlite3 error in `error`'s chain (a key of `errors.SENTENCES`), or None."""
    for found in error_chain(error):
        if not isinstance(found, sqlite3.Error):
            continue
        code = getattr(found, "sqlite_errorcode", None)
        text = str(found).lower()
        primary = code & 0xFF if isinstance(code, int) else None
        if primary == _FULL or code == _IOERR_SHMSIZE or "disk is full" in text:
            return "full"
        if primary == _READONLY or "readonly database" in text:
            return "read_only"
        if primary in (_BUSY, _LOCKED) or "database is locked" in text:
            return "locked"
        if primary == _IOERR or "disk i/o error" in text:
            return "io"
        if primary == _CANTOPEN or "unable to open database" in text:
            return "lost"
        if primary in (_CORRUPT, _NOTADB) or "malformed" in text:
            return "corrupt"
        if isinstance(found, sqlite3.ProgrammingError) and "closed database" in text:
            return "lost"
    return None
