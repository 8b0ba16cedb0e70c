"""The callers example shipped in docs/examples imports as the README says: accents kept,
several phones per caller and an overseas number stored in E.164, the bad rows listed with
their line and reason, and nothing added by a second import."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ALL_BACKENDS

from allo_tui.cli import main
from allo_tui.data.store import Store

BACKENDS = ALL_BACKENDS
pytestmark = pytest.mark.usefixtures("isolated_home")

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


def run(db, *args: str):
    return CliRunner().invoke(
        main,
        ["--db", str(db), "--operator", "admin", "import", "callers", *args],
        catch_exceptions=False,
    )


def imported(db) -> dict[str, tuple[str, str, list[str]]]:
    store = Store(db)
    try:
        with store._read() as connection:
            rows = connection.execute(
                "SELECT i.external_id, c.given_name, c.surname, c.street, p.number"
                " FROM imported_rows i JOIN callers c ON c.id = i.row_id"
                " LEFT JOIN caller_phones p ON p.caller_id = c.id"
                " WHERE i.kind = 'caller' ORDER BY i.external_id, p.position"
            ).fetchall()
    finally:
        store.close()
    found: dict[str, tuple[str, str, list[str]]] = {}
    for code, given, surname, street, number in rows:
        found.setdefault(code, (f"{given} {surname}", street or "", []))[2].append(number)
    return found


def test_the_shipped_callers_example_imports_as_documented(
    db_path, store, admin, tmp_path: Path
) -> None:
    source, mapping = EXAMPLES / "callers.csv", EXAMPLES / "callers.toml"
    rejects = tmp_path / "rejets.csv"

    result = run(db_path, str(source), "--mapping", str(mapping), "--rejects", str(rejects))

    assert result.exit_code == 0, result.output
    assert "4 demandeurs ont été importés, 0 déjà importés, 4 lignes rejetées" in result.output
    assert rejects.read_text(encoding="utf-8") == (
        "ligne;motif\n"
        "5;courriel invalide 'pas-un-courriel'\n"
        "6;téléphone invalide '03 86'\n"
        "7;ni nom ni téléphone\n"
        "8;identifiant vide\n"
    )
    assert imported(db_path) == {
        "A001": (
            "Éloïse Lefèvre",
            "Rue de l'Égalité",
            ["+33386123456", "+33612345678", "+33781234567"],
        ),
        "A002": ("Chloé Nguyễn", "Allée des Œillets", ["+33386123457"]),
        "A003": ("Aïssatou N'Diaye", "", ["+33698765432"]),
        "A008": ("Maëlle Château-Renard", "Place Saint-Étienne", ["+590690123456"]),
    }

    again = run(db_path, str(source), "--mapping", str(mapping), "--rejects", str(rejects))
    assert "0 demandeurs ont été importés, 4 déjà importés" in again.output
    assert len(imported(db_path)) == 4
