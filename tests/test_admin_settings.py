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


def test_opening_hours_typed_as_text_change_the_calendar_and_the_audit_reads_them(
    store, admin
) -> None:
    shown = set_setting(
        store, admin, "opening_hours", "lun-ven 08:30-12:00 13:30-17:00 ; sam 9h00-12h00"
    )
    assert shown == "lun-ven 08:30-12:00 13:30-17:00 ; sam 09:00-12:00 ; dim fermé"
    calendar = store.calendar()
    assert calendar.opening_hours[5] and not calendar.opening_hours[6]
    assert calendar.opening_hours[0][1][1].strftime("%H:%M") == "17:00"
    listed = {key: value for key, _label, value in settings_shown(store)}
    assert listed["opening_hours"] == shown and "calendar" not in listed
    assert audit_rows(store)[-1][2:] == (
        "opening_hours",
        "lun-ven 08:30-12:00 13:30-18:00 ; sam-dim fermé",
        shown,
    )


def test_closure_days_and_targets_typed_as_text(store, admin) -> None:
    set_setting(store, admin, "closure_days", "31/12/2026 24/12/2026")
    set_setting(store, admin, "urgency_targets", "1 : 30 min ; 2 : 4 h ; 3 : 10 j ; 4 : aucun")
    set_setting(store, admin, "ack_working_days", "3")
    listed = {key: value for key, _label, value in settings_shown(store)}
    assert listed["closure_days"] == "24/12/2026, 31/12/2026"
    assert listed["urgency_targets"] == "1 : 30 min ; 2 : 4 h ; 3 : 10 j ; 4 : aucun"
    calendar = store.calendar()
    assert calendar.ack_working_days == 3
    assert dict(calendar.urgency_targets)[1].total_seconds() == 1800
    assert not calendar.is_working_day(__import__("datetime").date(2026, 12, 24))


@pytest.mark.parametrize(
    ("key", "typed", "said"),
    [
        ("opening_hours", "lun-ven 18:00-08:00", "le début avant la fin"),
        ("opening_hours", "lundi-vendrdi 08:00-12:00", "jour inconnu"),
        ("opening_hours", "lun 08:00-12:00 11:00-14:00", "chevauchent"),
        ("closure_days", "2026-12-24", "JJ/MM/AAAA"),
        ("urgency_targets", "5 : 1 h", "urgence inconnue"),
        ("urgency_targets", "1 : bientôt", "délai invalide"),
        ("ack_working_days", "deux", "jours ouvrés"),
    ],
)
def test_a_calendar_part_refused_changes_nothing(store, admin, key, typed, said) -> None:
    before = store.calendar()
    with pytest.raises(ValidationError) as refused:
        set_setting(store, admin, key, typed)
    assert said in refused.value.message
    store._calendar = None
    assert store.calendar() == before
    assert audit_rows(store) == []
