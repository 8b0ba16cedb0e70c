"""What every `allo` subcommand shares: the one-line failures, the `allo` group that turns
every error into one line, the options, the database choice and the Store, and the helpers
that print stored text or clean what a command is given."""

from __future__ import annotations

import functools
import os
import sys

import click
import msgspec

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
    """The `allo` group: refuses undecodable arguments, and turns every failure into one line.

    Subcommands may be registered lazily in `lazy_commands` (name -> "module:attribute"): the
    module is imported when the command is looked up, not when `allo` starts.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, str] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:  # noqa: D102 - click API
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, name: str):  # noqa: D102 - click API
        if name not in self.commands and name in self.lazy_commands:
            import importlib

            module_name, attribute = self.lazy_commands[name].split(":")
            self.add_command(getattr(importlib.import_module(module_name), attribute), name)
        return super().get_command(ctx, name)

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


def echo_result(text: str) -> None:
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


def one_line(value: str) -> str:
    """Stored text on one line of the terminal, control characters made visible."""
    return printable(value, one_line=True)


def cleaned(option: str, value: str, *, multiline: bool = False) -> str:
    """`value` given on the command line, without control characters (tab and newline stay in a
    multi-line text; a one-line value has its lines joined); a warning says what changed."""
    result = clean_text(value, multiline=multiline)
    if result.removed_controls:
        click.echo(
            f"allo: attention : {result.removed_controls} caractère(s) de contrôle retiré(s)"
            f" de {option}",
            err=True,
        )
    if result.joined_lines:
        click.echo(
            f"allo: attention : {option} tient sur une ligne, retours à la ligne remplacés"
            " par des espaces",
            err=True,
        )
    return result.text


def trimmed(option: str, value: str) -> str:
    """`value` without its outer blanks (a name, a number: they mean nothing there); a warning
    says so when there were some."""
    if value != value.strip():
        click.echo(f"allo: attention : blancs retirés en début ou fin de {option}", err=True)
    return value.strip()


class Options(msgspec.Struct):
    """The options given to `allo` itself (a subcommand's `--db` replaces `db`)."""

    db: str | None = None
    demo: bool = False
    operator: str | None = None


def db_option(function):
    """`--db` on `allo` and on every subcommand (the innermost wins)."""

    @click.option("--db", "db", metavar="PATH", default=None, help="Fichier de base de données.")
    @functools.wraps(function)
    def wrapper(*args, db: str | None = None, **kwargs):
        options = click.get_current_context().find_object(Options)
        if db and options is not None:
            options.db = db
        return function(*args, **kwargs)

    return wrapper


def current_options() -> Options:
    """The options of the running `allo` command."""
    return click.get_current_context().find_object(Options) or Options()


def database_choice(*, demo: bool | None = None) -> DatabaseChoice:
    """The database the command works on; a configuration error is one line."""
    options = current_options()
    try:
        return resolve_database(options.db, demo=options.demo if demo is None else demo)
    except ConfigError as error:
        raise Fail(str(error)) from None


def open_store(
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

    choice = database_choice(demo=demo)
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


def resolve_operator(store, *, demo: bool):
    """The operator the command acts as (`--operator`, ALLO_OPERATOR, the configuration or the
    login name); an unknown one is refused in one line."""
    from allo_tui.domain.errors import UnknownOperatorError

    login = resolve_operator_login(current_options().operator)
    try:
        return store.resolve_operator(login, demo=demo)
    except UnknownOperatorError as error:
        raise Fail(str(error)) from None


def build_demo_if_asked(choice) -> None:
    """`allo --demo serve|api`: the demo database, built on first use (one line on failure)."""
    if not current_options().demo:
        return
    from allo_tui.data.errors import DatabaseFileError
    from allo_tui.demo import build_demo

    try:
        build_demo(choice.path)
    except DatabaseFileError as error:
        raise Fail(str(error)) from None
