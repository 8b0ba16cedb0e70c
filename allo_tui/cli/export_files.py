"""The files `allo export` writes, row by row (flat memory), into a temporary file beside the
destination that takes its name only once complete: an export that fails or is interrupted
leaves no half-written file.

- CSV: `csv_fr` (French Excel);
- xlsx: XlsxWriter in constant-memory mode (each row streamed to disk), a new sheet past
  the 1,048,576 rows a sheet holds (header included), real date cells, text always a string
  cell (never a formula or a link);
- JSON: one array of objects, written an object at a time.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from allo_tui.cli.csv_fr import FrenchCsvWriter, open_french_csv
from allo_tui.cli.export_values import Layout

FORMATS = ("csv", "xlsx", "json")
SHEET_ROWS = 1_048_576
"""The rows an xlsx sheet holds, its header included (Excel's limit)."""

Advance = Callable[[int], None]
"""Told how many rows were just written (the progress bar)."""


@contextmanager
def replaced_atomically(destination: Path) -> Iterator[Path]:
    """A temporary path beside `destination`, renamed onto it when the block succeeds and
    removed when it fails."""
    handle, name = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, 0o600)  # an export may hold personal data: the owner's alone
        os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _chunks(rows: Iterable[tuple], size: int = 500) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_csv(path: Path, layout: Layout, rows: Iterable[tuple], advance: Advance) -> int:
    count = 0
    with open_french_csv(path) as stream:
        writer = FrenchCsvWriter(stream, layout.zone)
        writer.header(layout.headers)
        for chunk in _chunks(rows):
            writer.rows(layout.for_people(row) for row in chunk)
            count += len(chunk)
            advance(len(chunk))
    return count


def write_json(path: Path, layout: Layout, rows: Iterable[tuple], advance: Advance) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as stream:
        stream.write("[")
        for chunk in _chunks(rows):
            for row in chunk:
                stream.write(",\n" if count else "\n")
                stream.write(json.dumps(layout.for_programs(row), ensure_ascii=False))
                count += 1
            advance(len(chunk))
        stream.write("\n]\n" if count else "]\n")
    return count


_ILLEGAL_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Control characters XML 1.0 cannot hold (tab, line feed and carriage return it can)."""


def write_xlsx(
    path: Path,
    layout: Layout,
    rows: Iterable[tuple],
    advance: Advance,
    sheet_name: str,
) -> int:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,  # each row goes to disk once the next one starts
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "tmpdir": str(path.parent),  # its row files beside the export, not in /tmp
        },
    )
    moment = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    bold = book.add_format({"bold": True})
    zone = layout.zone
    per_sheet = SHEET_ROWS - 1
    sheets = 0
    sheet = None
    line = per_sheet
    count = 0

    def new_sheet():
        nonlocal sheets
        sheets += 1
        made = book.add_worksheet(sheet_name if sheets == 1 else f"{sheet_name} ({sheets})")
        for position, header in enumerate(layout.headers):
            made.write_string(0, position, header, bold)
        made.freeze_panes(1, 0)
        return made

    try:
        for chunk in _chunks(rows):
            for row in chunk:
                if line == per_sheet:
                    sheet = new_sheet()
                    line = 0
                line += 1
                for position, value in enumerate(layout.for_people(row)):
                    if value is None or value == "":
                        continue
                    kind = type(value)
                    if kind is str:
                        # Always a string cell: text is never taken for a formula or a link.
                        sheet.write_string(line, position, _ILLEGAL_IN_XML.sub("", value))
                    elif kind is int or kind is float:
                        sheet.write_number(line, position, value)
                    elif kind is datetime:
                        local = value.astimezone(zone).replace(tzinfo=None)
                        sheet.write_datetime(line, position, local, moment)
                    elif kind is date:
                        sheet.write_datetime(line, position, value, day)
                    elif kind is tuple:
                        text = " / ".join(value)
                        sheet.write_string(line, position, _ILLEGAL_IN_XML.sub("", text))
                    else:
                        sheet.write_string(line, position, str(value))
                count += 1
            advance(len(chunk))
        if sheet is None:
            new_sheet()
    finally:
        book.close()
    return count


def write_export(
    file_format: str,
    path: Path,
    layout: Layout,
    rows: Iterable[tuple],
    advance: Advance,
    sheet_name: str,
) -> int:
    """Write `rows` to `path` in `file_format`; the number of rows written."""
    if file_format == "csv":
        return write_csv(path, layout, rows, advance)
    if file_format == "json":
        return write_json(path, layout, rows, advance)
    return write_xlsx(path, layout, rows, advance, sheet_name)


def default_name(kind: str, file_format: str, now: datetime, zone: ZoneInfo) -> str:
    """The file an export writes when no --out is given: `export-requests-2026-12-04-1530.csv`."""
    return f"export-{kind}-{now.astimezone(zone):%Y-%m-%d-%H%M}.{file_format}"
