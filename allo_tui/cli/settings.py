"""`allo settings list | get | set`: the site settings for scripts (administrators only); each
change is checked against the registry and recorded in the audit."""

from __future__ import annotations

import click

from allo_tui.cli.common import Fail, db_option, one_line, open_store
from allo_tui.cli.operators import _admin


@click.group()
def settings() -> None:
    """Réglages du site (administrateurs)."""


@settings.command("list")
@db_option
def settings_list() -> None:
    """Liste les réglages connus et leur valeur."""
    from allo_tui.data.store.site_settings import settings_shown

    store = open_store(create=False)
    _admin(store, "consulte les réglages")
    for key, label, value in settings_shown(store):
        click.echo(f"{key}\t{one_line(value)}\t{label}")


@settings.command("get")
@click.argument("key")
@db_option
def settings_get(key: str) -> None:
    """Affiche la valeur d'un réglage."""
    from allo_tui.data.store.site_settings import setting_text, stored_settings
    from allo_tui.domain.errors import ValidationError
    from allo_tui.domain.site_settings import spec_of

    store = open_store(create=False)
    _admin(store, "consulte les réglages")
    try:
        spec = spec_of(key)
    except ValidationError as error:
        raise Fail(str(error)) from None
    click.echo(setting_text(spec, stored_settings(store)))


@settings.command("set")
@click.argument("key")
@click.argument("value")
@db_option
def settings_set(key: str, value: str) -> None:
    """Change un réglage (enregistré dans le journal d'administration)."""
    from allo_tui.data.store.site_settings import set_setting
    from allo_tui.domain.errors import ValidationError

    store = open_store(create=False)
    me = _admin(store, "change les réglages")
    try:
        stored = set_setting(store, me, key, value)
    except ValidationError as error:
        raise Fail(str(error)) from None
    click.echo(f"{key} = {one_line(stored)}")
