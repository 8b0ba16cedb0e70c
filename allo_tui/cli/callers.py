"""`allo callers`: the callers' records (`duplicates`: likely duplicates to merge)."""

from __future__ import annotations

import click

from allo_tui.cli.common import db_option, one_line, open_store


@click.group()
def callers() -> None:
    """Fiches des appelants."""


@callers.command("duplicates")
@db_option
def callers_duplicates() -> None:
    """Liste les doublons probables (même numéro, ou même nom et adresse)."""
    store = open_store(read_only=True)
    groups = store.duplicate_callers()
    if not groups:
        click.echo("Aucun doublon probable.")
        return
    for group in groups:
        click.echo(f"Doublons probables ({', '.join(group.reasons)}) :")
        for caller in group.callers:
            name = " ".join(part for part in (caller.surname, caller.given_name) if part)
            address = " ".join(part for part in (caller.street_number, caller.street) if part)
            details = [name or "(sans nom)"]
            if address:
                details.append(address)
            if caller.phone_displays:
                details.append(", ".join(caller.phone_displays))
            click.echo(f"  #{caller.id}  " + one_line(" — ".join(details)))
    click.echo(f"{len(groups)} groupe(s).")


@callers.command("merge")
@click.argument("kept")
@click.argument("others", nargs=-1, required=True)
@click.option("--yes", is_flag=True, help="Fusionner sans demander confirmation.")
@db_option
def callers_merge(kept: str, others: tuple[str, ...], yes: bool) -> None:
    """Fusionne les fiches OTHERS dans la fiche KEPT (#id ou numéro de téléphone).

    La fiche gardée prend les numéros, demandes, appels et champs vides des autres (un champ
    rempli n'est jamais remplacé) ; les autres fiches sont supprimées, leur contenu gardé dans
    l'historique des fusions. Superviseurs et administrateurs.
    """
    from allo_tui.cli.common import Fail, resolve_operator
    from allo_tui.cli.gdpr import resolve_caller
    from allo_tui.domain.errors import AlloError

    store = open_store(create=False)
    me = resolve_operator(store, demo=store.is_demo())
    kept_id = resolve_caller(store, kept)
    other_ids = [resolve_caller(store, other) for other in others]
    try:
        records = [store.get_caller(caller_id) for caller_id in (kept_id, *other_ids)]
    except AlloError as error:
        raise Fail(str(error)) from None
    keeper, *merged = records
    click.echo(f"Fiche gardée : #{keeper.id}  {one_line(_summary(keeper))}")
    for record in merged:
        click.echo(f"Fusionnée    : #{record.id}  {one_line(_summary(record))}")
    if not yes and not _agreed():
        raise Fail("rien n'a été fusionné")
    try:
        result = store.merge_callers(
            me, keeper.id, keeper.version, [(record.id, record.version) for record in merged]
        )
    except AlloError as error:
        raise Fail(str(error)) from None
    phones = ", ".join(phone.display for phone in result.phones)
    click.echo(f"{len(merged)} fiche(s) fusionnée(s) dans #{result.id} — {one_line(phones)}")


def _summary(record) -> str:
    """Name, address and numbers of a caller, on one line."""
    address = " ".join(p for p in (record.street_number, record.street, record.city) if p)
    phones = ", ".join(phone.display for phone in record.phones)
    return " — ".join(p for p in (record.display_name or "(sans nom)", address, phones) if p)


def _agreed() -> bool:
    """The French yes/no question before a merge (o/oui; anything else is no)."""
    answer = click.prompt("Fusionner ? (o/N)", default="", show_default=False)
    return answer.strip().lower() in ("o", "oui", "y", "yes")
