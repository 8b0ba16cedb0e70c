"""Schema versions: Alembic is the only way the schema is created or changed.

`HEAD_REVISION` lets start-up compare the file's stamp with the stdlib `sqlite3` module only;
Alembic (slow to import) is loaded just when an upgrade is due.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from allo_tui.data.sqlite import (
    DatabaseFileError,
    backup_database,
    check_database_file,
    ensure_database_file,
    schema_revision,
)

HEAD_REVISION = "0006"
MIGRATIONS = Path(__file__).with_name("migrations")


class NewerSchemaError(DatabaseFileError):
    """The file was written by a newer allo; it is left as it is."""


def alembic_config(path: Path, connection=None):
    """An Alembic Config pointing at the packaged migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", f"sqlite:///{path}")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def known_revisions() -> list[str]:
    """Every revision id this version of allo knows, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(Path("unused")))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def upgrade(path: Path) -> None:
    """Bring the file to the head revision, in one transaction."""
    from alembic import command

    from allo_tui.data.sqlite import create_engine_for

    engine = create_engine_for(path)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(path, connection), "head")
    finally:
        engine.dispose()


def check_schema(path: Path) -> list[str]:
    """Differences between the models and the file (empty when in step)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from allo_tui.data.models import Base
    from allo_tui.data.sqlite import create_engine_for, is_fts_internal

    def include_name(name, type_, parent_names):
        return not (type_ == "table" and name and is_fts_internal(name))

    engine = create_engine_for(path)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_name": include_name, "compare_type": True}
            )
            return [str(diff) for diff in compare_metadata(context, Base.metadata)]
    finally:
        engine.dispose()


def prepare_database(path: Path, *, create: bool = True, shared: bool = False) -> str:
    """Open-time check: create, upgrade (after a backup) or refuse the file.

    Returns what was done: "current", "created" or "upgraded from REV". Raises
    DatabaseFileError (with a one-line message) for anything that must not be opened.
    """
    path = Path(path)
    check_database_file(path)
    if not path.exists():
        if not create:
            raise DatabaseFileError(f"{path} n'existe pas (allo db init pour la créer)")
        ensure_database_file(path, shared=shared)
    elif path.stat().st_size == 0:
        pass
    revision = schema_revision(path)
    if revision == HEAD_REVISION:
        return "current"
    if revision is None:
        upgrade(path)
        return "created"
    if revision not in known_revisions():
        raise NewerSchemaError(
            f"{path} a été créée par une version plus récente d'allo (schéma {revision}) ;"
            " mettez allo à jour — le fichier n'a pas été modifié"
        )
    backup = backup_path(path, revision)
    backup_database(path, backup)
    upgrade(path)
    return f"upgraded from {revision} (backup: {backup})"


def backup_path(path: Path, revision: str) -> Path:
    """Where the copy taken before a migration goes, beside the database."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.name}.before-{revision}-{stamp}.bak")


__all__ = [
    "HEAD_REVISION",
    "NewerSchemaError",
    "DatabaseFileError",
    "prepare_database",
    "upgrade",
    "check_schema",
    "known_revisions",
]
