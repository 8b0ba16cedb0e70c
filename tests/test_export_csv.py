"""The French CSV writer (`allo_tui.cli.csv_fr`), shared by every CSV the `allo` command
writes: each rule a spreadsheet user relies on, value by value."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from allo_tui.cli.csv_fr import FrenchCsvWriter, cell, open_french_csv


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, ""),
        (True, "Oui"),
        (False, "Non"),
        (42, "42"),
        (-1.5, "-1,5"),  # a number is a number: never quoted
        (47.798760, "47,79876"),
        (0.0, "0"),
        (Decimal("71.40"), "71,40"),
        (float("nan"), ""),
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "29/03/2026 01:59"),  # before the change
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29/03/2026 03:00"),  # summer time
        (date(2026, 12, 4), "04/12/2026"),
        ("Éléonore", "Éléonore"),
        ("=1+1", "'=1+1"),
        ("+33 3 86", "'+33 3 86"),
        ("-rue", "'-rue"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("a=1", "a=1"),
        (("03 86 12 34 56", "06 11 22 33 44"), "03 86 12 34 56 / 06 11 22 33 44"),
        (("=evil", "03 86"), "'=evil / 03 86"),
    ],
)
def test_each_value_as_french_excel_shows_it(value, shown) -> None:
    assert cell(value) == shown


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        cell(datetime(2026, 1, 1, 12, 0))


def test_file_bytes_bom_semicolons_crlf_and_quoting(tmp_path) -> None:
    path = tmp_path / "t.csv"
    with open_french_csv(path) as stream:
        writer = FrenchCsvWriter(stream)
        writer.header(["Nom", "Note"])
        writer.row(["Zébulon", 'deux lignes\n"citées"; ici'])
        writer.rows([["=x", 3.25]])
    assert (
        path.read_bytes()
        == ('\ufeffNom;Note\r\nZébulon;"deux lignes\n""citées""; ici"\r\n\'=x;3,25\r\n').encode()
    )


def test_writer_on_any_text_stream() -> None:
    stream = io.StringIO(newline="")
    FrenchCsvWriter(stream).row([1, "a;b"])
    assert stream.getvalue() == '1;"a;b"\r\n'
