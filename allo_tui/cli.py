"""The `allo` command: the console, and the administrator's subcommands.

Expected errors end with one line on stderr and exit status 2; no traceback reaches a user.
Heavy modules (SQLAlchemy, Textual) are imported inside the commands that need them.

Text is data here too: stored text echoed to the terminal (names, references, messages that
quote them) goes through `printable()`, so an escape sequence in the database cannot colour or
clear the administrator's terminal; `allo request add` removes control characters from what it
is given, with a warning, as the form does.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from allo_tui.config import ConfigError, DatabaseChoice, resolve_database, resolve_operator_login
from allo_tui.domain.sanitize import clean_text, printable

EXIT_USAGE = 2


class Fail(click.ClickException):
    """An expected error: one line on stderr, exit 2."""

    exit_code = EXIT_USAGE

    def show(self, file=None) -> None:  # noqa: D102 - click API
        click.echo(f"allo: {printable(self.message)}", err=True)


def _line(value: str) -> str:
    """Stored text on one line of the terminal, control characters made visible."""
    return printable(value, one_line=True)


def _cleaned(option: str, value: str, *, multiline: bool = False) -> str:
    """`value` given on the command line, without control characters (tab and newline stay in a
    multi-line text; a one-line value has its lines joined); a warning says what changed."""
    cleaned = clean_text(value, multiline=multiline)
    if cleaned.removed_controls:
        click.echo(
            f"allo: attention : {cleaned.removed_controls} caractère(s) de contrôle retiré(s)"
            f" de {option}",
            err=True,
        )
    if cleaned.joined_lines:
        click.echo(
            f"allo: attention : {option} tient sur une ligne, retours à la ligne remplacés"
            " par des espaces",
            err=True,
        )
    return cleaned.text


@dataclass
class Options:
    db: str | None = None
    demo: bool = False
    operator: str | None = None


def _db_option(function):
    """`--db` on `allo` and on every subcommand (the innermost wins)."""

    @click.option("--db", "db", metavar="PATH", default=None, help="Fichier de base de données.")
    @functools.wraps(function)
    def wrapper(*args, db: str | None = None, **kwargs):
        options = click.get_current_context().find_object(Options)
        if db and options is not None:
            options.db = db
        return function(*args, **kwargs)

    return wrapper


def _options() -> Options:
    return click.get_current_context().find_object(Options) or Options()


def _choice(*, demo: bool | None = None) -> DatabaseChoice:
    options = _options()
    try:
        return resolve_database(options.db, demo=options.demo if demo is None else demo)
    except ConfigError as error:
        raise Fail(str(error)) from None


def _open_store(*, create: bool = True, demo: bool | None = None, lazy: bool = False):
    """Check, create or upgrade the database, then a Store on it.

    `lazy`: a LazyStore, which answers lookups before SQLAlchemy is imported (the console's
    start-up path); the full Store loads on first need.
    """
    from allo_tui.data.schema import prepare_database
    from allo_tui.data.sqlite import DatabaseFileError

    if lazy:
        from allo_tui.data.lazy import LazyStore as Store
    else:
        from allo_tui.data.store import Store

    choice = _choice(demo=demo)
    try:
        outcome = prepare_database(choice.path, create=create, shared=choice.shared)
    except DatabaseFileError as error:
        raise Fail(str(error)) from None
    if outcome.startswith("upgraded"):
        click.echo(f"allo: base mise à jour ({outcome})", err=True)
    return Store(choice.path)


def _resolve_operator(store, *, demo: bool):
    from allo_tui.domain.errors import UnknownOperatorError

    login = resolve_operator_login(_options().operator)
    try:
        return store.resolve_operator(login, demo=demo)
    except UnknownOperatorError as error:
        raise Fail(str(error)) from None


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="PATH", default=None, help="Fichier de base de données.")
@click.option("--demo", is_flag=True, help="Utiliser la base de démonstration.")
@click.option(
    "--operator", metavar="LOGIN", envvar="ALLO_OPERATOR", help="Identifiant de l'opérateur."
)
@click.version_option(package_name="allo-tui", prog_name="allo")
@click.pass_context
def main(ctx: click.Context, db: str | None, demo: bool, operator: str | None) -> None:
    """allo — la console Allô Mairie (sans sous-commande : ouvre la console)."""
    ctx.obj = Options(db=db, demo=demo, operator=operator)
    if ctx.invoked_subcommand is None:
        _run_console(demo=demo)


def _run_console(*, demo: bool) -> None:
    from allo_tui.data.startup import read_is_demo, read_operator

    store = _open_store(lazy=True)
    is_demo = demo or read_is_demo(store.path)
    login = resolve_operator_login(_options().operator)
    # A known login is read without the ORM; a first run or an unknown login asks the Store.
    operator = read_operator(store.path, login) or _resolve_operator(store, demo=is_demo)
    from allo_tui.app import AlloApp

    AlloApp(store=store, operator=operator, demo=is_demo).run()


# -- demo -----------------------------------------------------------------------------------


@main.command()
@click.option("--callers", type=click.IntRange(1), default=None, help="Nombre de demandeurs.")
@click.option(
    "--requests", "requests_", type=click.IntRange(1), default=None, help="Nombre de demandes."
)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--no-run", is_flag=True, help="Créer la base sans ouvrir la console.")
@_db_option
def demo(callers: int | None, requests_: int | None, seed: int, no_run: bool) -> None:
    """Ouvre la console sur la base de démonstration (créée au premier usage)."""
    from allo_tui.data.demo import build_demo
    from allo_tui.data.sqlite import DatabaseFileError

    options = _options()
    options.demo = True
    choice = _choice(demo=True)
    try:
        summary = build_demo(choice.path, callers=callers, requests=requests_, seed=seed)
    except DatabaseFileError as error:
        raise Fail(str(error)) from None
    if summary is not None and getattr(summary, "requests", 0):
        click.echo(
            f"base de démonstration prête : {choice.path} "
            f"({summary.callers} demandeurs, {summary.requests} demandes)",
            err=True,
        )
    if not no_run:
        _run_console(demo=True)


# -- board ----------------------------------------------------------------------------------


@main.command()
@click.option(
    "--service", "services", multiple=True, metavar="CODE", help="Limiter à un service (répétable)."
)
@click.option("--urgency", type=click.IntRange(1, 4), default=None, help="Limiter à une urgence.")
@click.option(
    "--page-seconds",
    type=click.FloatRange(2, 600),
    default=10,
    show_default=True,
    help="Durée d'affichage de chaque page quand la liste ne tient pas sur l'écran.",
)
@_db_option
def board(services: tuple[str, ...], urgency: int | None, page_seconds: float) -> None:
    """Tableau mural des interventions ouvertes (lecture seule, sans identification)."""
    store = _open_store(create=False)
    known = {service.code.upper(): service for service in store.services()}
    wanted = []
    for code in services:
        if code.upper() not in known:
            raise Fail(f"service inconnu : {code!r} (services : {', '.join(sorted(known))})")
        wanted.append(known[code.upper()].id)
    from allo_tui.app import BoardApp

    names = {service.id: service.name for service in known.values()}
    BoardApp(
        store=store,
        services=tuple(wanted),
        urgency=urgency,
        service_names=names,
        page_seconds=page_seconds,
    ).run()


# -- db -------------------------------------------------------------------------------------


@main.group()
def db() -> None:
    """Gestion du fichier de base de données."""


@db.command("path")
@click.option("--demo", "demo_flag", is_flag=True, help="Chemin de la base de démonstration.")
@_db_option
def db_path(demo_flag: bool) -> None:
    """Affiche où est la base de données."""
    choice = _choice(demo=True if demo_flag else None)
    click.echo(str(choice.path))


@db.command("init")
@_db_option
def db_init() -> None:
    """Crée la base (si besoin) au dernier schéma."""
    store = _open_store()
    click.echo(f"base prête : {store.path}")


@db.command("upgrade")
@_db_option
def db_upgrade() -> None:
    """Met le schéma à jour (copie de sauvegarde prise avant)."""
    store = _open_store(create=False)
    click.echo(f"schéma à jour : {store.path}")


@db.command("check")
@_db_option
def db_check() -> None:
    """Vérifie l'intégrité du fichier et la version du schéma."""
    import sqlite3

    from allo_tui.data.schema import HEAD_REVISION, check_schema, known_revisions
    from allo_tui.data.sqlite import DatabaseFileError, check_database_file, schema_revision

    choice = _choice()
    try:
        check_database_file(choice.path)
        if not choice.path.exists():
            raise Fail(f"{choice.path} n'existe pas")
        revision = schema_revision(choice.path)
    except DatabaseFileError as error:
        raise Fail(str(error)) from None
    if revision is not None and revision not in known_revisions():
        raise Fail(
            f"{choice.path} a été créée par une version plus récente d'allo (schéma {revision}) ;"
            " mettez allo à jour"
        )
    connection = sqlite3.connect(f"file:{choice.path}?mode=ro", uri=True)
    try:
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()
    problems = []
    if integrity != ["ok"]:
        problems.append("intégrité : " + "; ".join(integrity[:5]))
    if foreign:
        problems.append(f"{len(foreign)} clé(s) étrangère(s) orpheline(s)")
    if revision != HEAD_REVISION:
        problems.append(f"schéma {revision} au lieu de {HEAD_REVISION} (allo db upgrade)")
    else:
        differences = check_schema(choice.path)
        if differences:
            problems.append(f"schéma différent du modèle : {differences[:3]}")
    click.echo(f"fichier : {choice.path}")
    click.echo(f"schéma : {revision} (attendu {HEAD_REVISION})")
    click.echo(f"intégrité : {'ok' if integrity == ['ok'] else 'ERREUR'}")
    if problems:
        raise Fail(" ; ".join(problems))
    click.echo("tout est en ordre")


@db.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@_db_option
def db_backup(destination: Path) -> None:
    """Copie la base vivante (API de sauvegarde en ligne de SQLite)."""
    from allo_tui.data.sqlite import DatabaseFileError

    store = _open_store(create=False)
    try:
        store.backup(destination)
    except (DatabaseFileError, OSError) as error:
        raise Fail(f"sauvegarde impossible : {error}") from None
    click.echo(f"sauvegarde écrite : {destination}")


# -- operators ------------------------------------------------------------------------------


@main.group()
def operator() -> None:
    """Gestion des opérateurs."""


@operator.command("add")
@click.argument("login")
@click.option(
    "--role",
    type=click.Choice(["operator", "supervisor", "admin"]),
    default="operator",
    show_default=True,
)
@click.option("--name", "display_name", default="", help="Nom affiché.")
@_db_option
def operator_add(login: str, role: str, display_name: str) -> None:
    """Ajoute (ou modifie) un opérateur. Réservé aux administrateurs, sauf base vide."""
    from allo_tui.domain.errors import ValidationError
    from allo_tui.domain.records import Role

    store = _open_store()
    me = _resolve_operator(store, demo=store.is_demo())  # on an empty database: the first admin
    if not me.role.includes(Role.ADMIN):
        raise Fail(f"{me.login} n'est pas administrateur : seul un administrateur ajoute des opérateurs")
    try:
        record = store.add_operator(login, role, display_name)
    except ValidationError as error:
        raise Fail(str(error)) from None
    click.echo(f"{_line(record.login)} ({_line(record.display_name)}) : {record.role.value}")


@operator.command("list")
@_db_option
def operator_list() -> None:
    """Liste les opérateurs."""
    store = _open_store()
    for record in store.list_operators():
        state = "" if record.active else " (inactif)"
        click.echo(
            f"{_line(record.login)}\t{record.role.value}\t{_line(record.display_name)}{state}"
        )


# -- requests -------------------------------------------------------------------------------


@main.group()
def request() -> None:
    """Demandes, sans l'interface (scripts, passerelles)."""


@request.command("add")
@click.option("--phone", default="", help="Téléphone du demandeur.")
@click.option("--name", default="", help="Nom du demandeur (NOM Prénom).")
@click.option("--category", required=True, help="Catégorie (code ou libellé).")
@click.option("--street", default="", help="Voie.")
@click.option("--number", "street_number", default="", help="Numéro dans la voie.")
@click.option("--landmark", default="", help="Repère (« devant l'école »).")
@click.option("--description", required=True, help="Description de la demande.")
@click.option(
    "--urgency", type=int, default=None, help="Urgence 1 à 4 (défaut : celle de la catégorie)."
)
@click.option(
    "--idempotency-key",
    "idempotency_key",
    default=None,
    metavar="CLÉ",
    help="Clé unique de la demande : relancée avec la même clé, la commande n'enregistre rien"
    " de plus et affiche le même numéro.",
)
@_db_option
def request_add(
    phone: str,
    name: str,
    category: str,
    street: str,
    street_number: str,
    landmark: str,
    description: str,
    urgency: int | None,
    idempotency_key: str | None,
) -> None:
    """Enregistre une demande et affiche son numéro.

    Le demandeur est reconnu à son numéro entier (et à son nom si --name est donné) ;
    sinon il est créé.
    """
    from allo_tui.domain.errors import AlloError, SharedNumberError, ValidationError
    from allo_tui.domain.limits import too_long
    from allo_tui.domain.records import CallerMatch, NewCaller, NewRequest
    from allo_tui.domain.text import split_name

    if urgency is not None and urgency not in (1, 2, 3, 4):
        raise Fail(f"urgence {urgency} invalide : valeurs possibles 1, 2, 3, 4")
    phone = _cleaned("--phone", phone)
    name = _cleaned("--name", name)
    category = _cleaned("--category", category)
    street = _cleaned("--street", street)
    street_number = _cleaned("--number", street_number)
    landmark = _cleaned("--landmark", landmark)
    description = _cleaned("--description", description, multiline=True)
    for option, field, value in (
        ("--phone", "phone", phone),
        ("--name", "name", name),
        ("--category", "category", category),
        ("--street", "street", street),
        ("--number", "street_number", street_number),
        ("--landmark", "landmark", landmark),
        ("--description", "description", description),
    ):
        reason = too_long(field, value)  # the form's limits: nothing longer is stored
        if reason is not None:
            raise Fail(f"{option} : {reason}")
    store = _open_store()
    operator_record = _resolve_operator(store, demo=store.is_demo())
    found = store.find_category(category)
    if found is None:
        choices = ", ".join(c.code for c in store.categories())
        raise Fail(f"catégorie inconnue : {category!r} (catégories : {choices})")
    new_caller = None
    if phone.strip() or name.strip():
        # The Store attaches the known caller holding this whole number (with this name),
        # inside the transaction that saves: concurrent gateway calls make one caller.
        surname, given_name = split_name(name)
        new_caller = NewCaller(
            surname=surname, given_name=given_name, phones=(phone,) if phone.strip() else ()
        )
    new = NewRequest(
        category_id=found.id,
        description=description,
        new_caller=new_caller,
        caller_match=CallerMatch.NUMBER_AND_NAME,
        urgency=urgency,
        street=street,
        street_number=street_number,
        landmark=landmark,
        idempotency_key=idempotency_key,
    )
    try:
        record = store.create_request(operator_record, new)
    except SharedNumberError as error:
        raise Fail(
            f"--phone : le numéro {error.number} est celui de {len(error.names)} demandeurs"
            f" ({', '.join(error.names)}) : précisez --name"
        ) from None
    except ValidationError as error:
        raise Fail(f"{error.field} : {error.message}") from None
    except AlloError as error:
        raise Fail(str(error)) from None
    click.echo(_line(record.reference))


def run() -> None:  # pragma: no cover - console script shim
    main()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
