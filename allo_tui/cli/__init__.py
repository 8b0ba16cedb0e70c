"""The `allo` command: the console, and the administrator's subcommands.

Expected errors end with one line on stderr and exit status 2; no traceback reaches a user: a
database failure (disk full, read-only, locked, I/O error…) is one French sentence naming the
log file that holds the details (`data.errors`), and an argument whose bytes the locale cannot
decode is refused naming its option. Heavy modules (SQLAlchemy, Textual) are imported inside
the commands that need them.

Only `allo db init` initialises an existing empty file; the commands that only read (`board`,
`operator list`, `db check`, `db backup`) never create a database and open a file they may not
write read-only.

Text is data here too: stored text echoed to the terminal (names, references, messages that
quote them) goes through `printable()`, so an escape sequence in the database cannot colour or
clear the administrator's terminal; `allo request add` removes control characters from what it
is given, with a warning, as the form does.
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from allo_tui.config import ConfigError, DatabaseChoice, resolve_database, resolve_operator_login
from allo_tui.domain.sanitize import clean_text, printable

EXIT_USAGE = 2
EXIT_UNEXPECTED = 1
ENVIRONMENT_OPTIONS = ("ALLO_DB", "ALLO_OPERATOR")


class Fail(click.ClickException):
    """An expected error: one line on stderr, exit 2."""

    exit_code = EXIT_USAGE

    def show(self, file=None) -> None:  # noqa: D102 - click API
        try:
            click.echo(f"allo: {printable(self.message, one_line=True)}", err=True)
        except OSError:
            pass  # stderr closed too: the exit status still tells


class Unexpected(Fail):
    """A failure nobody foresaw (a bug): one line naming the log file, exit 1."""

    exit_code = EXIT_UNEXPECTED


def _undecodable(value: str) -> bool:
    """True when `value` holds bytes the locale could not decode (kept as lone surrogates)."""
    return any("\udc80" <= character <= "\udcff" for character in value)


def undecodable_argument(args: list[str]) -> str | None:
    """The one-line refusal for the first argument the locale could not decode, else None."""
    encoding = sys.getfilesystemencoding()
    where = None
    for index, arg in enumerate(args):
        if not _undecodable(arg):
            continue
        if arg.startswith("--") and "=" in arg:
            where = arg.split("=", 1)[0]
        elif (
            index > 0
            and args[index - 1].startswith("-")
            and not args[index - 1].startswith("--no-")
        ):
            where = args[index - 1]
        else:
            shown = repr(arg.encode("utf-8", "surrogateescape"))[2:-1]
            where = f"l'argument « {shown} »"
        break
    else:
        for name in ENVIRONMENT_OPTIONS:
            if _undecodable(os.environ.get(name, "")):
                where = f"la variable d'environnement {name}"
                break
    if where is None:
        return None
    if _undecodable(where):
        where = "une option"
    return (
        f"{where} : octets illisibles dans l'encodage du terminal ({encoding}) ; retapez le"
        " texte ou réglez LANG/LC_ALL — rien n'a été fait"
    )


class AlloGroup(click.Group):
    """The `allo` group: refuses undecodable arguments, and turns every failure into one line."""

    def main(self, args=None, *pargs, **kwargs):  # noqa: D102 - click API
        arguments = list(sys.argv[1:] if args is None else args)
        refusal = undecodable_argument(arguments)
        if refusal is not None:
            Fail(refusal).show()
            sys.exit(EXIT_USAGE)
        return super().main(arguments, *pargs, **kwargs)

    def invoke(self, ctx: click.Context):  # noqa: D102 - click API
        from allo_tui.data.errors import DatabaseFileError
        from allo_tui.domain.errors import AlloError

        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except (DatabaseFileError, AlloError) as error:
            raise Fail(str(error)) from None
        except Exception as error:  # noqa: BLE001 - one line for the user, details logged
            from allo_tui.data.errors import database_error, user_message

            found = database_error(error)
            if found is not None:
                raise Fail(str(found)) from None
            raise Unexpected(user_message(error)) from None


def _echo_result(text: str) -> None:
    """Print a result on stdout; a closed stdout (`| true`) is not a failure of the command.

    What was saved stays saved and the exit status stays 0: stdout is pointed at /dev/null so
    the interpreter's last flush cannot fail either, and the result goes to stderr instead.
    """
    try:
        click.echo(text)
        sys.stdout.flush()
    except OSError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass  # not a real file descriptor (tests): nothing more to protect
        try:
            click.echo(f"allo: sortie standard fermée ; résultat : {text}", err=True)
        except OSError:
            pass


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


def _trimmed(option: str, value: str) -> str:
    """`value` without its outer blanks (a name, a number: they mean nothing there); a warning
    says so when there were some."""
    if value != value.strip():
        click.echo(f"allo: attention : blancs retirés en début ou fin de {option}", err=True)
    return value.strip()


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


def _open_store(
    *,
    create: bool = True,
    demo: bool | None = None,
    initialise_empty: bool = False,
    read_only: bool = False,
):
    """Check, create or upgrade the database, then a Store on it.

    `create`: a missing file may be created. `initialise_empty`: an existing empty file may be
    initialised (`allo db init` only). `read_only`: the command only reads; a file it may not
    write is opened read-only.
    """
    from allo_tui.data.errors import DatabaseFileError
    from allo_tui.data.schema import prepare_database

    choice = _choice(demo=demo)
    try:
        outcome = prepare_database(
            choice.path,
            create=create,
            shared=choice.shared,
            initialise_empty=initialise_empty,
            read_only=read_only,
        )
    except DatabaseFileError as error:
        raise Fail(str(error)) from None
    if outcome.startswith("upgraded"):
        click.echo(f"allo: base mise à jour ({outcome})", err=True)
    from allo_tui.data.store import Store

    store = Store(choice.path)
    # Connections closed when the command ends: the WAL is checkpointed and removed.
    click.get_current_context().call_on_close(store.close)
    return store


def _resolve_operator(store, *, demo: bool):
    from allo_tui.domain.errors import UnknownOperatorError

    login = resolve_operator_login(_options().operator)
    try:
        return store.resolve_operator(login, demo=demo)
    except UnknownOperatorError as error:
        raise Fail(str(error)) from None


@click.group(
    cls=AlloGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
    store = _open_store()
    is_demo = demo or store.is_demo()
    operator = _resolve_operator(store, demo=is_demo)
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
    from allo_tui.data.errors import DatabaseFileError
    from allo_tui.demo import build_demo

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
    store = _open_store(create=False, read_only=True)
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
    """Crée la base (si besoin) au dernier schéma ; initialise un fichier vide."""
    store = _open_store(initialise_empty=True)
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
    """Vérifie l'intégrité du fichier et la version du schéma (sans rien y écrire)."""
    from allo_tui.data.schema import HEAD_REVISION, check_schema, refuse_unknown_revision

    choice = _choice()
    revision = _readable_database(choice.path)
    refuse_unknown_revision(choice.path, revision)
    integrity, foreign = _integrity(choice.path)
    problems = []
    if integrity != ["ok"]:
        problems.append("intégrité : " + "; ".join(integrity[:5]))
    if foreign:
        problems.append(f"{len(foreign)} clé(s) étrangère(s) orpheline(s)")
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


def _integrity(path: Path) -> tuple[list[str], list]:
    """`integrity_check` and `foreign_key_check`, on a read-only connection."""
    import sqlite3

    from allo_tui.data.backend.sqlite.files import BUSY_TIMEOUT_MS, read_only_uri

    connection = sqlite3.connect(read_only_uri(path, snapshot=True), uri=True)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()
    return integrity, foreign


@db.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--force", is_flag=True, help="Remplacer une sauvegarde existante (jamais la base elle-même)."
)
@_db_option
def db_backup(destination: Path, force: bool) -> None:
    """Copie la base vivante (API de sauvegarde en ligne de SQLite).

    La copie est écrite à côté de FILE puis renommée une fois complète et vérifiée : une
    panne (disque plein…) ne laisse jamais de fichier tronqué. Un fichier existant est refusé
    sans --force ; la base elle-même et un fichier qui n'est pas une base, toujours.
    """
    from allo_tui.data.backend.sqlite.backup import backup_database
    from allo_tui.data.schema import refuse_unknown_revision

    choice = _choice()
    refuse_unknown_revision(choice.path, _readable_database(choice.path))
    backup_database(choice.path, destination, replace=force)
    _echo_result(f"sauvegarde écrite : {destination}")


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
        raise Fail(
            f"{me.login} n'est pas administrateur : seul un administrateur ajoute des opérateurs"
        )
    try:
        record = store.add_operator(login, role, display_name)
    except ValidationError as error:
        raise Fail(str(error)) from None
    click.echo(f"{_line(record.login)} ({_line(record.display_name)}) : {record.role.value}")


@operator.command("list")
@_db_option
def operator_list() -> None:
    """Liste les opérateurs."""
    store = _open_store(create=False, read_only=True)
    lines = []
    for record in store.list_operators():
        state = "" if record.active else " (inactif)"
        lines.append(
            f"{_line(record.login)}\t{record.role.value}\t{_line(record.display_name)}{state}"
        )
    if lines:
        _echo_result("\n".join(lines))


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
    phone = _trimmed("--phone", _cleaned("--phone", phone))
    name = _trimmed("--name", _cleaned("--name", name))
    category = _trimmed("--category", _cleaned("--category", category))
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
    _echo_result(_line(record.reference))


def run() -> None:  # pragma: no cover - console script shim
    main()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
