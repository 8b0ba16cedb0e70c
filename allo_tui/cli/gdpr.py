"""`allo gdpr`: callers' personal data (GDPR). `export CALLER --out FILE`: everything held on
one caller as FILE.json and a readable FILE.html (right of access); `erase CALLER --reason`:
anonymise one caller now (erasure); `purge [--dry-run]`: anonymise the callers past the
retention period."""

from __future__ import annotations

import json
from pathlib import Path

import click

from allo_tui.cli.common import Fail, db_option, one_line, open_store

_LABELS = {
    "caller": "Fiche de l'appelant",
    "phones": "Téléphones",
    "requests": "Demandes",
    "calls": "Appels",
    "letters": "Courriers envoyés",
    "emails": "Courriels envoyés ou en attente",
    "events": "Historique",
}


@click.group()
def gdpr() -> None:
    """Données personnelles des appelants (RGPD)."""


def resolve_caller(store, caller: str) -> int:
    """The id of CALLER: `#id` (or a bare id) or a phone number held by exactly one caller."""
    text = caller.strip()
    if text.startswith("#") and text[1:].isdigit():
        return int(text[1:])
    from allo_tui.domain.phone import parse_phone

    if not parse_phone(text).valid and text.isdigit():
        return int(text)
    holders = store.callers_with_phone(text)
    if not holders:
        raise Fail(f"aucun appelant n'a le numéro {text}")
    if len(holders) > 1:
        ids = ", ".join(f"#{holder.id}" for holder in holders)
        raise Fail(f"plusieurs appelants ont le numéro {text} ({ids}) : désignez-en un par #id")
    return holders[0].id


def _html_value(value: object) -> str:
    from html import escape

    if isinstance(value, list):
        if not value:
            return "<p>(aucun)</p>"
        return "".join(_html_table(item) for item in value)
    if isinstance(value, dict):
        return _html_table(value)
    return escape("" if value is None else str(value))


def _html_table(item: dict[str, object]) -> str:
    from html import escape

    rows = []
    for key, value in item.items():
        label = escape(_LABELS.get(key, key))
        rows.append(f"<tr><th>{label}</th><td>{_html_value(value)}</td></tr>")
    return "<table>" + "".join(rows) + "</table>"


def render_html(data: dict[str, object], title: str) -> str:
    """A readable, self-contained HTML page of an export (every value escaped)."""
    from html import escape

    parts = [
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title>",
        "<style>body{font-family:sans-serif}table{border-collapse:collapse;margin:.3em 0}"
        "th,td{border:1px solid #aaa;padding:2px 6px;text-align:left;vertical-align:top}"
        "th{background:#eee}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    for key, value in data.items():
        parts.append(f"<h2>{escape(_LABELS.get(key, key))}</h2>{_html_value(value)}")
    parts.append("</body></html>")
    return "\n".join(parts)


@gdpr.command("export")
@click.argument("caller")
@click.option("--out", "out", required=True, metavar="FILE", help="FILE.json et FILE.html.")
@db_option
def gdpr_export(caller: str, out: str) -> None:
    """Écrit tout ce qui est conservé sur un appelant (#id ou numéro) : FILE.json et FILE.html."""
    store = open_store(read_only=True)
    caller_id = resolve_caller(store, caller)
    data = store.caller_personal_data(caller_id)
    if data is None:
        raise Fail(f"aucun appelant #{caller_id}")
    base = Path(out)
    if base.suffix.lower() in {".json", ".html"}:
        base = base.with_suffix("")
    json_path = base.with_name(base.name + ".json")
    html_path = base.with_name(base.name + ".html")
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    title = f"Données personnelles de l'appelant #{caller_id}"
    html_path.write_text(render_html(data, title), encoding="utf-8")
    click.echo(f"{json_path}\n{html_path}")


@gdpr.command("views")
@click.argument("caller")
@db_option
def gdpr_views(caller: str) -> None:
    """Qui a ouvert la fiche d'un appelant (#id ou numéro), et quand. Réservé aux administrateurs."""
    from allo_tui.cli.operators import _admin
    from allo_tui.domain.display import format_datetime

    store = open_store(read_only=True)
    _admin(store, "consulte les ouvertures de fiche")
    caller_id = resolve_caller(store, caller)
    views = store.card_views(caller_id)
    if not views:
        click.echo(f"Fiche #{caller_id} : aucune ouverture enregistrée.")
        return
    for view in views:
        when = format_datetime(view.viewed_at)
        click.echo(f"{when}  {one_line(view.login)} ({one_line(view.display_name)})")


def _counts_line(counts) -> str:
    return (
        f"{counts.requests} demande(s), {counts.events} événement(s), {counts.calls} appel(s),"
        f" {counts.phones} numéro(s), {counts.drafts} brouillon(s) nettoyés"
    )


@gdpr.command("erase")
@click.argument("caller")
@click.option("--reason", required=True, help="Motif de l'effacement (demande de l'appelant…).")
@click.option("--force", is_flag=True, help="Effacer même si une demande est encore ouverte.")
@db_option
def gdpr_erase(caller: str, reason: str, force: bool) -> None:
    """Anonymise un appelant (#id ou numéro) à sa demande. Réservé aux administrateurs.

    Nom, courriel, adresse, notes et numéros sont effacés partout où ils figurent (demandes,
    historique, appels, brouillons) ; les demandes restent pour les statistiques. Refusé tant
    qu'une demande de l'appelant est ouverte, sauf --force.
    """
    from allo_tui.cli.operators import _admin
    from allo_tui.domain.errors import AlloError

    store = open_store(create=False)
    me = _admin(store, "efface les données d'un appelant")
    caller_id = resolve_caller(store, caller)
    try:
        counts = store.erase_caller(me, caller_id, reason, force=force)
    except AlloError as error:
        raise Fail(str(error)) from None
    click.echo(f"Appelant #{caller_id} anonymisé : {_counts_line(counts)}.")


@gdpr.command("purge")
@click.option("--dry-run", is_flag=True, help="Compter sans rien changer.")
@db_option
def gdpr_purge(dry_run: bool) -> None:
    """Anonymise les appelants sans demande ouverte ni contact depuis la durée de conservation
    (réglage retention_years, 3 ans par défaut). Réservé aux administrateurs."""
    from allo_tui.cli.operators import _admin
    from allo_tui.domain.errors import AlloError

    store = open_store(create=False, read_only=dry_run)
    me = _admin(store, "purge les données personnelles")
    if dry_run:
        candidates = store.purge_candidates()
        click.echo(f"{len(candidates)} appelant(s) seraient anonymisés (rien n'a été changé).")
        return
    try:
        callers, counts = store.purge_callers(me)
    except AlloError as error:
        raise Fail(str(error)) from None
    click.echo(f"{callers} appelant(s) anonymisé(s) : {_counts_line(counts)}.")
