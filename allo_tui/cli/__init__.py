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

Layout: `common` holds what every subcommand shares (the one-line failures, the `allo` group
class, the options, the Store); `console` the commands that open an application (`allo`,
`demo`, `board`); `db`, `operators` and `requests` their command groups. This module defines
the `allo` group and names them in `SUBCOMMANDS`, imported only when one runs.
"""

from __future__ import annotations

import sys

import click

from allo_tui.cli.common import (
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    AlloGroup,
    Fail,
    Options,
    Unexpected,
    undecodable_argument,
)
from allo_tui.cli.console import run_console

__all__ = [
    "EXIT_UNEXPECTED",
    "EXIT_USAGE",
    "Fail",
    "Unexpected",
    "main",
    "run",
    "undecodable_argument",
]


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
@click.option(
    "--login",
    is_flag=True,
    help="Ouvrir sur l'écran d'identification (mot de passe), comme dans un navigateur.",
)
@click.version_option(package_name="allo-tui", prog_name="allo")
@click.pass_context
def main(ctx: click.Context, db: str | None, demo: bool, operator: str | None, login: bool) -> None:
    """allo — la console Allô Mairie (sans sous-commande : ouvre la console)."""
    ctx.obj = Options(db=db, demo=demo, operator=operator)
    if login and ctx.invoked_subcommand is not None:
        raise Fail("--login ouvre la console : il ne s'emploie pas avec une sous-commande")
    if ctx.invoked_subcommand is None:
        run_console(demo=demo, login=login)


# The subcommands, by name: "module:attribute" of the click command or group. A module is
# imported only when its command runs (or `--help` lists them), so the console's start-up does
# not pay for what it does not use. Register a new subcommand by adding one line here.
SUBCOMMANDS: dict[str, str] = {
    "demo": "allo_tui.cli.console:demo",
    "board": "allo_tui.cli.console:board",
    "serve": "allo_tui.cli.serve:serve",
    "db": "allo_tui.cli.db:db",
    "operator": "allo_tui.cli.operators:operator",
    "request": "allo_tui.cli.requests:request",
    "export": "allo_tui.cli.export:export",
    "settings": "allo_tui.cli.settings:settings",
    "catalogue": "allo_tui.cli.catalogue:catalogue",
    "import": "allo_tui.cli.imports:import_group",
    "callers": "allo_tui.cli.callers:callers",
    "gdpr": "allo_tui.cli.gdpr:gdpr",
    "replies": "allo_tui.cli.replies:replies",
    "report": "allo_tui.cli.report:report",
    "api": "allo_tui.cli.api:api",
}
main.lazy_commands.update(SUBCOMMANDS)


def run() -> None:  # pragma: no cover - console script shim
    main()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
