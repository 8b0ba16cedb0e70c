"""`allo operator`: add (or change) and list the operators."""

from __future__ import annotations

import click

from allo_tui.cli.common import (
    Fail,
    db_option,
    echo_result,
    one_line,
    open_store,
    resolve_operator,
)


@click.group()
def operator() -> None:
    """Gestion des opérateurs."""


@operator.command("add")
@click.argument("login")
@click.option(
    "--role",
    type=click.Choice(["operator", "supervisor", "admin", "service"]),
    default="operator",
    show_default=True,
)
@click.option("--name", "display_name", default="", help="Nom affiché.")
@click.option(
    "--service",
    "services",
    multiple=True,
    metavar="CODE",
    help="Service d'un agent de service (code du catalogue, ex. VOIRIE) ; répétable.",
)
@db_option
def operator_add(login: str, role: str, display_name: str, services: tuple[str, ...]) -> None:
    """Ajoute (ou modifie) un opérateur. Réservé aux administrateurs, sauf base vide.

    Un agent de service (--role service) est rattaché à un ou plusieurs services (--service).
    """
    from allo_tui.domain.errors import ValidationError
    from allo_tui.domain.records import Role

    store = open_store()
    me = resolve_operator(store, demo=store.is_demo())  # on an empty database: the first admin
    if not me.role.includes(Role.ADMIN):
        raise Fail(
            f"{me.login} n'est pas administrateur : seul un administrateur ajoute des opérateurs"
        )
    try:
        record = store.add_operator(login, role, display_name, services)
    except ValidationError as error:
        raise Fail(str(error)) from None
    attached = f" ({', '.join(record.service_codes)})" if record.service_codes else ""
    click.echo(
        f"{one_line(record.login)} ({one_line(record.display_name)}) :"
        f" {record.role.value}{attached}"
    )


@operator.command("list")
@db_option
def operator_list() -> None:
    """Liste les opérateurs."""
    store = open_store(create=False, read_only=True)
    lines = []
    for record in store.list_operators():
        state = "" if record.active else " (inactif)"
        services = ",".join(record.service_codes) or "-"
        lines.append(
            f"{one_line(record.login)}\t{record.role.value}\t{one_line(record.display_name)}"
            f"{state}\t{services}"
        )
    if lines:
        echo_result("\n".join(lines))
