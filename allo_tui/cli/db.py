"""`allo db`: where the database file is, its creation, upgrade, check and backup.

`db check` and `db backup` only read: they check the file itself (its header, its schema
stamp, its integrity) before any Store is opened, and never write to it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from allo_tui.cli.common import Fail, database_choice, db_option, echo_result, open_store


@click.group()
def db() -> None:
    """Gestion du fichier de base de données."""


@db.command("path")
@click.option("--demo", "demo_flag", is_flag=True, help="Chemin de la base de démonstration.")
@db_option
def db_path(demo_flag: bool) -> None:
    """Affiche où est la base de données."""
    choice = database_choice(demo=True if demo_flag else None)
    click.echo(choice.label)


@db.command("init")
@db_option
def db_init() -> None:
    """Crée la base (si besoin) au dernier schéma ; initialise un fichier vide."""
    store = open_store(initialise_empty=True)
    click.echo(f"base prête : {store.backend.label}")


@db.command("upgrade")
@db_option
def db_upgrade() -> None:
    """Met le schéma à jour (copie de sauvegarde prise avant)."""
    store = open_store(create=False)
    click.echo(f"schéma à jour : {store.backend.label}")


@db.command("check")
@db_option
def db_check() -> None:
    """Vérifie l'intégrité du fichier et la version du schéma (sans rien y écrire)."""
    from allo_tui.data.backend.sqlite.files import check_integrity
    from allo_tui.data.schema import HEAD_REVISION, check_schema, refuse_unknown_revision

    choice = database_choice()
    if choice.is_server:
        _check_server(choice.path)
        return
    revision = _readable_database(choice.path)
    refuse_unknown_revision(choice.path, revision)
    integrity, orphan_keys = check_integrity(choice.path)
    problems = []
    if integrity != ["ok"]:
        problems.append("intégrité : " + "; ".join(integrity[:5]))
    if orphan_keys:
        problems.append(f"{orphan_keys} clé(s) étrangère(s) orpheline(s)")
    if revision != HEAD_REVISION:
        problems.append(
            f"schéma {revision}, plus ancien que {HEAD_REVISION} : « allo db upgrade » le met à"
            " jour"
        )
    elif integrity == ["ok"]:
        differences = check_schema(choice.path)
        if differences:
            problems.append(f"schéma différent du modèle : {differences[:3]}")
    click.echo(f"fichier : {choice.path}")
    click.echo(f"schéma : {revision} (attendu {HEAD_REVISION})")
    click.echo(f"intégrité : {'ok' if integrity == ['ok'] else 'ERREUR'}")
    if problems:
        raise Fail(" ; ".join(problems))
    click.echo("tout est en ordre")


def _check_server(url: str) -> None:
    """`db check` on PostgreSQL: the stamp, what the server reports, the schema's shape."""
    from allo_tui.data.backend.postgresql.schema import opened, schema_revision
    from allo_tui.data.backend.urls import redacted
    from allo_tui.data.errors import DatabaseFileError
    from allo_tui.data.schema import HEAD_REVISION, check_schema, refuse_unknown_revision
    from allo_tui.data.store import Store

    try:
        with opened(url, create=False) as (connection, _):
            revision = schema_revision(connection)
        if revision is None:
            raise Fail(f"{redacted(url)} n'a aucune table d'allo : « allo db init » l'initialise")
        refuse_unknown_revision(redacted(url), revision)
    except DatabaseFileError as error:
        raise Fail(str(error)) from None
    store = Store(url)
    try:
        problems = [f"intégrité : {problem}" for problem in store.backend.integrity_problems()]
    finally:
        store.close()
    if revision != HEAD_REVISION:
        problems.append(
            f"schéma {revision}, plus ancien que {HEAD_REVISION} : « allo db upgrade » le met à"
            " jour"
        )
    elif not problems:
        differences = check_schema(url)
        if differences:
            problems.append(f"schéma différent du modèle : {differences[:3]}")
    click.echo(f"base : {redacted(url)}")
    click.echo(f"schéma : {revision} (attendu {HEAD_REVISION})")
    click.echo(
        f"intégrité : {'ERREUR' if any(p.startswith('intégrité') for p in problems) else 'ok'}"
    )
    if problems:
        raise Fail(" ; ".join(problems))
    click.echo("tout est en ordre")


def _readable_database(path: Path) -> str:
    """The schema revision of an existing allo database, read without writing anything;
    a missing, empty or foreign file is refused with one line."""
    from allo_tui.data.backend.sqlite.files import check_database_file, schema_revision

    check_database_file(path, write=False)
    if not path.exists():
        raise Fail(f"{path} n'existe pas (allo db init pour la créer)")
    if path.stat().st_size == 0:
        raise Fail(
            f"{path} est un fichier vide (0 octet), pas une base allo : « allo db init »"
            " l'initialise ; le fichier n'a pas été modifié"
        )
    revision = schema_revision(path)
    if revision is None:
        raise Fail(
            f"{path} est une base SQLite vide, sans aucune table d'allo : « allo db init »"
            " l'initialise ; le fichier n'a pas été modifié"
        )
    return revision


@db.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--force", is_flag=True, help="Remplacer une sauvegarde existante (jamais la base elle-même)."
)
@db_option
def db_backup(destination: Path, force: bool) -> None:
    """Copie la base vivante (API de sauvegarde en ligne de SQLite).

    La copie est écrite à côté de FILE puis renommée une fois complète et vérifiée : une
    panne (disque plein…) ne laisse jamais de fichier tronqué. Un fichier existant est refusé
    sans --force ; la base elle-même et un fichier qui n'est pas une base, toujours.
    """
    from allo_tui.data.backend.sqlite.backup import backup_database
    from allo_tui.data.schema import refuse_unknown_revision

    choice = database_choice()
    if choice.is_server:
        # A server database: a portable SQLite copy, written by `allo db copy`'s code.
        if destination.exists() and not force:
            raise Fail(f"{destination} existe déjà : --force pour le remplacer")
        _run_copy(choice.path, destination, replace=force)
        echo_result(f"sauvegarde écrite : {destination}")
        return
    refuse_unknown_revision(choice.path, _readable_database(choice.path))
    backup_database(choice.path, destination, replace=force)
    echo_result(f"sauvegarde écrite : {destination}")


def _database_argument(value: str) -> Path | str:
    """A file path or a `postgresql://` URL, as `--db` takes them."""
    from allo_tui.config import ConfigError, _as_path

    try:
        return _as_path(value)
    except ConfigError as error:
        raise Fail(str(error)) from None


def _run_copy(source: Path | str, destination: Path | str, *, replace: bool):
    """Copy with a progress bar on a terminal; every failure is one line."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from allo_tui.data.copy import copy_database
    from allo_tui.data.errors import DatabaseFileError, user_message

    columns = (TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, transient=True, disable=not sys.stderr.isatty(), console=None) as bar:
        tasks: dict[str, int] = {}

        def progress(table: str, done: int, total: int) -> None:
            if table not in tasks:
                tasks[table] = bar.add_task(table, total=total)
            bar.update(tasks[table], completed=done)

        try:
            return copy_database(source, destination, replace=replace, progress=progress)
        except DatabaseFileError as error:
            raise Fail(str(error)) from None
        except Exception as error:  # noqa: BLE001 - a database failure: one line, logged
            raise Fail(user_message(error)) from None


@db.command("copy")
@click.argument("source")
@click.argument("destination")
@click.option("--replace", is_flag=True, help="Remplacer le contenu d'une destination non vide.")
def db_copy(source: str, destination: str, replace: bool) -> None:
    """Copie toute une base vers une autre (fichier SQLite ou postgresql://…).

    La source est lue dans un seul instantané cohérent (elle peut être en service) ; la
    destination est écrite en une transaction : une copie interrompue ne laisse rien à moitié.
    Une destination qui a déjà des données est refusée sans --replace. Les nombres de lignes
    et une somme de contrôle de chaque table sont comparés à la fin.
    """
    from allo_tui.config import DatabaseChoice

    src, dst = _database_argument(source), _database_argument(destination)
    copied = _run_copy(src, dst, replace=replace)
    rows = sum(table.rows for table in copied)
    label = DatabaseChoice(dst, "copy").label
    echo_result(
        f"copie terminée : {rows} lignes dans {len(copied)} tables vers {label}"
        " (nombres et sommes de contrôle identiques)"
    )
