"""Known streets: the shipped register, folding and the type-ahead match."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from allo_tui.domain.streets import Street, fold, match_streets, shipped_streets

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "auxerre-streets-fantoir-2015.csv"


@pytest.fixture(scope="module")
def streets() -> tuple[Street, ...]:
    return shipped_streets()


def test_register_is_loaded_once_and_complete(streets):
    assert shipped_streets() is streets
    assert len(streets) > 1000
    assert {street.kind for street in streets} == {"voie", "lieu-dit"}
    names = [street.name for street in streets]
    assert len(names) == len(set(names)), "names are deduplicated"
    for expected in ("Rue du Temple", "Place Charles Surugue", "Avenue Jean Jaurès"):
        assert expected in names


def test_names_are_cased_as_people_write_them(streets):
    names = {street.name for street in streets}
    assert "Rue Jeanne d'Arc" in names  # "D ARC" -> "d'Arc"
    assert "Rue de l'Arboretum" in names  # "DE L ARBORETUM"
    assert "Esplanade des Droits de l'Homme" in names
    assert "Rue de la Tour d'Auvergne" in names
    assert "Avenue de Saint Georges" in names  # ST -> Saint... kept when spelled out
    assert "Place Saint Étienne" in names  # "PL ST ETIENNE"
    assert "Rue Sainte Geneviève" in names  # STE -> Sainte
    assert "Boulevard Gallieni" in names
    assert "Allée La Fontaine" in names  # an article starting a proper name keeps its capital
    assert "Grande Rue - Vaux" in names  # the street type is not repeated
    assert "La Passerelle" in names
    assert "Les Rosoirs Rue Wagram" in names  # "R" -> Rue
    assert "Rue Colonel Rozanoff" in names  # "COL" -> Colonel
    for name in names:
        assert name == name.strip() and "  " not in name
        assert name[0].isupper() or name[0].isdigit(), name
        assert not name.isupper(), name


def test_cut_names_stay_cut(streets):
    names = {street.name for street in streets}
    assert "La Fontaine Sainte Marguer" in names


def test_street_types_and_lieux_dits(streets):
    kinds = {street.name: street.kind for street in streets}
    assert kinds["Rue du Temple"] == "voie"
    assert kinds["Les Piedalloues"] == "lieu-dit"
    assert "Limite Administrative" not in kinds


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Éléonore ZÉBULON", "eleonore zebulon"),
        ("L'Église  Saint-Pierre", "l eglise saint pierre"),
        ("Rue de l’Abbaye", "rue de l abbaye"),
        ("  Œuvre – Noël ", "œuvre noel"),
        ("Straße", "strasse"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "query",
    ["temple", "TEMPLE", "rue du tem", "Rue du Temple", "du temp", "r temple", "tem rue"],
)
def test_match_finds_rue_du_temple(streets, query):
    assert "Rue du Temple" in match_streets(query, streets)


def test_match_ignores_accents_and_case(streets):
    assert "Place Charles Surugue" in match_streets("surugue", streets)
    assert "Avenue Jean Jaurès" in match_streets("jaures", streets)
    assert "Avenue Jean Jaurès" in match_streets("JAURÈS", streets)
    assert "Rue de l'Église - Vaux" in match_streets("eglise", streets)
    assert "Rue de l'Église - Vaux" in match_streets("l'égl", streets)


def test_match_understands_common_abbreviations(streets):
    assert "Place Saint Pierre" in match_streets("pl st pierre", streets)
    assert "Avenue Jean Jaurès" in match_streets("av jaures", streets)


def test_every_word_must_match(streets):
    assert match_streets("temple paris", streets) == []
    assert match_streets("zzz", streets) == []
    assert match_streets("", streets) == []
    assert match_streets("   ", streets) == []


def test_whole_name_prefix_first_then_alphabetical(streets):
    found = match_streets("rue du tem", streets, limit=200)
    leading = [name for name in found if fold(name).startswith("rue du tem")]
    assert leading and found[: len(leading)] == leading
    assert leading == sorted(leading, key=fold)
    rest = found[len(leading) :]
    assert rest == sorted(rest, key=fold)
    # "Place Jean Jaurès" does not start with "jean" but contains it
    jean = match_streets("jean jaur", streets)
    assert jean == ["Avenue Jean Jaurès", "Place Jean Jaurès"]


def test_whole_words_rank_before_word_prefixes(streets):
    """ "paul bert" Enter must pick the exact "Rue Paul Bert", not "Allée Paul Berthier"."""
    found = match_streets("paul bert", streets)
    assert found[:2] == ["Rue Paul Bert", "Pont Paul Bert"]  # "Rue" is the most common kind
    assert "Allée Paul Berthier" in found[2:]
    # Among whole-word matches, a name starting with the query still comes first.
    own = [Street("Rue du Moulin", "voie"), Street("Moulin Neuf", "lieu-dit")]
    assert match_streets("moulin", own) == ["Moulin Neuf", "Rue du Moulin"]
    assert match_streets("rue moul", own + [Street("Rue Moul", "voie")])[0] == "Rue Moul"


def test_limit(streets):
    assert len(match_streets("rue", streets, limit=10)) == 10
    assert len(match_streets("rue", streets, limit=3)) == 3
    assert match_streets("rue", streets, limit=0) == []


def test_match_on_any_street_list():
    own = [Street("Chemin des Écoliers", "voie"), Street("Impasse du Moulin", "voie")]
    assert match_streets("ecol", own) == ["Chemin des Écoliers"]
    assert match_streets("imp moul", own) == ["Impasse du Moulin"]


def _load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_streets", ROOT / "tools" / "build_streets.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("nature", "libelle", "name"),
    [
        ("RUE", "DU TEMPLE", "Rue du Temple"),
        ("PLACE", "CHARLES SURUGUE", "Place Charles Surugue"),
        ("RUE", "JEANNE D ARC", "Rue Jeanne d'Arc"),
        ("RUE", "DE L'ABBAYE SAINT-JULIEN", "Rue de l'Abbaye Saint-Julien"),
        ("PLACE", "ST ETIENNE", "Place Saint Étienne"),
        ("RUE", "LACURNE DE STE PALLAYE", "Rue Lacurne de Sainte Pallaye"),
        ("", "BRD GALLIENI 26 BOUSS II", "Boulevard Gallieni 26 Bouss II"),
        ("RUE", "COL ROZANOFF", "Rue Colonel Rozanoff"),
        ("ROUTE", "D AUXERRE - VAUX", "Route d'Auxerre - Vaux"),
        ("ROUTE", "DE LA COUR BARREE -VAUX", "Route de la Cour Barree - Vaux"),
        ("GR", "GRANDE RUE - VAUX", "Grande Rue - Vaux"),
        ("PASSERELLE", "LA PASSERELLE", "La Passerelle"),
        ("LIEU-DIT", "L ADROIT VAUTRIN", "L'Adroit Vautrin"),
        ("LIEU-DIT", "SUR LE HAUT DE JONCHES", "Sur le Haut de Jonches"),
        ("AVENUE", "4EME REGIMENT D'INFANTERIE", "Avenue 4e Régiment d'Infanterie"),
        ("RUE", "LA BRUYERE", "Rue La Bruyère"),
        ("", "QRT LA SOURIS", "Quartier La Souris"),
    ],
)
def test_builder_formats_register_rows(nature, libelle, name):
    assert _load_builder().format_name(nature, libelle) == name


@pytest.mark.skipif(not SOURCE.exists(), reason="FANTOIR extract not available")
def test_shipped_file_is_what_the_builder_makes():
    rows = _load_builder().build(SOURCE)
    shipped = ROOT / "allo_tui" / "resources" / "streets_auxerre.csv"
    with shipped.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        assert next(reader) == ["name", "kind"]
        assert [tuple(row) for row in reader] == rows
