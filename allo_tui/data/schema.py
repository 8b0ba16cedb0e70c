"""Schema versions: Alembic is the only way the schema is created or changed.

`HEAD_REVISION` lets start-up compare the file's stamp with the stdlib `sqlite3` module only;
Alembic (slow to import) is loaded just when an upgrade is due.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from allo_tui.data.backend.sqlite.backup import backup_database
from allo_tui.data.backend.sqlite.files import (
    check_database_file,
    ensure_database_file,
    may_write,
    schema_revision,
)
from allo_tui.data.errors import DatabaseFileError

HEAD_REVISION = "0027"
MIGRATIONS = Path(__file__).with_name("migrations")
SERVER_ONLY_TABLES = frozenset({"caller_words", "caller_prefixes", "phone_suffixes"})
"""PostgreSQL's lookup tables, derived from `callers` by triggers (migrations 0009 and 0026):
no model holds them, and `allo db copy` leaves them to the destination's triggers."""


class NewerSchemaError(DatabaseFileError):
    """The file was written by a newer allo; it is left as it is."""


class UnknownRevisionError(DatabaseFileError):
    """The file's schema stamp is no revision any allo wrote; it is left as it is."""


class EmptyFileError(DatabaseFileError):
    """An empty file, which only `allo db init` initialises; it is left as it is."""


class MigrationError(DatabaseFileError):
    """An upgrade failed: the file is unchanged (one transaction) and the backup is kept."""


def is_server(target: Path | str) -> bool:
    """True for a database on a server (a `postgresql://` URL)."""
    from allo_tui.data.backend.urls import is_postgresql_url

    return isinstance(target, str) and is_postgresql_url(target)


def alembic_config(path: Path | str, connection=None):
    """An Alembic Config pointing at the packaged migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    url = "postgresql+psycopg://server" if is_server(path) else f"sqlite:///{path}"
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def known_revisions() -> list[str]:
    """Every revision id this version of allo knows, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(Path("unused")))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _engine(path: Path | str, *, snapshot: bool = False):
    if is_server(path):
        from allo_tui.data.backend.postgresql.schema import create_engine_for as server_engine

        return server_engine(path)
    from allo_tui.data.backend.sqlite.connect import create_engine_for

    return create_engine_for(path, snapshot=snapshot)


def upgrade(path: Path | str) -> None:
    """Bring the database to the head revision, in one transaction."""
    from alembic import command

    engine = _engine(path)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(path, connection), "head")
    finally:
        engine.dispose()


def check_schema(path: Path | str) -> list[str]:
    """Differences between the models and the database (empty when in step)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from allo_tui.data.backend.sqlite.connect import is_fts_internal
    from allo_tui.data.models import Base

    server = is_server(path)

    def include_name(name, type_, parent_names):
        return not (type_ == "table" and name and is_fts_internal(name))

    def include_object(item, name, type_, reflected, compare_to):
        # PostgreSQL's trigram and lower(street) indexes are written by the migrations alone
        # (expression indexes the models cannot hold), on both sides of the comparison.
        if server and type_ == "table" and name in SERVER_ONLY_TABLES:
            return False  # PostgreSQL's lookup tables, kept by triggers
        return not (
            server
            and type_ == "index"
            and name
            and (name.endswith("_trgm") or name == "ix_requests_street_created")
        )

    engine = _engine(path, snapshot=True)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "include_name": include_name,
                    "include_object": include_object,
                    "compare_type": True,
                },
            )
            return [str(diff) for diff in compare_metadata(context, Base.metadata)]
    finally:
        engine.dispose()


def prepare_database(
    path: Path,
    *,
    create: bool = True,
    shared: bool = False,
    initialise_empty: bool = False,
    read_only: bool = False,
) -> str:
    """Open-time check: create, upgrade (after a backup) or refuse the file.

    `create`: a missing file may be created, and then initialised (the first start of the
    console, `allo db init`, a first `allo request add`). `initialise_empty`: an existing
    empty file (0 bytes, or an SQLite file without a table) may be initialised too; only
    `allo db init` asks for that: every other command refuses such a file. `read_only`: the
    caller only reads, so a file we may not write is accepted (every connection then opens it
    read-only); it is never upgraded.

    Returns what was done: "current", "read-only", "created" or "upgraded from REV (backup:
    …)". Raises DatabaseFileError (with a one-line message) for anything that must not be
    opened; a refused file is left exactly as it was, nothing created beside it.

    A `postgresql://` URL is prepared on its server (`prepare_server`).
    """
    if is_server(path):
        return prepare_server(
            str(path), create=create, initialise_empty=initialise_empty, read_only=read_only
        )
    path = Path(path)
    check_database_file(path, write=not read_only)
    created = False
    if not path.exists():
        if not create or read_only:
            raise DatabaseFileError(f"{path} n'existe pas (allo db init pour la créer)")
        created = ensure_database_file(path, shared=shared)
    writable = may_write(path)
    if path.stat().st_size == 0 and not (created or initialise_empty):
        raise EmptyFileError(
            f"{path} est un fichier vide (0 octet), pas une base allo :"
            " « allo db init » l'initialise ; le fichier n'a pas été modifié"
        )
    revision = schema_revision(path)
    if revision == HEAD_REVISION:
        return "current" if writable else "read-only"
    if revision is None:
        if not (created or initialise_empty):
            raise EmptyFileError(
                f"{path} est une base SQLite vide, sans aucune table d'allo :"
                " « allo db init » l'initialise ; le fichier n'a pas été modifié"
            )
        if not writable:
            raise DatabaseFileError(f"{path} est en lecture seule : allo ne peut pas l'initialiser")
        _initialise(path, created=created)
        return "created"
    refuse_unknown_revision(path, revision)
    if not writable:
        raise DatabaseFileError(
            f"{path} est au schéma {revision}, plus ancien que {HEAD_REVISION}, et en lecture"
            " seule : allo ne peut pas le mettre à jour (allo db upgrade avec les droits"
            " d'écriture)"
        )
    backup = backup_path(path, revision)
    backup_database(path, backup)
    try:
        upgrade(path)
    except Exception as error:  # noqa: BLE001 - any failure: one line, the details logged
        raise MigrationError(
            f"la mise à jour du schéma {revision} vers {HEAD_REVISION} a échoué"
            f" ({_reason(error)}) ; {path} n'a pas été modifié, copie de sauvegarde : {backup}"
        ) from None
    return f"upgraded from {revision} (backup: {backup})"


def prepare_server(
    url: str, *, create: bool = True, initialise_empty: bool = False, read_only: bool = False
) -> str:
    """`prepare_database` for a database on a PostgreSQL server.

    A missing database is created when `create` allows it (and the account may); an existing
    one without any table is initialised; one holding other tables but no allo stamp is
    refused. The extensions the schema needs are created, or the SQL an administrator must
    run is given. An upgrade runs in one transaction (PostgreSQL's DDL is transactional: a
    failure leaves the schema as it was).
    """
    from allo_tui.data.backend.postgresql.schema import (
        ensure_extensions,
        opened,
        schema_revision,
        user_tables,
    )
    from allo_tui.data.backend.urls import redacted

    label = redacted(url)
    with opened(url, create=create and not read_only) as (connection, created):
        revision = schema_revision(connection)
        if revision == HEAD_REVISION:
            return "current"
        if revision is None:
            tables = user_tables(connection)
            if tables:
                raise UnknownRevisionError(
                    f"{label} contient déjà des tables ({', '.join(tables[:3])}…) qui ne sont"
                    " pas d'allo : choisissez une base vide — rien n'a été modifié"
                )
            if read_only:
                raise DatabaseFileError(f"{label} est vide (allo db init pour l'initialiser)")
            if not (created or create or initialise_empty):
                raise EmptyFileError(
                    f"{label} est une base vide, sans aucune table d'allo :"
                    " « allo db init » l'initialise"
                )
            ensure_extensions(connection, url)
        else:
            refuse_unknown_revision(label, revision)
            if read_only:
                raise DatabaseFileError(
                    f"{label} est au schéma {revision}, plus ancien que {HEAD_REVISION} :"
                    " allo db upgrade le met à jour"
                )
    try:
        upgrade(url)
    except Exception as error:  # noqa: BLE001 - any failure: one line, the details logged
        raise MigrationError(
            f"la mise à jour du schéma de {label} vers {HEAD_REVISION} a échoué"
            f" ({_reason(error)}) ; la base n'a pas été modifiée"
        ) from None
    return "created" if revision is None else f"upgraded from {revision}"


def refuse_unknown_revision(path: Path | str, revision: str) -> None:
    """Raise for a stamp this allo does not know: a newer allo's, or no allo's at all."""
    if revision in known_revisions():
        return
    if revision.isdigit() and int(revision) > int(HEAD_REVISION):
        raise NewerSchemaError(
            f"{path} a été créée par une version plus récente d'allo (schéma {revision}) ;"
            " mettez allo à jour — le fichier n'a pas été modifié"
        )
    raise UnknownRevisionError(
        f"{path} : révision inconnue du schéma ({revision!r}), qu'aucune version d'allo n'a"
        " écrite (fichier modifié par un autre outil ?) — le fichier n'a pas été modifié"
    )


def _initialise(path: Path, *, created: bool) -> None:
    """Create the schema; a file created for it is removed again when that fails."""
    try:
        upgrade(path)
    except Exception as error:  # noqa: BLE001 - any failure: one line, the details logged
        if created:
            for name in (str(path), f"{path}-wal", f"{path}-shm", f"{path}-journal"):
                try:
                    Path(name).unlink()
                except OSError:
                    pass
        raise DatabaseFileError(f"impossible d'initialiser {path} : {_reason(error)}") from None


def _reason(error: BaseException) -> str:
    """One line saying why, the details going to the log file."""
    from allo_tui.data.errors import user_message

    if isinstance(error, DatabaseFileError):
        return str(error)
    return user_message(error)


def backup_path(path: Path, revision: str) -> Path:
    """Where the copy taken before a migration goes, beside the database."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.name}.before-{revision}-{stamp}.bak")


__all__ = [
    "HEAD_REVISION",
    "NewerSchemaError",
    "UnknownRevisionError",
    "EmptyFileError",
    "MigrationError",
    "DatabaseFileError",
    "prepare_database",
    "upgrade",
    "check_schema",
    "known_revisions",
]
