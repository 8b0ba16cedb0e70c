"""`allo operator`: add (or change) and list the operators; their passwords (`passwd`), and
`disable`, `enable`, `unlock` their logins. Every command but `list` is an admin's."""

from __future__ import annotations

import sys

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

    store = open_store()
    _admin(store, "ajoute des opérateurs")
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
    states = store.login_states()
    calendar = store.calendar()
    for record in store.list_operators():
        state = "" if record.active else " (désactivé)"
        services = ",".join(record.service_codes) or "-"
        login = states.get(record.login)
        password = "mot de passe" if login and login.password_set else "sans mot de passe"
        if login and login.locked_until:
            until = calendar.to_local(login.locked_until).strftime("%d/%m %H:%M")
            password += f", bloqué jusqu'à {until}"
        lines.append(
            f"{one_line(record.login)}\t{record.role.value}\t{one_line(record.display_name)}"
            f"{state}\t{services}\t{password}"
        )
    if lines:
        echo_result("\n".join(lines))


def _admin(store, what: str):
    """The operator running the command, who must be an admin (on an empty database the first
    one becomes admin, as for `operator add`)."""
    from allo_tui.domain.records import Role

    me = resolve_operator(store, demo=store.is_demo())
    if not me.role.includes(Role.ADMIN):
        raise Fail(f"{me.login} n'est pas administrateur : seul un administrateur {what}")
    return me


def _on_terminal() -> bool:
    """True when stdin is a terminal (the password is then typed twice, hidden)."""
    return sys.stdin is not None and sys.stdin.isatty()


def _read_password() -> str:
    """The new password: typed twice, hidden, on a terminal; else one line of stdin."""
    if _on_terminal():
        first = click.prompt(TEXTS["prompt"], hide_input=True, default="", show_default=False)
        second = click.prompt(TEXTS["again"], hide_input=True, default="", show_default=False)
        if first != second:
            raise Fail(TEXTS["mismatch"])
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise Fail(TEXTS["no_input"])
    return line.removesuffix("\n").removesuffix("\r")


TEXTS = {
    "prompt": "Nouveau mot de passe",
    "again": "Le même, encore une fois",
    "mismatch": "les deux saisies diffèrent : mot de passe inchangé",
    "no_input": "aucun mot de passe lu sur l'entrée standard : mot de passe inchangé",
    "passwd": "{login} : mot de passe enregistré",
    "disable": "{login} : désactivé (refusé sur toutes les consoles d'ici quelques secondes)",
    "enable": "{login} : réactivé",
    "unlock": "{login} : débloqué",
}


@operator.command("passwd")
@click.argument("login")
@db_option
def operator_passwd(login: str) -> None:
    """Définit le mot de passe d'un opérateur (connexion par navigateur, allo serve).

    Tapé deux fois sans écho sur un terminal ; sinon lu sur une ligne de l'entrée standard.
    Réservé aux administrateurs.
    """
    from allo_tui.data.store.admin_people import reset_password
    from allo_tui.domain.errors import ValidationError

    store = open_store()
    me = _admin(store, "définit les mots de passe")
    if store.get_operator(login.strip()) is None:
        from allo_tui.domain.errors import UnknownOperatorError

        raise Fail(str(UnknownOperatorError(login)))
    password = _read_password()
    try:
        reset_password(store, me, login, password)  # the audit says who set it, never what
    except ValidationError as error:
        raise Fail(f"{error} Mot de passe inchangé.") from None
    echo_result(TEXTS["passwd"].format(login=one_line(login.strip())))


@operator.command("disable")
@click.argument("login")
@db_option
def operator_disable(login: str) -> None:
    """Désactive un identifiant : refusé partout (consoles, commandes, navigateur).

    Le dernier administrateur actif ne peut pas être désactivé. Réservé aux administrateurs.
    """
    _switch(login, active=False)


@operator.command("enable")
@click.argument("login")
@db_option
def operator_enable(login: str) -> None:
    """Réactive un identifiant désactivé. Réservé aux administrateurs."""
    _switch(login, active=True)


@operator.command("unlock")
@click.argument("login")
@db_option
def operator_unlock(login: str) -> None:
    """Débloque un identifiant bloqué après trop d'essais manqués. Réservé aux administrateurs."""
    store = open_store()
    _admin(store, "débloque les identifiants")
    record = store.unlock_operator(login)
    echo_result(TEXTS["unlock"].format(login=one_line(record.login)))


def _switch(login: str, *, active: bool) -> None:
    from allo_tui.data.store.admin_people import set_active
    from allo_tui.domain.errors import UnknownOperatorError, ValidationError

    store = open_store()
    me = _admin(store, "active ou désactive les identifiants")
    try:
        set_active(store, me, login, active)  # with its audit row
    except (ValidationError, UnknownOperatorError) as error:
        raise Fail(str(error)) from None
    echo_result(TEXTS["enable" if active else "disable"].format(login=one_line(login.strip())))
