"""`allo report`: the review (bilan) as one self-contained HTML file and one CSV per table."""

from __future__ import annotations

import html
from pathlib import Path

import click

from allo_tui.cli.common import db_option, open_store
from allo_tui.domain.review import DEFINITIONS
from allo_tui.domain.review import cell_text as _number

COLOURS = ("#3465a4", "#f57900", "#73d216")


def bar_chart_svg(labels: list[str], series: list[tuple[str, list[int | float]]]) -> str:
    """Horizontal bars, one group per label and one bar per series, as inline SVG (no script,
    no external resource); a legend names the series when there are several."""
    width, bar, gap, label_width = 640, 12, 8, 250
    legend = 18 if len(series) > 1 else 0
    group = bar * len(series) + gap
    height = legend + len(labels) * group + gap
    top = max((v for _name, values in series for v in values), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img">'
    ]
    if legend:
        x = label_width
        for index, (name, _values) in enumerate(series):
            colour = COLOURS[index % len(COLOURS)]
            parts.append(
                f'<rect x="{x}" y="3" width="10" height="10" fill="{colour}"/>'
                f'<text x="{x + 14}" y="12" font-size="11">{html.escape(name)}</text>'
            )
            x += 20 + 7 * len(name)
    for row, label in enumerate(labels):
        y0 = legend + gap + row * group
        parts.append(
            f'<text x="0" y="{y0 + bar * len(series) / 2 + 4:.0f}" font-size="12">'
            f"{html.escape(label)}</text>"
        )
        for index, (_name, values) in enumerate(series):
            y = y0 + index * bar
            length = (width - label_width - 70) * values[row] / top
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar - 1}"'
                f' fill="{COLOURS[index % len(COLOURS)]}"/>'
                f'<text x="{label_width + length + 4:.1f}" y="{y + bar - 2}" font-size="10">'
                f"{_number(values[row])}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def chart_series(table) -> tuple[list[str], list[tuple[str, list[int | float]]]]:
    """A table's chart: the labels (column 0) and each charted column's values."""
    labels = [str(row[0]) for row in table.rows]
    series = [
        (table.columns[column], [row[column] or 0 for row in table.rows])
        for column in table.chart_columns
    ]
    return labels, series


_STYLE = """
@page { size: A4; margin: 15mm; }
body { font-family: sans-serif; font-size: 11pt; max-width: 180mm; margin: auto; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #999; padding: 2px 6px; }
td.n { text-align: right; }
section { page-break-inside: avoid; }
"""


def report_html(title: str, tables, lines: tuple[str, ...] = ()) -> str:
    out = [
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        *(f"<p>{html.escape(line)}</p>" for line in lines),
    ]
    for table in tables:
        out.append(f'<section id="{table.name}"><h2>{html.escape(table.title)}</h2>')
        if table.chart_columns and table.rows:
            out.append(bar_chart_svg(*chart_series(table)))
        out.append("<table><tr>")
        out.extend(f"<th>{html.escape(name)}</th>" for name in table.columns)
        out.append("</tr>")
        for row in table.rows:
            out.append("<tr>")
            for value in row:
                if isinstance(value, str):
                    out.append(f"<td>{html.escape(value)}</td>")
                else:
                    out.append(f'<td class="n">{_number(value)}</td>')
            out.append("</tr>")
        out.append("</table></section>")
    out.append('<section id="definitions"><h2>Définitions</h2><ul>')
    out.extend(f"<li>{html.escape(text)}</li>" for text in DEFINITIONS)
    out.append("</ul></section></body></html>")
    return "\n".join(out)


def _counted_again(store) -> int:
    """`Store.rebuild_review` with a progress bar on a terminal."""
    import sys

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task(TEXTS["counting"], total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return store.rebuild_review(progress)


TEXTS = {
    "counting": "Jours comptés",
    "rebuilt": "Chiffres du bilan recomptés : {days} jour(s).",
    "written": "Bilan écrit dans {out} : bilan.html et {count} fichiers CSV.",
    "period_needed": "indiquez --year ou --from et --to (ou seulement --rebuild)",
    "previous": "Comparé à la période précédente : {previous}.",
    "made_at": "Établi le {at}.",
}


@click.command()
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]), help="Début.")
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]), help="Fin.")
@click.option("--year", type=int, help="Une année entière (au lieu de --from/--to).")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--rebuild",
    is_flag=True,
    help="Recompter d'abord les chiffres de chaque jour à partir des demandes et des appels.",
)
@db_option
def report(first, last, year: int | None, out: Path | None, rebuild: bool) -> None:
    """Écrit le bilan : un fichier HTML (graphiques inclus) et un CSV par tableau."""
    from allo_tui.cli.csv_fr import FrenchCsvWriter, open_french_csv
    from allo_tui.domain.display import format_datetime
    from allo_tui.domain.review import between, period_label, review_tables, year_of

    if year is not None:
        period = year_of(year)
    elif first is not None and last is not None:
        try:
            period = between(first.date(), last.date())
        except ValueError as error:
            raise click.UsageError(str(error)) from error
    elif rebuild and out is None:
        period = None
    else:
        raise click.UsageError(TEXTS["period_needed"])
    if period is not None and out is None:
        raise click.UsageError("indiquez le dossier du bilan : --out DOSSIER")
    store = open_store(read_only=period is not None and not rebuild)
    if rebuild:
        click.echo(TEXTS["rebuilt"].format(days=_counted_again(store)))
    if period is None:
        return
    current = store.review(period)
    previous = store.review(period.previous())
    tables = review_tables(current, previous)
    out.mkdir(parents=True, exist_ok=True)
    title = f"Bilan {period_label(period)}"
    lines = (
        TEXTS["previous"].format(previous=period_label(period.previous())),
        TEXTS["made_at"].format(at=format_datetime(store.now())),
    )
    (out / "bilan.html").write_text(report_html(title, tables, lines), encoding="utf-8")
    for table in tables:
        with open_french_csv(out / f"{table.name}.csv") as stream:
            writer = FrenchCsvWriter(stream)
            writer.header(table.columns)
            writer.rows(table.rows)
    click.echo(TEXTS["written"].format(out=out, count=len(tables)))
