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


CHUNK = 500
"""Rows written per transaction: an interrupted import keeps whole chunks and resumes."""


@import_group.command("requests")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--mapping",
    "mapping_path",
    required=True,
    metavar="MAP.toml",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Correspondance des colonnes et des valeurs (TOML).",
)
@click.option("--dry-run", is_flag=True, help="Compter sans rien écrire.")
@click.option("--rejects", "rejects", metavar="FICHIER", default=None, help="Fichier des rejets.")
@db_option
def requests(source: Path, mapping_path: Path, dry_run: bool, rejects: str | None) -> None:
    """Importe les demandes d'un autre système (CSV) selon une correspondance TOML."""
    from allo_tui.domain.import_mapping import FIELDS, convert_row

    _import(
        source, mapping_path, dry_run, rejects, FIELDS, convert_row, "import_requests", "demandes"
    )


@import_group.command("callers")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--mapping",
    "mapping_path",
    required=True,
    metavar="MAP.toml",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Correspondance des colonnes (TOML).",
)
@click.option("--dry-run", is_flag=True, help="Compter sans rien écrire.")
@click.option("--rejects", "rejects", metavar="FICHIER", default=None, help="Fichier des rejets.")
@db_option
def callers(source: Path, mapping_path: Path, dry_run: bool, rejects: str | None) -> None:
    """Importe les demandeurs d'un autre système (CSV) selon une correspondance TOML."""
    from allo_tui.domain.import_mapping import CALLER_FIELDS, convert_caller

    _import(
        source,
        mapping_path,
        dry_run,
        rejects,
        CALLER_FIELDS,
        convert_caller,
        "import_callers",
        "demandeurs",
    )


def _import(source, mapping_path, dry_run, rejects, fields, convert, method, noun) -> None:
    import csv

    from allo_tui.cli.common import resolve_operator
    from allo_tui.domain.import_mapping import MappingError, RowError, load_mapping
    from allo_tui.domain.records import Role

    try:
        mapping = load_mapping(mapping_path, fields)
    except MappingError as error:
        raise Fail(str(error)) from None
    store = open_store()
    operator = resolve_operator(store, demo=store.is_demo())
    if operator.role is not Role.ADMIN:
        raise Fail("Les imports sont réservés aux administrateurs.")
    write = getattr(store, method)
    total = _count_lines(source, mapping.encoding)
    added = already = 0
    rejected: list[tuple[int, str]] = []
    chunk: list = []

    def flush() -> None:
        nonlocal added, already
        counts = write(operator, chunk, mapping.source, dry_run=dry_run)
        added += counts.added
        already += counts.already
        rejected.extend(counts.rejects)
        chunk.clear()

    try:
        with (
            source.open(encoding=mapping.encoding, newline="") as handle,
            _progress(total) as advance,
        ):
            reader = csv.DictReader(handle, delimiter=mapping.delimiter)
            if mapping.id_column not in (reader.fieldnames or []):
                raise Fail(f"{source} : pas de colonne {mapping.id_column!r}.")
            for row in reader:
                line = reader.line_num
                advance()
                try:
                    chunk.append((line, convert(mapping, row)))
                except RowError as error:
                    rejected.append((line, str(error)))
                if len(chunk) >= CHUNK:
                    flush()
            if chunk:
                flush()
    except UnicodeDecodeError:
        raise Fail(f"{source} : le fichier n'est pas en {mapping.encoding}.") from None
    rejected.sort()
    verb = "seraient" if dry_run else "ont été"
    done = "importées" if noun == "demandes" else "importés"
    lines = [
        f"{source.name} : {added} {noun} {verb} {done}, {already} déjà {done},"
        f" {len(rejected)} lignes rejetées."
    ]
    if rejected and not dry_run:
        target = _rejects_path(source, rejects)
        try:
            write_rejects(target, rejected)
        except OSError as error:
            raise Fail(f"{target} : {error.strerror}.") from None
        lines.append(f"Rejets listés dans {target}.")
    echo_result("\n".join(lines))


def _count_lines(source: Path, encoding: str) -> int:
    with source.open("rb") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


class _progress:
    """A rich progress bar on a terminal; nothing otherwise. Gives `advance()`."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar = None

    def __enter__(self):
        import sys

        if not sys.stderr.isatty():
            return lambda: None
        from rich.progress import Progress

        self.bar = Progress(transient=True)
        self.bar.start()
        task = self.bar.add_task("Import", total=self.total)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
