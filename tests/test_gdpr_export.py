"""`allo gdpr export`: everything held on one caller, as JSON and readable HTML, both backends."""

from __future__ import annotations

import json

from click.testing import CliRunner

from allo_tui.cli import main
from allo_tui.domain.records import NewCaller
from tests.backends import ALL_BACKENDS

BACKENDS = ALL_BACKENDS


def test_export_by_id_and_by_phone(store, admin, db_path, tmp_path) -> None:
    caller = store.create_caller(
        admin,
        NewCaller(
            surname="Lefèvre<b>", given_name="Élise", phones=("03 86 12 34 56",), notes="Sourde"
        ),
    )
    for designation in (f"#{caller.id}", "03 86 12 34 56"):
        out = tmp_path / "export"
        result = CliRunner().invoke(
            main,
            [
                "--db",
                str(db_path),
                "--operator",
                "admin",
                "gdpr",
                "export",
                designation,
                "--out",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
        data = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
        assert data["caller"]["surname"] == "Lefèvre<b>"
        assert data["caller"]["notes"] == "Sourde"
        assert [phone["number"] for phone in data["phones"]] == ["+33386123456"]
        assert data["requests"] == [] and data["calls"] == []
        html = (tmp_path / "export.html").read_text(encoding="utf-8")
        assert "Lefèvre&lt;b&gt;" in html and "<b>" not in html


def test_export_of_an_unknown_number_fails(db_path, tmp_path, store, admin) -> None:
    result = CliRunner().invoke(
        main,
        [
            "--db",
            str(db_path),
            "--operator",
            "admin",
            "gdpr",
            "export",
            "06 99 99 99 99",
            "--out",
            str(tmp_path / "x"),
        ],
    )
    assert result.exit_code != 0
    assert "aucun appelant" in result.output


def test_export_holds_requests_with_their_events(store, admin, db_path, tmp_path) -> None:
    from tests.conftest import lamp_request

    request = lamp_request(store, admin)
    result = CliRunner().invoke(
        main,
        [
            "--db",
            str(db_path),
            "--operator",
            "admin",
            "gdpr",
            "export",
            f"#{request.caller_id}",
            "--out",
            str(tmp_path / "e.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    assert data["caller"]["surname"] == "Zébulon"
    assert [item["reference"] for item in data["requests"]] == [request.reference]
    assert data["requests"][0]["events"]
    assert "Lampadaire éteint" in (tmp_path / "e.html").read_text(encoding="utf-8")
