"""The catalogue's administration: categories with a procedure, retired and restored; services
retired only with no open request; the orientation directory; an audit row per change; and
`allo catalogue` (CliRunner), on both backends."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import ALL_BACKENDS, category

from allo_tui.cli import main
from allo_tui.data.store import admin_catalogue
from allo_tui.domain.errors import ValidationError
from allo_tui.domain.records import NewRequest

BACKENDS = ALL_BACKENDS

PROCEDURE = "Danger : demander si quelqu'un est blessé ; prévenir l'équipe mobile par radio"


def audit_actions(store) -> list[tuple[str, str]]:
    with store._read() as connection:
        return connection.execute("SELECT action, subject FROM audit ORDER BY id").fetchall()


def test_a_new_category_is_offered_at_once_and_a_retired_one_no_longer(store, admin) -> None:
    admin_catalogue.add_category(store, admin, "nid", "Nid de poule", "VOIRIE", 2, PROCEDURE)
    assert category(store, "NID").label == "Nid de poule"
    listed = {row[0]: row for row in admin_catalogue.all_categories(store)}
    assert listed["NID"][5] == PROCEDURE
    admin_catalogue.set_category_active(store, admin, "NID", False)
    assert "NID" not in {c.code for c in store.categories()}
    assert not admin_catalogue.all_categories(store)[-1][4]
    assert audit_actions(store) == [("category.add", "NID"), ("category.active", "NID")]


def test_bad_category_input_is_refused_and_nothing_is_saved(store, admin, operator) -> None:
    before = admin_catalogue.all_categories(store)
    with pytest.raises(ValidationError, match="service inconnu"):
        admin_catalogue.add_category(store, admin, "X", "X", "NOPE", 2)
    with pytest.raises(ValidationError, match="existe déjà"):
        admin_catalogue.add_category(store, admin, "VOIRIE", "Voirie bis", "VOIRIE", 2)
    with pytest.raises(ValidationError, match="administrateurs"):
        admin_catalogue.add_category(store, operator, "Y", "Y", "VOIRIE", 2)
    assert admin_catalogue.all_categories(store) == before
    assert audit_actions(store) == []


def test_a_service_is_retired_only_with_no_open_request(store, admin) -> None:
    admin_catalogue.add_service(store, admin, "eclair", "Éclairage", mobile=True)
    voirie = category(store, "VOIRIE")
    store.create_request(admin, NewRequest(category_id=voirie.id, description="trou"))
    with pytest.raises(ValidationError, match="ouverte"):
        admin_catalogue.set_service_active(store, admin, "VOIRIE", False)
    admin_catalogue.set_service_active(store, admin, "ECLAIR", False)
    assert "ECLAIR" not in {s.code for s in store.services()}
    assert audit_actions(store) == [("service.add", "ECLAIR"), ("service.active", "ECLAIR")]


def test_the_directory(store, admin) -> None:
    admin_catalogue.add_directory_entry(
        store, admin, "Préfecture", "03 86 72 79 89", "9h-16h", "Titres, étrangers"
    )
    with pytest.raises(ValidationError, match="obligatoires"):
        admin_catalogue.add_directory_entry(store, admin, "Sans numéro", "")
    [entry] = admin_catalogue.directory_entries(store)
    assert entry[1:5] == ("Préfecture", "03 86 72 79 89", "9h-16h", "Titres, étrangers")


def test_catalogue_commands(db_path, store, admin, operator) -> None:
    def run(who: str, *args: str):
        return CliRunner().invoke(
            main, ["--db", str(db_path), "--operator", who, "catalogue", *args]
        )

    added = run("admin", "add-category", "nid", "Nid de poule", "--service", "VOIRIE")
    assert added.exit_code == 0, added.output
    assert run("admin", "procedure", "NID", PROCEDURE).exit_code == 0
    assert f"NID\tNid de poule\tVOIRIE\tU3\t{PROCEDURE}" in run("admin", "list").output
    denied = run("hostess", "procedure", "NID", "rien")
    assert denied.exit_code != 0 and "administrateur" in denied.output
    unknown = run("admin", "retire-category", "NOPE")
    assert unknown.exit_code != 0 and "catégorie inconnue" in unknown.output
    assert run("admin", "add-directory", "CPAM", "36 46", "--handles", "Santé").exit_code == 0
    assert run("admin", "directory").output == "CPAM\t36 46\t\tSanté\n"
