"""`allo import streets FILE`: the street register from the national address base's CSV (BAN)
or a FANTOIR-style list, upserted by name; a count report, `--dry-run` to see it first, and the
lines that could not be read in a reject file."""

from __future__ import annotations

from pathlib import Path

import click

from allo_tui.cli.common import Fail, db_option, echo_result, open_store


def _rejects_path(source: Path, given: str | None) -> Path:
    if given:
        return Path(given)
    return source.with_name(source.stem + ".rejets.csv")


def write_rejects(path: Path, rejects: list[tuple[int, str]]) -> None:
    """The rejected lines as `ligne;motif` (UTF-8)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("ligne;motif\n")
        for line, reason in rejects:
            handle.write(f"{line};{reason}\n")


@click.group("import")
def import_group() -> None:
    """Importe des voies, demandeurs ou demandes d'un autre système."""


@import_group.command("streets")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Compter sans rien écrire.")
@click.option("--rejects", "rejects", metavar="FICHIER", default=None, help="Fichier des rejets.")
@db_option
def streets(source: Path, dry_run: bool, rejects: str | None) -> None:
    """Importe les voies d'un fichier BAN (adresses-*.csv) ou FANTOIR (nature;libelle;categorie)."""
    from allo_tui.domain.street_import import read_streets

    try:
        with source.open(encoding="utf-8-sig", newline="") as handle:
            parsed = read_streets(handle)
    except UnicodeDecodeError:
        raise Fail(f"{source} : le fichier n'est pas en UTF-8.") from None
    except ValueError as error:
        raise Fail(f"{source} : {error}.") from None
    verb = "seraient" if dry_run else "ont été"
    lines = [
        f"{source.name} ({parsed.format}) : {parsed.rows} lignes, {len(parsed.streets)} voies.",
    ]
    if parsed.rejects:
        target = _rejects_path(source, rejects)
        if not dry_run:
            try:
                write_rejects(target, parsed.rejects)
            except OSError as error:
                raise Fail(f"{target} : {error.strerror}.") from None
            lines.append(f"{len(parsed.rejects)} lignes rejetées, listées dans {target}.")
        else:
            lines.append(f"{len(parsed.rejects)} lignes seraient rejetées.")
    store = open_store()
    counts = store.import_streets(parsed.streets, dry_run=dry_run)
    lines[1:1] = [
        f"{counts.added} {verb} ajoutées, {counts.updated} mises à jour, "
        f"{counts.unchanged} déjà présentes."
    ]
    echo_result("\n".join(lines))
