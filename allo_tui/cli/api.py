"""`allo api`: the Open311 GeoReport v2 API for other systems (the town's website, a citizen
app), served by uvicorn; `allo api key add | revoke | list`: the keys that may POST requests
(administrators only)."""

from __future__ import annotations

import click

from allo_tui.cli.common import (
    Fail,
    build_demo_if_asked,
    database_choice,
    db_option,
    echo_result,
    one_line,
    open_store,
    resolve_operator,
)

TEXTS = {
    "serving": "API Open311 GeoReport v2 : {url}",
    "example": "exemple : curl {url}services.json",
    "database": "base : {database}",
    "stop": "Ctrl+C pour arrêter.",
    "not_local": (
        "attention : servie sur {host}, hors de cette machine ; sans TLS les clés d'API "
        "circulent en clair (placez un proxy inverse HTTPS devant, voir le README)"
    ),
    "cannot_listen": "impossible d'écouter sur {host}:{port} : {reason}",
    "not_admin": "{login} n'est pas administrateur : seul un administrateur gère les clés d'API",
    "key_added": "clé {name} (écrit sous l'identifiant {login}) :",
    "key_once": "notez-la maintenant : elle ne sera plus affichée.",
    "revoked": "clé {name} révoquée",
    "no_keys": "aucune clé d'API",
    "active": "active",
    "revoked_on": "révoquée le {day}",
}
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@click.group(invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=8311, show_default=True, type=click.IntRange(0, 65535))
@db_option
@click.pass_context
def api(context: click.Context, host: str, port: int) -> None:
    """API Open311 GeoReport v2 (services, demandes ; dépôt avec une clé d'API).

    Sans sous-commande : sert l'API sur --host:--port jusqu'à Ctrl+C.
    """
    if context.invoked_subcommand is not None:
        return
    import errno
    import socket

    import uvicorn

    from allo_tui.api.server import create_app

    choice = database_choice()
    build_demo_if_asked(choice)
    store = open_store()
    url = f"http://{host}:{port}/"
    try:  # a port already taken is one line, before uvicorn starts
        with socket.create_server((host, port), reuse_port=False):
            pass
    except OSError as error:
        reason = "adresse déjà utilisée" if error.errno == errno.EADDRINUSE else error.strerror
        raise Fail(TEXTS["cannot_listen"].format(host=host, port=port, reason=reason)) from None
    click.echo(TEXTS["serving"].format(url=url))
    click.echo(TEXTS["example"].format(url=url))
    click.echo(TEXTS["database"].format(database=choice.label))
    if host not in LOCAL_HOSTS:
        click.echo(TEXTS["not_local"].format(host=host), err=True)
    click.echo(TEXTS["stop"])
    config = uvicorn.Config(
        create_app(store), host=host, port=port, log_level="warning", access_log=False
    )
    uvicorn.Server(config).run()


@api.group("key")
def key() -> None:
    """Clés d'API (administrateurs)."""


def _admin(store):
    from allo_tui.domain.records import Role

    me = resolve_operator(store, demo=store.is_demo())
    if not me.role.includes(Role.ADMIN):
        raise Fail(TEXTS["not_admin"].format(login=me.login))
    return me


@key.command("add")
@click.argument("name")
@db_option
def key_add(name: str) -> None:
    """Crée une clé d'API nommée NAME (le système qui l'utilise) et l'affiche, une fois."""
    from allo_tui.data.store.open311 import add_api_key
    from allo_tui.domain.errors import ValidationError

    store = open_store()
    admin = _admin(store)
    try:
        secret, info = add_api_key(store, admin, name)
    except ValidationError as error:
        raise Fail(error.message) from None
    click.echo(TEXTS["key_added"].format(name=info.name, login=one_line(info.login)), err=True)
    echo_result(secret)
    click.echo(TEXTS["key_once"], err=True)


@key.command("revoke")
@click.argument("name")
@db_option
def key_revoke(name: str) -> None:
    """Révoque la clé NAME : refusée aussitôt ; les demandes déjà déposées restent."""
    from allo_tui.data.store.open311 import revoke_api_key
    from allo_tui.domain.errors import ValidationError

    store = open_store()
    admin = _admin(store)
    try:
        revoke_api_key(store, admin, name)
    except ValidationError as error:
        raise Fail(error.message) from None
    click.echo(TEXTS["revoked"].format(name=one_line(name.strip())))


@key.command("list")
@db_option
def key_list() -> None:
    """Liste les clés : nom, début de la clé, identifiant, création, état."""
    from allo_tui.data.store.open311 import api_keys

    store = open_store(create=False, read_only=True)
    calendar = store.calendar()
    keys = api_keys(store)
    if not keys:
        click.echo(TEXTS["no_keys"])
        return
    for info in keys:
        created = calendar.to_local(info.created_at).strftime("%d/%m/%Y %H:%M")
        state = (
            TEXTS["active"]
            if info.revoked_at is None
            else TEXTS["revoked_on"].format(
                day=calendar.to_local(info.revoked_at).strftime("%d/%m/%Y")
            )
        )
        click.echo(
            f"{info.name}\t{info.prefix}…\t{one_line(info.login)}\t{created}"
            f" ({one_line(info.created_by)})\t{state}"
        )
