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
