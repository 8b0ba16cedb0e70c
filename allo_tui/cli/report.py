"""`allo report`: the review (bilan) as one self-contained HTML file and one CSV per table."""

from __future__ import annotations

import html
from pathlib import Path

import click

from allo_tui.cli.common import db_option, open_store


def _number(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def bar_chart_svg(labels: list[str], values: list[float]) -> str:
    """A horizontal bar chart as inline SVG (no script, no external resource)."""
    width, bar, gap, label_width = 640, 16, 6, 260
    height = len(labels) * (bar + gap) + gap
    top = max(values, default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img">'
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = gap + index * (bar + gap)
        length = (width - label_width - 70) * value / top
        parts.append(
            f'<text x="0" y="{y + bar - 3}" font-size="12">{html.escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar}" fill="#3465a4"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar - 3}" font-size="12">'
            f"{_number(value)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


_STYLE = """
@page { size: A4; margin: 15mm; }
body { font-family: sans-serif; font-size: 11pt; max-width: 180mm; margin: auto; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #999; padding: 2px 6px; }
td.n { text-align: right; }
section { page-break-inside: avoid; }
"""


def report_html(title: str, tables) -> str:
    out = [
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for table in tables:
        out.append(f'<section id="{table.name}"><h2>{html.escape(table.title)}</h2>')
        if table.chart_column is not None and table.rows:
            labels = [
                " ".join(c for c in row[: table.chart_column] if isinstance(c, str))
                for row in table.rows
            ]
            values = [float(row[table.chart_column] or 0) for row in table.rows]
            out.append(bar_chart_svg(labels, values))
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
    out.append("</body></html>")
    return "\n".join(out)


@click.command()
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]), help="Début.")
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]), help="Fin.")
@click.option("--year", type=int, help="Une année entière (au lieu de --from/--to).")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True)
@db_option
def report(first, last, year: int | None, out: Path) -> None:
    """Écrit le bilan : un fichier HTML (graphiques inclus) et un CSV par tableau."""
    from allo_tui.cli.csv_fr import FrenchCsvWriter, open_french_csv
    from allo_tui.domain.review import between, period_label, review_tables, year_of

    if year is not None:
        period = year_of(year)
    elif first is not None and last is not None:
        try:
            period = between(first.date(), last.date())
        except ValueError as error:
            raise click.UsageError(str(error)) from error
    else:
        raise click.UsageError("indiquez --year ou --from et --to")
    store = open_store(read_only=True)
    current = store.review(period)
    previous = store.review(period.previous())
    tables = review_tables(current, previous)
    out.mkdir(parents=True, exist_ok=True)
    title = f"Bilan {period_label(period)}"
    (out / "bilan.html").write_text(report_html(title, tables), encoding="utf-8")
    for table in tables:
        with open_french_csv(out / f"{table.name}.csv") as stream:
            writer = FrenchCsvWriter(stream)
            writer.header(table.columns)
            writer.rows(table.rows)
    click.echo(f"Bilan écrit dans {out} : bilan.html et {len(tables)} fichiers CSV.")
