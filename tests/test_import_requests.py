"""`allo import requests`: the Los Angeles 311 sample with the mapping shipped in docs/examples
(counts by status and by request type equal to the source's), a second import adding nothing,
a dry run writing nothing, and bad rows in the reject file."""

from __future__ import annotations

import csv
import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ALL_BACKENDS

from allo_tui.cli import main
from allo_tui.data.store import Store

BACKENDS = ALL_BACKENDS
pytestmark = pytest.mark.usefixtures("isolated_home")

ROOT = Path(__file__).resolve().parents[1]
LA = ROOT.parent / "shared" / "data" / "la311-service-requests-2020-01.csv"
MAPPING = ROOT / "docs" / "examples" / "la311-requests.toml"


def run(db, *args: str):
    return CliRunner().invoke(
        main,
        ["--db", str(db), "--operator", "admin", "import", "requests", *args],
        catch_exceptions=False,
    )


def imported(db) -> list[tuple[str, str, str | None, str]]:
    store = Store(db)
    try:
        with store._read() as connection:
            return connection.execute(
                "SELECT r.status, r.reference, r.closed_at, i.original FROM imported_rows i"
                " JOIN requests r ON r.id = i.row_id WHERE i.kind = 'request'"
            ).fetchall()
    finally:
        store.close()


def test_la311_sample_counts_match_the_source(db_path, store, tmp_path: Path) -> None:
    if not LA.exists():
        pytest.skip("shared/data is not beside the project")
    with LA.open(encoding="utf-8-sig", newline="") as handle:
        source = list(csv.DictReader(handle))
    statuses = tomllib.loads(MAPPING.read_text(encoding="utf-8"))["values"]["status"]
    expected_status = Counter(statuses[row["status"]] for row in source)
    expected_type = Counter(row["requesttype"] for row in source)

    dry = run(db_path, str(LA), "--mapping", str(MAPPING), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"{len(source)} demandes seraient importées" in dry.output
    assert imported(db_path) == []

    result = run(db_path, str(LA), "--mapping", str(MAPPING))
    assert result.exit_code == 0, result.output
    assert f"{len(source)} demandes ont été importées, 0 déjà importées, 0 lignes" in result.output
    rows = imported(db_path)
    assert Counter(status for status, *_ in rows) == expected_status
    assert Counter(json.loads(original)["requesttype"] for *_, original in rows) == expected_type
    # Closed ones carry their closing date; open ones none. References of the Paris year.
    for status, reference, closed_at, _ in rows:
        assert (closed_at is None) == (status in ("new", "in_progress")), reference
    assert {reference[:4] for _, reference, _, _ in rows} <= {"2019", "2020"}

    again = run(db_path, str(LA), "--mapping", str(MAPPING))
    assert f"0 demandes ont été importées, {len(source)} déjà importées" in again.output
    assert len(imported(db_path)) == len(source)


def test_pacific_dates_and_bad_rows_rejected(db_path, store, tmp_path: Path) -> None:
    source = tmp_path / "la.csv"
    source.write_text(
        "srnumber,requesttype,status,createddate,closeddate,requestsource,address\n"
        "A1,Graffiti Removal,Closed,1/1/20 0:05,1/2/20 8:43,Call,1 MAIN ST\n"
        "A2,Unknown Type,Closed,1/1/20 0:05,,Call,2 MAIN ST\n"
        "A3,Graffiti Removal,Closed,2020-01-01,,Call,3 MAIN ST\n"
        ",Graffiti Removal,Open,1/1/20 0:05,,Call,4 MAIN ST\n",
        encoding="utf-8",
    )
    result = run(db_path, str(source), "--mapping", str(MAPPING))
    assert result.exit_code == 0, result.output
    assert "1 demandes ont été importées, 0 déjà importées, 3 lignes rejetées" in result.output
    assert source.with_name("la.rejets.csv").read_text(encoding="utf-8") == (
        "ligne;motif\n"
        "3;category 'Unknown Type' absent de [values.category]\n"
        "4;created_at '2020-01-01' n'est pas au format %m/%d/%y %H:%M\n"
        "5;identifiant vide\n"
    )
    [(status, reference, closed_at, _)] = imported(db_path)
    # 1/1/20 0:05 in Los Angeles is 09:05 in Paris on 1 January 2020: a 2020 reference.
    assert status == "closed" and reference.startswith("2020")
    assert str(closed_at).startswith("2020-01-02 16:43")  # 8:43 Pacific = 16:43 UTC


def test_an_interrupted_import_keeps_whole_chunks_and_resumes(
    db_path, store, tmp_path: Path, monkeypatch
) -> None:
    from allo_tui.cli import imports as cli_imports

    monkeypatch.setattr(cli_imports, "CHUNK", 2)
    source = tmp_path / "la.csv"
    lines = ["srnumber,requesttype,status,createddate,closeddate,requestsource,address"]
    lines += [
        f"B{n},Graffiti Removal,Closed,1/1/20 0:05,1/2/20 8:43,Call,{n} MAIN ST" for n in range(7)
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    calls = 0
    real = Store.import_requests

    def failing(self, *args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "import_requests", failing)
    stopped = run(db_path, str(source), "--mapping", str(MAPPING))  # Ctrl+C in the 3rd chunk
    assert stopped.exit_code != 0
    assert len(imported(db_path)) == 4  # two whole chunks, nothing of the third
    monkeypatch.setattr(Store, "import_requests", real)
    result = run(db_path, str(source), "--mapping", str(MAPPING))
    assert "3 demandes ont été importées, 4 déjà importées, 0 lignes" in result.output
    assert sorted(json.loads(o)["srnumber"] for *_, o in imported(db_path)) == [
        f"B{n}" for n in range(7)
    ]


def test_requests_attach_to_a_caller_by_phone_only_when_the_mapping_says_so(
    db_path, store, admin, tmp_path: Path
) -> None:
    from allo_tui.domain.records import NewCaller

    caller = store.create_caller(admin, NewCaller(surname="Lefèvre", phones=("03 86 12 34 56",)))
    source = tmp_path / "la.csv"
    source.write_text(
        "srnumber,requesttype,status,createddate,closeddate,requestsource,address,phone\n"
        "P1,Graffiti Removal,Open,1/1/20 0:05,,Call,1 MAIN ST,0386123456\n",
        encoding="utf-8",
    )
    text = MAPPING.read_text(encoding="utf-8").replace(
        "[columns]                            # our field", '[columns]\ncaller_phone = "phone"\n#'
    )
    plain = tmp_path / "plain.toml"
    plain.write_text(text, encoding="utf-8")
    attach = tmp_path / "attach.toml"
    attach.write_text(
        text.replace('name = "la311"', 'name = "la311-b"\nattach_by_phone = true'),
        encoding="utf-8",
    )
    assert run(db_path, str(source), "--mapping", str(plain)).exit_code == 0
    assert run(db_path, str(source), "--mapping", str(attach)).exit_code == 0
    with store._read() as connection:
        owners = dict(
            connection.execute(
                "SELECT i.source, r.caller_id FROM imported_rows i"
                " JOIN requests r ON r.id = i.row_id"
            ).fetchall()
        )
    assert owners == {"la311": None, "la311-b": caller.id}
