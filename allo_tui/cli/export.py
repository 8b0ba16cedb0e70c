"""`allo export requests|callers|calls|events`: a table as a CSV file for French Excel, an
xlsx workbook or a JSON array, read from the Store in batches (flat memory at any size),
with a progress bar on a terminal.

Who exports what: hostesses, supervisors and admins every request, call and event; a service
agent their services' requests only (and those requests' calls and events); the callers
(personal data) an admin only, and each callers export is recorded in the audit (what, how
many rows, which filters). The requests, calls and events exports carry a caller's number,
never their name or phone. Bad input is one French line, exit 2, and no file. `--out -`
writes the file to stdout (and the count to stderr).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from allo_tui.cli import export_texts as texts
from allo_tui.cli.common import (
    Fail,
    db_option,
    echo_result,
    one_line,
    open_store,
    resolve_operator,
)
from allo_tui.cli.export_files import FORMATS


@click.command("export")
@click.argument("what", type=click.Choice(["requests", "callers", "calls", "events"]))
@click.option("--from", "date_from", metavar="DATE", help="Premier jour (jj/mm/aaaa).")
@click.option("--to", "date_to", metavar="DATE", help="Dernier jour, inclus (jj/mm/aaaa).")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    metavar="STATUT",
    help="Statut (new, in_progress…, libellé français, ou open) ; répétable.",
)
@click.option(
    "--service", "services", multiple=True, metavar="CODE", help="Code du service ; répétable."
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(FORMATS),
    default=None,
    help="csv (Excel français), xlsx ou json (défaut : l'extension de --out, sinon csv).",
)
@click.option(
    "--out", "out", metavar="FICHIER", default=None, help="Fichier écrit (- : la sortie standard)."
)
@click.option("--force", is_flag=True, help="Remplacer le fichier s'il existe.")
@db_option
def export(
    what: str,
    date_from: str | None,
    date_to: str | None,
    statuses: tuple[str, ...],
    services: tuple[str, ...],
    file_format: str | None,
    out: str | None,
    force: bool,
) -> None:
    """Exporte les demandes, demandeurs, appels ou événements (CSV, xlsx ou JSON)."""
    from allo_tui.domain.exports import (
        ExportFilter,
        ExportKind,
        check_filters_apply,
        check_may_export,
        check_period,
        parse_day,
        parse_statuses,
    )

    kind = ExportKind(what)
    first = parse_day("--from", date_from) if date_from else None
    last = parse_day("--to", date_to) if date_to else None
    check_period(first, last)
    chosen = parse_statuses(statuses)
    to_stdout = out == "-"
    file_format = file_format or ("csv" if to_stdout else _format_of(out))
    if to_stdout and file_format == "xlsx" and sys.stdout.isatty():
        raise Fail(texts.XLSX_ON_TERMINAL)
    store = open_store(create=False, read_only=kind is not ExportKind.CALLERS)
    operator = resolve_operator(store, demo=store.is_demo())
    check_may_export(operator.role, kind)  # refused before any file is made
    filters = ExportFilter(
        date_from=first,
        date_to=last,
        statuses=chosen,
        service_ids=_service_ids(store, services),
    )
    check_filters_apply(kind, filters)

    def written(count: int) -> None:
        # Recorded before the file takes its name: no callers file without its audit row.
        if kind is ExportKind.CALLERS:
            store.record_callers_export(operator, filters, count, file_format)

    zone = store.calendar().zone
    if to_stdout:
        count = _to_stdout(store, operator, kind, filters, file_format, zone, written)
        click.echo(texts.WRITTEN_STDOUT.format(count=f"{count:,}".replace(",", " ")), err=True)
        return
    if out is None:
        from allo_tui.cli.export_files import default_name

        out = default_name(what, file_format, store.now(), zone)
    path = _destination(out, force)

    count = _write(store, operator, kind, filters, file_format, path, zone, written)
    echo_result(texts.WRITTEN.format(count=f"{count:,}".replace(",", " "), path=one_line(out)))


def _to_stdout(store, operator, kind, filters, file_format, zone, written) -> int:
    """Write the export whole in a private temporary file, then copy it to stdout: a failed
    read leaves nothing half-written downstream. A reader that stops early (`| head`) is not
    a failure."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="allo-export-") as folder:
        path = Path(folder) / f"export.{file_format}"
        count = _write(store, operator, kind, filters, file_format, path, zone, written)
        try:
            with path.open("rb") as source:
                shutil.copyfileobj(source, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # the interpreter's last flush cannot fail
    return count


def _format_of(out: str | None) -> str:
    if out is None:
        return "csv"
    suffix = Path(out).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix:
        raise Fail(texts.UNKNOWN_FORMAT.format(path=one_line(out)))
    return "csv"


def _service_ids(store, codes: tuple[str, ...]) -> tuple[int, ...]:
    if not codes:
        return ()
    known = {service.code.upper(): service.id for service in store.services()}
    chosen: list[int] = []
    for code in codes:
        service_id = known.get(code.strip().upper())
        if service_id is None:
            raise Fail(
                texts.UNKNOWN_SERVICE.format(code=one_line(code), known=", ".join(sorted(known)))
            )
        if service_id not in chosen:
            chosen.append(service_id)
    return tuple(chosen)


def _destination(out: str, force: bool) -> Path:
    path = Path(out).expanduser()
    if path.exists() and (path.is_dir() or not force):
        raise Fail(texts.EXISTS.format(path=one_line(out)))
    if not path.parent.is_dir():
        raise Fail(texts.NO_FOLDER.format(path=one_line(out)))
    return path


def _write(store, operator, kind, filters, file_format, path: Path, zone, written) -> int:
    """Read and write with a progress bar on a terminal; the rows written. `written(count)`
    runs once the rows are in the temporary file, before it takes its name."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from allo_tui.cli.export_files import replaced_atomically, write_export
    from allo_tui.cli.export_values import Layout

    on_terminal = sys.stderr.isatty()
    with store.export_rows(operator, kind, filters) as export_rows:
        layout = Layout(export_rows.columns, zone)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            transient=True,
            disable=not on_terminal,
        ) as bar:
            task = bar.add_task(
                texts.PROGRESS.format(what=texts.SHEET_NAMES[kind].lower()),
                total=export_rows.total,
            )

            def advance(rows: int) -> None:
                bar.advance(task, rows)

            try:
                with replaced_atomically(path) as temporary:
                    count = write_export(
                        file_format,
                        temporary,
                        layout,
                        export_rows.rows,
                        advance,
                        texts.SHEET_NAMES[kind],
                    )
                    written(count)
                    return count
            except OSError as error:
                raise Fail(
                    texts.CANNOT_WRITE.format(path=one_line(str(path)), reason=error.strerror)
                ) from None
