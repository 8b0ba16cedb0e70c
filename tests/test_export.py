"""`allo export` as an administrator or a script runs it, on a real database (a temp file, or a
PostgreSQL database of its own): the bytes of the CSV file French Excel opens, the xlsx
workbook and its sheets, the JSON array, the filters, who may export what, the audit."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ALL_BACKENDS

from allo_tui.cli import main
from allo_tui.data.store import Store
from allo_tui.domain.records import NewCaller, NewRequest, Role, Status
from allo_tui.domain.workflow import Action

BACKENDS = ALL_BACKENDS
pytestmark = pytest.mark.usefixtures("isolated_home")

WINTER = datetime(2026, 1, 15, 8, 30, tzinfo=UTC)  # 09:30 in Paris (UTC+1)
SUMMER = datetime(2026, 7, 14, 21, 45, tzinfo=UTC)  # 23:45 in Paris (UTC+2)
AUTUMN = datetime(2026, 10, 31, 23, 15, tzinfo=UTC)  # 1 November, 00:15 in Paris


def run(db, *args: str, operator: str = "admin"):
    return CliRunner().invoke(
        main, ["--db", str(db), "--operator", operator, "export", *args], catch_exceptions=False
    )


@pytest.fixture
def town(store: Store, admin, clock) -> dict:
    """Three requests (winter, summer, autumn) from a caller whose texts would run as
    formulas, on two services; the summer one is done."""
    voirie = store.find_category("VOIRIE")
    tags = store.find_category("TAGS")
    clock.set(WINTER)
    caller = store.create_caller(
        admin,
        NewCaller(
            surname='=HYPERLINK("http://x")',
            given_name="Éléonore",
            phones=("03 86 12 34 56", "+44 20 7946 0958"),
            street="-rue du Temple",
        ),
    )
    winter = store.create_request(
        admin,
        NewRequest(
            category_id=voirie.id,
            description="@SUM(1+1) nid-de-poule",
            caller_id=caller.id,
            street="Rue du Temple",
            latitude=47.79876,
            longitude=3.5672,
        ),
    )
    clock.set(SUMMER)
    summer = store.create_request(
        admin, NewRequest(category_id=tags.id, description="+33 tag sur le mur")
    )
    summer = store.apply(
        admin,
        summer.id,
        Action.DONE,
        outcome_code="REPARE",
        expected_version=summer.version,
        text="=1",
    )
    clock.set(AUTUMN)
    autumn = store.create_request(
        admin, NewRequest(category_id=voirie.id, description="\tTrou sur la chaussée")
    )
    return {"caller": caller, "winter": winter, "summer": summer, "autumn": autumn}


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the accents
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))


def column(rows: list[list[str]], header: str) -> list[str]:
    where = rows[0].index(header)
    return [row[where] for row in rows[1:]]


def test_requests_csv_is_french_excel(db_path, town, tmp_path: Path) -> None:
    out = tmp_path / "demandes.csv"
    result = run(db_path, "requests", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "3 ligne(s) écrite(s)" in result.output
    data = out.read_bytes()
    assert data.startswith("\ufeffRéférence;Date de l'appel;".encode())
    assert b"\r\n" in data
    rows = read_csv(out)
    assert len(rows) == 4
    # Paris time, both sides of daylight saving; the day after midnight in Paris.
    assert column(rows, "Date de l'appel") == [
        "15/01/2026 09:30",
        "14/07/2026 23:45",
        "01/11/2026 00:15",
    ]
    assert column(rows, "Latitude")[0] == "47,79876"
    assert column(rows, "Longitude")[0] == "3,5672"
    # Text a spreadsheet would run starts with a quote; the French labels are there.
    assert column(rows, "Description") == [
        "'@SUM(1+1) nid-de-poule",
        "'+33 tag sur le mur",
        "'\tTrou sur la chaussée",
    ]
    assert column(rows, "Réponse au demandeur")[1] == "'=1"
    assert column(rows, "Statut") == ["Nouvelle", "Terminée", "Nouvelle"]
    assert column(rows, "Résultat") == ["", "Réparé", ""]  # the coded outcome's label
    assert column(rows, "Service")[0] == "Voirie"
    # No personal data on the caller in a requests export: their number only.
    assert column(rows, "N° demandeur") == [str(town["caller"].id), "", ""]
    assert b"HYPERLINK" not in data and b"86 12" not in data


def test_callers_export_is_for_admins_and_recorded(db_path, store, town, tmp_path: Path) -> None:
    store.add_operator("chief", Role.SUPERVISOR, "Chef")
    refused = tmp_path / "refused.csv"
    result = run(db_path, "callers", "--out", str(refused), operator="chief")
    assert result.exit_code == 2
    assert "réservé aux administrateurs" in result.output
    assert not refused.exists()
    assert list(tmp_path.glob(".refused*")) == []
    assert audit_rows(store) == []

    out = tmp_path / "demandeurs.csv"
    result = run(db_path, "callers", "--out", str(out), "--from", "2026-01-01")
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert column(rows, "Nom") == ['\'=HYPERLINK("http://x")']
    assert column(rows, "Prénom") == ["Éléonore"]
    # National format for a French number; a foreign one is international, hence quoted.
    assert column(rows, "Téléphones") == ["03 86 12 34 56 / +44 20 7946 0958"]
    assert column(rows, "Voie") == ["'-rue du Temple"]
    [(action, subject, new_value, operator_login)] = audit_rows(store)
    assert (action, subject, operator_login) == ("export.callers", "callers", "admin")
    assert json.loads(new_value) == {"format": "csv", "rows": 1, "from": "2026-01-01", "to": None}


def audit_rows(store: Store) -> list[tuple]:
    with store.backend.read() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                "SELECT a.action, a.subject, a.new_value, o.login FROM audit AS a"
                " JOIN operators AS o ON o.id = a.operator_id ORDER BY a.id"
            )
        ]


def test_audit_rows_cannot_be_changed_or_deleted(store: Store, admin) -> None:
    store.record_audit(admin, "test", "subject", "old", "new")
    for statement in ("UPDATE audit SET new_value = 'forged'", "DELETE FROM audit"):
        with pytest.raises(Exception, match="append-only"):
            with store.backend.write() as connection:
                connection.execute(statement)
    assert len(audit_rows(store)) == 1


def test_filters_by_paris_days_status_and_service(db_path, town, tmp_path: Path) -> None:
    out = tmp_path / "f.json"
    # 1 November in Paris holds the autumn request, saved on 31 October in UTC.
    result = run(
        db_path, "requests", "--from", "01/11/2026", "--to", "2026-11-01", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert [row["reference"] for row in json.loads(out.read_text())] == [town["autumn"].reference]
    result = run(db_path, "requests", "--status", "Terminée", "--out", str(tmp_path / "s.json"))
    assert [row["status"] for row in json.loads((tmp_path / "s.json").read_text())] == ["done"]
    result = run(
        db_path,
        "requests",
        "--status",
        "open",
        "--service",
        "voirie",
        "--out",
        str(tmp_path / "o.json"),
    )
    assert result.exit_code == 0, result.output
    found = json.loads((tmp_path / "o.json").read_text())
    assert {row["reference"] for row in found} == {
        town["winter"].reference,
        town["autumn"].reference,
    }
    assert {row["service_code"] for row in found} == {"VOIRIE"}


def test_json_is_one_array_with_iso_times(db_path, town, tmp_path: Path) -> None:
    out = tmp_path / "e.json"
    result = run(db_path, "events", "--out", str(out))
    assert result.exit_code == 0, result.output
    events = json.loads(out.read_text(encoding="utf-8"))
    assert {event["reference"] for event in events} == {
        town[name].reference for name in ("winter", "summer", "autumn")
    }
    assert events[0]["at"] == "2026-01-15T09:30:00+01:00"
    empty = tmp_path / "none.json"
    result = run(
        db_path, "calls", "--from", "01/01/2020", "--to", "02/01/2020", "--out", str(empty)
    )
    assert result.exit_code == 0, result.output
    assert json.loads(empty.read_text()) == []


def test_out_dash_writes_to_stdout_and_makes_no_file(
    db_path, town, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(db_path, "requests", "--format", "json", "--out", "-")
    assert result.exit_code == 0, result.output
    assert {row["reference"] for row in json.loads(result.stdout)} == {
        town[name].reference for name in ("winter", "summer", "autumn")
    }
    assert "3 ligne(s) écrite(s) sur la sortie standard" in result.stderr
    result = run(db_path, "requests", "--out", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith("\ufeff".encode())  # the CSV French Excel opens
    assert len(result.stdout_bytes.decode("utf-8-sig").splitlines()) == 4
    assert not (tmp_path / "-").exists()


def test_xlsx_splits_into_sheets_and_reads_back(
    db_path, town, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    from allo_tui.cli import export_files

    monkeypatch.setattr(export_files, "SHEET_ROWS", 3)  # a header and two rows per sheet
    out = tmp_path / "demandes.xlsx"
    result = run(db_path, "requests", "--out", str(out))
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["Demandes", "Demandes (2)"]
    first, second = (list(book[name].values) for name in book.sheetnames)
    assert first[0][:2] == ("Référence", "Date de l'appel")
    assert second[0] == first[0]
    assert [row[0] for row in first[1:] + second[1:]] == [
        town[name].reference for name in ("winter", "summer", "autumn")
    ]
    assert first[1][1] == datetime(2026, 1, 15, 9, 30)  # a date cell, in Paris time
    answer = first[0].index("Réponse au demandeur")
    cell = book["Demandes"].cell(row=3, column=answer + 1)
    assert (cell.value, cell.data_type) == ("=1", "s")  # text, never a formula


def test_service_agent_exports_their_services_only(db_path, store, town, tmp_path: Path) -> None:
    store.add_operator("voirie1", Role.SERVICE, "Agent Voirie", services=["VOIRIE"])
    out = tmp_path / "agent.json"
    result = run(db_path, "requests", "--out", str(out), operator="voirie1")
    assert result.exit_code == 0, result.output
    found = json.loads(out.read_text())
    assert {row["reference"] for row in found} == {
        town["winter"].reference,
        town["autumn"].reference,
    }
    result = run(db_path, "events", "--out", str(tmp_path / "ev.json"), operator="voirie1")
    assert {row["reference"] for row in json.loads((tmp_path / "ev.json").read_text())} == {
        town["winter"].reference,
        town["autumn"].reference,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "31/02/2026"), "--from : date « 31/02/2026 » invalide"),
        (("--to", "demain"), "--to : date « demain » invalide"),
        (("--from", "02/03/2026", "--to", "01/03/2026"), "est avant --from"),
        (("--status", "perdue"), "--status : statut « perdue » inconnu"),
        (("--service", "NOPE"), "--service : service « NOPE » inconnu"),
    ],
)
def test_bad_input_is_one_french_line_and_no_file(
    db_path, town, tmp_path: Path, args, message
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    result = run(db_path, "requests", *args, "--out", str(folder / "bad.csv"))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.output.count("\n") == 1
    assert list(folder.iterdir()) == []


def test_an_existing_file_is_kept_unless_forced(db_path, town, tmp_path: Path) -> None:
    out = tmp_path / "demandes.csv"
    out.write_text("mine")
    result = run(db_path, "requests", "--out", str(out))
    assert result.exit_code == 2
    assert out.read_text() == "mine"
    result = run(db_path, "requests", "--out", str(out), "--force")
    assert result.exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_failing_export_leaves_no_file(
    db_path, town, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from allo_tui.cli import export_files

    def broken(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_files, "write_csv", broken)
    folder = tmp_path / "out"
    folder.mkdir()
    result = run(db_path, "requests", "--out", str(folder / "demandes.csv"))
    assert result.exit_code == 2
    assert "écriture impossible" in result.output
    assert list(folder.iterdir()) == []


def test_batches_read_every_row_once(store: Store, admin, clock, monkeypatch) -> None:
    """Several keyset batches, rows sharing one timestamp across a batch's end included."""
    from allo_tui.data.store import exports
    from allo_tui.domain.exports import ExportFilter, ExportKind

    monkeypatch.setattr(exports, "BATCH", 3)
    voirie = store.find_category("VOIRIE")
    clock.set(WINTER)
    made = [
        store.create_request(admin, NewRequest(category_id=voirie.id, description=f"n{i}"))
        for i in range(8)
    ]
    with store.export_rows(admin, ExportKind.REQUESTS, ExportFilter()) as export_rows:
        assert export_rows.total == 8
        references = [row[0] for row in export_rows.rows]
    assert references == [request.reference for request in made]
    with store.export_rows(
        admin, ExportKind.REQUESTS, ExportFilter(statuses=frozenset({Status.DONE}))
    ) as export_rows:
        assert export_rows.total == 0
        assert list(export_rows.rows) == []


def test_no_callers_file_without_its_audit_row(
    db_path, town, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*_args, **_kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(Store, "record_callers_export", failing)
    folder = tmp_path / "out"
    folder.mkdir()
    result = run(db_path, "callers", "--out", str(folder / "demandeurs.csv"))
    assert result.exit_code != 0
    assert list(folder.iterdir()) == []


def test_status_and_service_do_not_apply_to_callers(db_path, town, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    result = run(db_path, "callers", "--status", "open", "--out", str(folder / "c.csv"))
    assert result.exit_code == 2
    assert "ne s'appliquent pas à l'export des demandeurs" in result.output
    assert list(folder.iterdir()) == []


def test_calls_export_carries_no_phone(db_path, store, admin, town, tmp_path: Path) -> None:
    from allo_tui.domain.records import CallInfo, CallOutcome

    store.log_call(
        admin,
        CallInfo(started_at=WINTER, console="poste-1", phone="+33386123456"),
        CallOutcome.WRONG_NUMBER,
        caller_id=town["caller"].id,
    )
    out = tmp_path / "appels.csv"
    result = run(db_path, "calls", "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert column(rows, "Issue de l'appel") == ["Faux numéro"]
    assert column(rows, "N° demandeur") == [str(town["caller"].id)]
    assert b"86 12" not in out.read_bytes() and b"386123456" not in out.read_bytes()
