"""`allo import callers`: a generated CSV with accents, several phones per caller and bad
rows; the reject file lists the bad rows with their line and reason; a second import adds
nothing; callers are never merged with an existing one by phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ALL_BACKENDS

from allo_tui.cli import main
from allo_tui.data.store import Store

BACKENDS = ALL_BACKENDS
pytestmark = pytest.mark.usefixtures("isolated_home")

MAPPING = """
[source]
name = "ancien-logiciel"
id = "code"
delimiter = ";"

[columns]
surname = "nom"
given_name = "prénom"
phones = ["tél", "portable"]
email = "courriel"
street = "rue"
city = "ville"
"""

SOURCE = (
    "code;nom;prénom;tél;portable;courriel;rue;ville\n"
    "C1;Lefèvre;Éloïse;03 86 12 34 56;06 12 34 56 78, +33 7 81 23 45 67;eloise@exemple.fr;"
    "Rue de l'Égalité;Auxerre\n"
    "C2;Nguyễn;Chloé;0386123457;;;;Saint-Georges-sur-Baulche\n"
    "C3;Dupont;Jean;03 86;;;;\n"
    "C4;;;;;;;\n"
    ";Sans;Code;0386000000;;;;\n"
    "C6;Müller;Zoë;;;pas-un-courriel;;\n"
)


def run(db, *args: str):
    return CliRunner().invoke(
        main,
        ["--db", str(db), "--operator", "admin", "import", "callers", *args],
        catch_exceptions=False,
    )


def callers(db) -> dict[str, tuple[str, list[str]]]:
    store = Store(db)
    try:
        with store._read() as connection:
            rows = connection.execute(
                "SELECT i.external_id, c.surname, c.given_name, c.email, p.number"
                " FROM imported_rows i JOIN callers c ON c.id = i.row_id"
                " LEFT JOIN caller_phones p ON p.caller_id = c.id"
                " WHERE i.kind = 'caller' ORDER BY i.external_id, p.position"
            ).fetchall()
    finally:
        store.close()
    found: dict[str, tuple[str, list[str]]] = {}
    for code, surname, given, email, number in rows:
        found.setdefault(code, (f"{given} {surname} {email}".strip(), []))[1].append(number)
    return found


def test_callers_with_accents_phones_and_bad_rows(db_path, store, tmp_path: Path) -> None:
    mapping = tmp_path / "callers.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    source = tmp_path / "demandeurs.csv"
    source.write_text(SOURCE, encoding="utf-8")

    dry = run(db_path, str(source), "--mapping", str(mapping), "--dry-run")
    assert "2 demandeurs seraient importés, 0 déjà importés, 4 lignes rejetées" in dry.output
    assert callers(db_path) == {}

    rejects = tmp_path / "rejets.csv"
    result = run(db_path, str(source), "--mapping", str(mapping), "--rejects", str(rejects))
    assert result.exit_code == 0, result.output
    assert "2 demandeurs ont été importés, 0 déjà importés, 4 lignes rejetées" in result.output
    assert rejects.read_text(encoding="utf-8") == (
        "ligne;motif\n"
        "4;téléphone invalide '03 86'\n"
        "5;ni nom ni téléphone\n"
        "6;identifiant vide\n"
        "7;courriel invalide 'pas-un-courriel'\n"
    )
    assert callers(db_path) == {
        "C1": (
            "Éloïse Lefèvre eloise@exemple.fr",
            ["+33386123456", "+33612345678", "+33781234567"],
        ),
        "C2": ("Chloé Nguyễn", ["+33386123457"]),
    }

    again = run(db_path, str(source), "--mapping", str(mapping), "--rejects", str(rejects))
    assert "0 demandeurs ont été importés, 2 déjà importés" in again.output
    assert len(callers(db_path)) == 2


def test_imports_are_for_admins(db_path, store, admin, tmp_path: Path) -> None:
    from allo_tui.domain.records import Role

    store.add_operator("hostess", Role.OPERATOR, "Anne Hôtesse")
    mapping = tmp_path / "callers.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    source = tmp_path / "demandeurs.csv"
    source.write_text(SOURCE, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "--db",
            str(db_path),
            "--operator",
            "hostess",
            "import",
            "callers",
            str(source),
            "--mapping",
            str(mapping),
        ],
    )
    assert result.exit_code == 2
    assert "réservés aux administrateurs" in result.output
    assert callers(db_path) == {}
