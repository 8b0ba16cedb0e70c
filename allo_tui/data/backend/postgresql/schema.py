"""Opening a PostgreSQL database for allo: reach the server, create the database when allowed,
check the extensions, read the schema stamp, and Alembic's engine (the one SQLAlchemy use).

Every failure is a `DatabaseFileError` whose one line names the database by its URL without
the password.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

from allo_tui.data.backend.postgresql import connect
from allo_tui.data.backend.urls import (
    database_name,
    libpq_url,
    redacted,
    with_database,
)
from allo_tui.data.errors import DatabaseFileError

EXTENSIONS = ("pg_trgm",)
"""Extensions the schema needs (trigram indexes for the lookup and the history's text)."""


def _reason(error: BaseException) -> str:
    """The server's or libpq's message on one line (it never holds the password)."""
    text = " ".join(line.strip() for line in str(error).strip().splitlines())
    return text.removeprefix("connection failed: ") or type(error).__name__


@contextmanager
def opened(url: str, *, create: bool) -> Iterator[tuple[psycopg.Connection, bool]]:
    """A connection to the database, and whether it was created now (`create` allows it)."""
    created = False
    try:
        connection = connect(url)
    except psycopg.Error as error:
        if not _missing_database(error, url):
            raise DatabaseFileError(
                f"impossible de joindre {redacted(url)} : {_reason(error)}"
            ) from None
        if not create:
            raise DatabaseFileError(
                f"{redacted(url)} : la base n'existe pas sur le serveur"
                " (allo db init pour la créer)"
            ) from None
        _create_database(url)
        created = True
        connection = _connect_or_explain(url)
    try:
        yield connection, created
    finally:
        connection.close()


def _missing_database(error: psycopg.Error, url: str) -> bool:
    """True when the server answered that the database does not exist."""
    if isinstance(error, pg_errors.InvalidCatalogName):
        return True
    return f'database "{database_name(url)}" does not exist' in str(error)


def _connect_or_explain(url: str) -> psycopg.Connection:
    try:
        return connect(url)
    except psycopg.Error as error:
        raise DatabaseFileError(
            f"impossible de joindre {redacted(url)} : {_reason(error)}"
        ) from None


def _create_database(url: str) -> None:
    name = database_name(url)
    try:
        with connect(with_database(url, "postgres")) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise DatabaseFileError(
            f"la base {name} n'existe pas sur le serveur et allo ne peut pas la créer"
            f" ({_reason(error)}) : un administrateur PostgreSQL doit lancer"
            f' « CREATE DATABASE "{name}"; »'
        ) from None


def ensure_extensions(connection: psycopg.Connection, url: str) -> None:
    """Create the extensions the schema needs, or stop with the SQL an administrator runs."""
    installed = {
        row[0]
        for row in connection.execute(
            "SELECT extname FROM pg_extension WHERE extname = ANY(%s)", (list(EXTENSIONS),)
        )
    }
    for name in EXTENSIONS:
        if name in installed:
            continue
        try:
            connection.execute(
                sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(name))
            )
        except psycopg.Error as error:
            raise DatabaseFileError(
                f"{redacted(url)} : l'extension {name} manque et ce compte ne peut pas la créer"
                f" ({_reason(error)}) ; un administrateur doit lancer, dans cette base :"
                f" « CREATE EXTENSION {name}; » puis relancer allo db init"
            ) from None


def schema_revision(connection: psycopg.Connection) -> str | None:
    """The Alembic stamp of the database, None for a database without one."""
    exists = connection.execute("SELECT to_regclass('alembic_version') IS NOT NULL").fetchone()[0]
    if not exists:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def user_tables(connection: psycopg.Connection) -> list[str]:
    """The tables of the current schema (an allo-less database has none)."""
    return [
        row[0]
        for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    ]


def create_engine_for(url: str):
    """A SQLAlchemy engine for Alembic and `allo db check` (psycopg 3 driver, no pool)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(
        "postgresql+psycopg://" + libpq_url(url).split("://", 1)[1],
        poolclass=NullPool,
        connect_args={"options": "-c timezone=UTC"},
    )
