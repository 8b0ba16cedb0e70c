"""Site settings for administrators: the registry's validation, the audit row of each change,
and `allo settings list | get | set` (CliRunner), on both backends."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import ALL_BACKENDS

from allo_tui.cli import main
from allo_tui.data.store.site_settings import SETTING_CHANGE, set_setting, settings_shown
from allo_tui.domain.errors import ValidationError

BACKENDS = ALL_BACKENDS


def audit_rows(store) -> list[tuple]:
    with store._read() as connection:
        return connection.execute(
            "SELECT operator_id, action, subject, old_value, new_value FROM audit ORDER BY id"
        ).fetchall()


def test_a_setting_change_is_stored_with_its_audit_row(store, admin) -> None:
    set_setting(store, admin, "town_name", "Auxerre")
    set_setting(store, admin, "town_name", "Sens")
    assert dict((k, v) for k, _, v in settings_shown(store))["town_name"] == "Sens"
    assert audit_rows(store) == [
        (admin.id, SETTING_CHANGE, "town_name", "", '"Auxerre"'),
        (admin.id, SETTING_CHANGE, "town_name", '"Auxerre"', '"Sens"'),
    ]


@pytest.mark.parametrize(
    ("key", "typed", "message"),
    [
        ("retention_years", "trois", "nombre entier attendu"),
        ("retention_years", "0", "supérieur à zéro"),
        ("town_name", "  ", "ne peut pas être vide"),
        ("calendar", "{", "JSON invalide"),
        ("nope", "1", "réglage inconnu"),
    ],
)
def test_a_bad_value_is_refused_and_nothing_is_saved(store, admin, key, typed, message) -> None:
    with pytest.raises(ValidationError, match=message):
        set_setting(store, admin, key, typed)
    assert audit_rows(store) == []


def test_only_an_admin_changes_a_setting(store, operator) -> None:
    with pytest.raises(ValidationError, match="administrateurs"):
        set_setting(store, operator, "town_name", "Auxerre")
    assert audit_rows(store) == []


def test_the_calendar_setting_reaches_the_store_at_once(store, admin) -> None:
    data = store.calendar().to_dict()
    data["ack_working_days"] = 5
    set_setting(store, admin, "calendar", json.dumps(data))
    assert store.calendar().ack_working_days == 5


def test_settings_commands(db_path, store, admin, operator) -> None:
    def run(who: str, *args: str):
        return CliRunner().invoke(
            main, ["--db", str(db_path), "--operator", who, "settings", *args]
        )

    assert run("admin", "set", "retention_years", "5").output == "retention_years = 5\n"
    assert run("admin", "get", "retention_years").output == "5\n"
    listed = run("admin", "list").output
    assert "retention_years\t5\tDurée de conservation (années)" in listed
    refused = run("admin", "set", "retention_years", "0")
    assert refused.exit_code != 0 and "supérieur à zéro" in refused.output
    denied = run("hostess", "set", "retention_years", "7")
    assert denied.exit_code != 0 and "administrateur" in denied.output
    assert run("admin", "get", "retention_years").output == "5\n"
