"""`allo db`: where the database file is, its creation, upgrade, check and backup.

`db check` and `db backup` only read: they check the file itself (its header, its schema
stamp, its integrity) before any Store is opened, and never write to it.
"""

from __future__ import annotations

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
    click.echo(str(choice.path))


@db.command("init")
@db_option
def db_init() -> None:
    """Crée la base (si besoin) au dernier schéma ; initialise un fichier vide."""
    store = open_store(initialise_empty=True)
    click.echo(f"base prête : {store.path}")


@db.command("upgrade")
@db_option
def db_upgrade() -> None:
    """Met le schéma à jour (copie de sauvegarde prise avant)."""
    store = open_store(create=False)
    click.echo(f"schéma à jour : {store.path}")


@db.command("check")
@db_option
def db_check() -> None:
    """Vérifie l'intégrité du fichier et la version du schéma (sans rien y écrire)."""
    from allo_tui.data.backend.sqlite.files import check_integrity
    from allo_tui.data.schema import HEAD_REVISION, check_schema, refuse_unknown_revision

    choice = database_choice()
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
    refuse_unknown_revision(choice.path, _readable_database(choice.path))
    backup_database(choice.path, destination, replace=force)
    echo_result(f"sauvegarde écrite : {destination}")
