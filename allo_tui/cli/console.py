"""`allo` without a subcommand, `allo demo` and `allo board`: the commands that open a
Textual application (imported only when it runs)."""

from __future__ import annotations

import click

from allo_tui.cli.common import (
    Fail,
    current_options,
    database_choice,
    db_option,
    open_store,
    resolve_operator,
)


def run_console(*, demo: bool, login: bool = False) -> None:
    """Open the console on the chosen database, as the resolved operator; with `login`, on
    the login screen instead (a served session: `allo serve` runs `allo --login`).

    A console whose login gets disabled meanwhile ends with one line saying so.
    """
    store = open_store()
    is_demo = demo or store.is_demo()
    if login:
        from allo_tui.served import run_served

        run_served(store, demo=is_demo)
        return
    operator = resolve_operator(store, demo=is_demo)
    from allo_tui.app import console_app
    from allo_tui.session_guard import SessionGuard

    app = console_app(store, operator, demo=is_demo)
    app.session_guard = guard = SessionGuard()
    app.run()
    if guard.logout_reason is not None:
        raise Fail(guard.logout_reason)


@click.command()
@click.option("--callers", type=click.IntRange(1), default=None, help="Nombre de demandeurs.")
@click.option(
    "--requests", "requests_", type=click.IntRange(1), default=None, help="Nombre de demandes."
)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--no-run", is_flag=True, help="Créer la base sans ouvrir la console.")
@db_option
def demo(callers: int | None, requests_: int | None, seed: int, no_run: bool) -> None:
    """Ouvre la console sur la base de démonstration (créée au premier usage).

    \b
    Identifiants de démonstration, mot de passe « demo-IDENTIFIANT » (écran
    d'identification de allo serve et de allo --login) :
    amartin, bdurand (hôtesses), csuper (superviseur), admin (administrateur),
    dmoreau (Voirie), elefevre (Propreté), fgarnier (Espaces verts),
    gbernard (Éclairage), hpetit (Signalisation), iroux (équipe mobile).
    Exemple : dmoreau / demo-dmoreau.
    """
    from allo_tui.data.errors import DatabaseFileError
    from allo_tui.demo import build_demo

    options = current_options()
    options.demo = True
    choice = database_choice(demo=True)
    try:
        summary = build_demo(choice.path, callers=callers, requests=requests_, seed=seed)
    except DatabaseFileError as error:
        raise Fail(str(error)) from None
    if summary is not None and getattr(summary, "requests", 0):
        click.echo(
            f"base de démonstration prête : {choice.label} "
            f"({summary.callers} demandeurs, {summary.requests} demandes)",
            err=True,
        )
        _demo_logins()
    if not no_run:
        run_console(demo=True)


def _demo_logins() -> None:
    """Give the named demo logins without a password theirs (a demo built before passwords
    existed), and print them all."""
    from allo_tui.demo.operators import DEMO_LOGINS, demo_password, demo_passwords_text

    store = open_store(demo=True)
    states = store.login_states()
    for login, _name, _role in DEMO_LOGINS:
        if login in states and not states[login].password_set:
            store.set_password(login, demo_password(login))
    click.echo(demo_passwords_text(), err=True)


@click.command()
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
@db_option
def board(services: tuple[str, ...], urgency: int | None, page_seconds: float) -> None:
    """Tableau mural des interventions ouvertes (lecture seule, sans identification)."""
    store = open_store(create=False, read_only=True)
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
