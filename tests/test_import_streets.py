"""`allo import streets`: the FANTOIR register of shared/data and a BAN-style file upserted into
the street register, counts reported, dry run writing nothing, bad lines in the reject file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ALL_BACKENDS

from allo_tui.cli import main
from allo_tui.data.store import Store

BACKENDS = ALL_BACKENDS
pytestmark = pytest.mark.usefixtures("isolated_home")

FANTOIR = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "auxerre-streets-fantoir-2015.csv"
)


def run(db, *args: str):
    return CliRunner().invoke(
        main,
        ["--db", str(db), "--operator", "admin", "import", "streets", *args],
        catch_exceptions=False,
    )


def streets(db) -> dict[str, tuple[str, bool]]:
    store = Store(db)
    try:
        with store._read() as connection:
            rows = connection.execute("SELECT name, kind, active FROM streets").fetchall()
    finally:
        store.close()
    return {name: (kind, bool(active)) for name, kind, active in rows}


def test_fantoir_register_is_already_the_seeded_one(db_path, store) -> None:
    if not FANTOIR.exists():
        pytest.skip("shared/data is not beside the project")
    before = streets(db_path)
    result = run(db_path, str(FANTOIR))
    assert result.exit_code == 0, result.output
    assert f"0 ont été ajoutées, 0 mises à jour, {len(before)} déjà présentes" in result.output
    assert streets(db_path) == before
    assert "Rue du Temple" in before


def test_ban_file_adds_updates_and_rejects(db_path, store, tmp_path: Path) -> None:
    with store._write() as connection:
        connection.execute("UPDATE streets SET active = ? WHERE name = ?", (False, "Rue du Temple"))
    source = tmp_path / "adresses-89.csv"
    source.write_text(
        "\ufeffid;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune\n"
        "89024_1;89024_A;1;;Rue des Églantiers Neufs;89000;89024;Auxerre\n"
        "89024_2;89024_A;3;;rue des eglantiers neufs;89000;89024;Auxerre\n"
        "89024_3;89024_B;2;;RUE DU TEMPLE;89000;89024;Auxerre\n"
        "89024_4;89024_C;5;;;89000;89024;Auxerre\n"
        "89024_5;89024_D\n",
        encoding="utf-8",
    )
    before = streets(db_path)
    dry = run(db_path, str(source), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "1 seraient ajoutées, 1 mises à jour, 0 déjà présentes" in dry.output
    assert streets(db_path) == before
    assert not source.with_name("adresses-89.rejets.csv").exists()

    result = run(db_path, str(source))
    assert result.exit_code == 0, result.output
    assert "1 ont été ajoutées, 1 mises à jour, 0 déjà présentes" in result.output
    after = streets(db_path)
    assert after["Rue des Églantiers Neufs"] == ("voie", True)
    assert after["Rue du Temple"] == ("voie", True)
    assert len(after) == len(before) + 1
    rejects = source.with_name("adresses-89.rejets.csv").read_text(encoding="utf-8")
    assert rejects == "ligne;motif\n5;nom de voie vide\n6;colonnes manquantes\n"

    again = run(db_path, str(source))
    assert "0 ont été ajoutées, 0 mises à jour, 2 déjà présentes" in again.output


def test_unknown_columns_are_one_line(db_path, store, tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text("a;b\n1;2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", str(db_path), "import", "streets", str(source)])
    assert result.exit_code == 2
    assert "ni colonne nom_voie" in result.output
