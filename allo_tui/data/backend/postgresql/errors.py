"""psycopg's failures, sorted into the kinds `allo_tui.data.errors` explains to the user."""

from __future__ import annotations

import psycopg
from psycopg import errors as pg_errors

from allo_tui.data.errors import error_chain


def classify_postgresql(error: BaseException) -> str | None:
    """The kind of a psycopg error in `error`'s chain (a key of `errors.SENTENCES`), or None."""
    for found in error_chain(error):
        if not isinstance(found, psycopg.Error):
            continue
        if isinstance(found, pg_errors.DiskFull):
            return "full"
        if isinstance(found, pg_errors.ReadOnlySqlTransaction | pg_errors.InsufficientPrivilege):
            return "read_only"
        if isinstance(found, pg_errors.LockNotAvailable | pg_errors.QueryCanceled):
            return "locked"
        if isinstance(found, pg_errors.DataCorrupted | pg_errors.IndexCorrupted):
            return "corrupt"
        if isinstance(found, psycopg.OperationalError | psycopg.InterfaceError):
            return "server"
    return None
