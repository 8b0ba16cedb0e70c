"""CSV files for a French spreadsheet (Excel, LibreOffice set to French), written row by row.

One writer for every CSV the `allo` command writes (`allo export`, the review's tables):

- UTF-8 with a byte order mark (Excel then reads accents right), `;` between cells (the comma
  is the French decimal separator), CRLF line ends, a cell quoted only when it must be;
- timestamps (aware) in the site's time, Paris by default: `dd/mm/yyyy HH:MM`; dates
  `dd/mm/yyyy`; decimals with a comma (`47,798`); booleans `Oui`/`Non`; None empty; a list
  or tuple joined with ` / ` (a caller's phones);
- text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or
  a carriage return, OWASP's CSV injection list) is written with a leading single quote, so
  it shows as typed and runs nothing. Numbers are numbers, never escaped: `-1,5` stays one.
  Phone numbers are written in national format (`03 86 12 34 56`), which needs no quote.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
ENCODING = "utf-8-sig"
"""UTF-8 with a byte order mark: open the file with it (and `newline=""`)."""
DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may take for the start of a formula (OWASP, CSV injection)."""
LIST_SEPARATOR = " / "


_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def safe_text(text: str) -> str:
    """Text a spreadsheet shows as typed: a leading quote before a formula's first character."""
    return "'" + text if text and text[0] in _FORMULA_FIRST else text


def decimal_text(value: float | Decimal) -> str:
    """A decimal number with a comma, without trailing zeros (`47.5` -> `47,5`)."""
    if isinstance(value, Decimal):
        text = format(value, "f")
    else:
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        text = f"{value:.10f}".rstrip("0").rstrip(".")
        if text in ("-0", ""):
            text = "0"
    return text.replace(".", ",")


def local_minute(value: datetime, zone: ZoneInfo = PARIS) -> str:
    """An aware timestamp as `dd/mm/yyyy HH:MM` in `zone` (strftime is four times slower)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the CSV writer; use aware UTC")
    at = value.astimezone(zone)
    return f"{at.day:02d}/{at.month:02d}/{at.year:04d} {at.hour:02d}:{at.minute:02d}"


def _day(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


_BY_TYPE = {str: safe_text, int: str, type(None): lambda _value: ""}
"""The common types, formatted without walking the isinstance chain (a bool is not an int
here: `type()` is exact)."""


def cell(value: Any, zone: ZoneInfo = PARIS) -> str:
    """One value as the French CSV cell shows it (see the module docstring)."""
    fast = _BY_TYPE.get(type(value))
    if fast is not None:
        return fast(value)
    if isinstance(value, datetime):
        return local_minute(value, zone)
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return decimal_text(value)
    if isinstance(value, date):
        return _day(value)
    if isinstance(value, list | tuple):
        # Only the cell's first character matters to a spreadsheet: the joined text is
        # escaped once.
        parts = (item if isinstance(item, str) else cell(item, zone) for item in value)
        return safe_text(LIST_SEPARATOR.join(parts))
    return safe_text(str(value))


class FrenchCsvWriter:
    """Rows of Python values written as French CSV on a text stream opened with `ENCODING`
    and `newline=""` (`open_french_csv` opens one)."""

    def __init__(self, stream: IO[str], zone: ZoneInfo = PARIS) -> None:
        self._writer = csv.writer(stream, delimiter=DELIMITER, lineterminator="\r\n")
        self._zone = zone

    def header(self, names: Iterable[str]) -> None:
        """The header line (names are text: escaped like any cell)."""
        self._writer.writerow([safe_text(name) for name in names])

    def row(self, values: Iterable[Any]) -> None:
        self._writer.writerow(self._cells(values))

    def rows(self, rows: Iterable[Iterable[Any]]) -> None:
        self._writer.writerows(self._cells(row) for row in rows)

    def _cells(self, values: Iterable[Any]) -> list[str]:
        # Plain text, the most common cell, is kept without a call (millions of cells).
        zone, first = self._zone, _FORMULA_FIRST
        return [
            value if type(value) is str and not (value and value[0] in first) else cell(value, zone)
            for value in values
        ]


def open_french_csv(path) -> IO[str]:
    """A new file for `FrenchCsvWriter` (UTF-8 with BOM, universal newlines off)."""
    return open(path, "w", encoding=ENCODING, newline="")  # noqa: SIM115 - the caller closes
