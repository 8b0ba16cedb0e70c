"""`allo catalogue`: categories (with their procedure, retired or restored), services (retired
only with no open request assigned) and the orientation directory, for scripts (administrators
only; every change recorded in the audit)."""

from __future__ import annotations

from collections.abc import Callable

import click

from allo_tui.cli.common import Fail, db_option, one_line, open_store
from allo_tui.cli.operators import _admin


@click.group()
def catalogue() -> None:
    """Catalogue : catégories, services, annuaire d'orientation (administrateurs)."""


def _change(what: str, action: Callable) -> None:
    """Run one change as the admin running the command; a refusal in one line."""
    from allo_tui.domain.errors import ValidationError

    store = open_store(create=False)
    me = _admin(store, what)
    try:
        action(store, me)
    except ValidationError as error:
        raise Fail(str(error)) from None


@catalogue.command("list")
@db_option
def catalogue_list() -> None:
    """Liste les catégories (retirées comprises) et leur procédure."""
    from allo_tui.data.store.admin_catalogue import all_categories

    store = open_store(create=False)
    _admin(store, "consulte le catalogue")
    for code, label, service, urgency, active, procedure in all_categories(store):
        state = "" if active else " (retirée)"
        click.echo(
            f"{code}\t{one_line(label)}{state}\t{service}\tU{urgency}\t{one_line(procedure)}"
        )


@catalogue.command("add-category")
@click.argument("code")
@click.argument("label")
@click.option("--service", "service_code", required=True, metavar="CODE")
@click.option("--urgency", type=click.IntRange(1, 4), default=3, show_default=True)
@click.option("--procedure", default="", help="Ce que l'hôtesse demande et dit.")
@db_option
def add_category(code: str, label: str, service_code: str, urgency: int, procedure: str) -> None:
    """Ajoute une catégorie, proposée aussitôt sur chaque poste."""
    from allo_tui.data.store import admin_catalogue

    _change(
        "change le catalogue",
        lambda store, me: admin_catalogue.add_category(
            store, me, code, label, service_code, urgency, procedure
        ),
    )
    click.echo(f"catégorie {code.upper()} ajoutée")


@catalogue.command("procedure")
@click.argument("code")
@click.argument("text")
@db_option
def procedure(code: str, text: str) -> None:
    """Change la procédure d'une catégorie."""
    from allo_tui.data.store import admin_catalogue

    _change(
        "change le catalogue",
        lambda store, me: admin_catalogue.set_procedure(store, me, code.upper(), text),
    )
    click.echo(f"procédure de {code.upper()} enregistrée")


@catalogue.command("retire-category")
@click.argument("code")
@click.option("--restore", is_flag=True, help="Remet la catégorie en service.")
@db_option
def retire_category(code: str, restore: bool) -> None:
    """Retire une catégorie (gardée sur les anciennes demandes), ou la rétablit."""
    from allo_tui.data.store import admin_catalogue

    _change(
        "change le catalogue",
        lambda store, me: admin_catalogue.set_category_active(store, me, code.upper(), restore),
    )
    click.echo(f"catégorie {code.upper()} {'rétablie' if restore else 'retirée'}")


@catalogue.command("add-service")
@click.argument("code")
@click.argument("name")
@click.option("--mobile", is_flag=True, help="Équipe mobile.")
@db_option
def add_service(code: str, name: str, mobile: bool) -> None:
    """Ajoute un service ou une équipe."""
    from allo_tui.data.store import admin_catalogue

    _change(
        "change le catalogue",
        lambda store, me: admin_catalogue.add_service(store, me, code, name, mobile),
    )
    click.echo(f"service {code.upper()} ajouté")


@catalogue.command("retire-service")
@click.argument("code")
@click.option("--restore", is_flag=True, help="Remet le service en activité.")
@db_option
def retire_service(code: str, restore: bool) -> None:
    """Retire un service (refusé tant qu'une demande ouverte lui est affectée), ou le rétablit."""
    from allo_tui.data.store import admin_catalogue

    _change(
        "change le catalogue",
        lambda store, me: admin_catalogue.set_service_active(store, me, code.upper(), restore),
    )
    click.echo(f"service {code.upper()} {'rétabli' if restore else 'retiré'}")


@catalogue.command("add-directory")
@click.argument("name")
@click.argument("phone")
@click.option("--hours", default="")
@click.option("--handles", default="", help="Ce que l'organisme traite.")
@db_option
def add_directory(name: str, phone: str, hours: str, handles: str) -> None:
    """Ajoute un organisme à l'annuaire d'orientation."""
    from allo_tui.data.store import admin_catalogue

    _change(
        "change l'annuaire",
        lambda store, me: admin_catalogue.add_directory_entry(
            store, me, name, phone, hours, handles
        ),
    )
    click.echo(f"{one_line(name)} ajouté à l'annuaire")


@catalogue.command("directory")
@db_option
def directory() -> None:
    """Liste l'annuaire d'orientation."""
    from allo_tui.data.store.admin_catalogue import directory_entries

    store = open_store(create=False, read_only=True)
    for _id, name, phone, hours, handles, _active in directory_entries(store):
        click.echo(f"{one_line(name)}\t{phone}\t{one_line(hours)}\t{one_line(handles)}")
