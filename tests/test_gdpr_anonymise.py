"""Anonymising callers (GDPR): erasure on request and the retention purge.

Each test names the behaviour it protects and checks what the database holds afterwards, read
with a plain driver connection, or what the search finds.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from conftest import ALL_BACKENDS
from store_helpers import query, request_for, table_counts

from allo_tui.cli import main
from allo_tui.data.store.anonymise import ANONYMOUS_SURNAME
from allo_tui.domain.errors import ValidationError
from allo_tui.domain.records import CallInfo, CallOutcome, NewCaller
from allo_tui.domain.workflow import Action

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""


def _caller(store, operator, surname: str, phone: str):
    return store.create_caller(
        operator,
        NewCaller(
            surname=surname,
            given_name="Éléonore",
            phones=(phone,),
            email=f"{surname.lower()}@example.org",
            street_number="12",
            street="Rue du Temple",
            postcode="89000",
            city="Auxerre",
            neighbourhood="Centre",
            notes="Appelle le soir.",
        ),
    )


def _closed_request(store, operator, supervisor, caller, description: str):
    request = store.create_request(
        operator,
        request_for(store, description=description, caller_id=caller.id, street="Rue du Temple"),
        CallInfo(started_at=store.now(), console="poste-1", phone=caller.phones[0].display),
    )
    store.apply(
        operator,
        request.id,
        Action.NOTE,
        expected_version=request.version,
        text="Rappeler Zébulon au 06 98 76 54 32 ou zebulon@example.org",
    )
    current = store.get_request(request.id)
    store.apply(
        supervisor,
        request.id,
        Action.REJECT,
        expected_version=current.version,
        reason_code="DOMAINE_PRIVE",
    )
    return request


def test_erasure_removes_the_caller_everywhere_and_keeps_the_request_for_statistics(
    store, operator, supervisor, admin, db_path
):
    caller = _caller(store, operator, "Zébulon", "03 86 12 34 56")
    request = _closed_request(
        store, operator, supervisor, caller, "Trou devant chez Zébulon, tél 03 86 12 34 56"
    )

    counts = store.erase_caller(admin, caller.id, "Demande écrite du 02/12")

    assert counts.callers == 1 and counts.phones == 1 and counts.events >= 1
    assert query(
        db_path,
        "SELECT surname, given_name, email, street, notes, neighbourhood FROM callers",
    ) == [(ANONYMOUS_SURNAME, "", "", "", "", "Centre")]
    assert query(db_path, "SELECT count(*) FROM caller_phones") == [(0,)]
    (description, street, category_id) = query(
        db_path, "SELECT description, street, category_id FROM requests WHERE id = ?", (request.id,)
    )[0]
    assert "Zébulon" not in description and "34 56" not in description
    assert street == "Rue du Temple" and category_id == request.category_id
    notes = " ".join(row[0] for row in query(db_path, "SELECT note FROM events"))
    assert "06 98 76 54 32" not in notes and "zebulon@example.org" not in notes
    assert "Zébulon" not in notes
    assert query(db_path, "SELECT phone FROM calls") == [("",)]
    assert store.search_callers("zebulon").rows == ()
    assert store.search_callers("0386123456").rows == ()
    [(action, subject)] = query(
        db_path, "SELECT action, subject FROM audit WHERE action LIKE 'gdpr.%'"
    )
    assert (action, subject) == ("gdpr.erase", f"#{caller.id}")


def test_erasure_waits_for_open_requests_unless_forced_and_is_for_admins(
    store, operator, supervisor, admin, db_path
):
    caller = _caller(store, operator, "Zébulon", "03 86 12 34 56")
    store.create_request(operator, request_for(store, caller_id=caller.id))
    before = table_counts(db_path)
    with pytest.raises(ValidationError, match="ouverte"):
        store.erase_caller(admin, caller.id, "Demande écrite")
    with pytest.raises(ValidationError, match="administrateurs"):
        store.erase_caller(supervisor, caller.id, "Demande écrite", force=True)
    assert table_counts(db_path) == before
    assert query(db_path, "SELECT surname FROM callers") == [("Zébulon",)]

    store.erase_caller(admin, caller.id, "Demande écrite", force=True)
    assert query(db_path, "SELECT surname FROM callers") == [(ANONYMOUS_SURNAME,)]


def test_events_stay_append_only_outside_the_anonymisation(
    store, operator, supervisor, admin, db_path
):
    from store_helpers import DRIVER_ERRORS, execute

    caller = _caller(store, operator, "Zébulon", "03 86 12 34 56")
    _closed_request(store, operator, supervisor, caller, "Trou")
    store.erase_caller(admin, caller.id, "Demande écrite")
    with pytest.raises(DRIVER_ERRORS):
        execute(db_path, "UPDATE events SET note = 'x'")
    with pytest.raises(DRIVER_ERRORS):
        execute(db_path, "DELETE FROM events")


def test_the_purge_takes_only_callers_past_the_retention_period(
    store, operator, supervisor, admin, clock, db_path
):
    # Four years ago for the store; `allo gdpr purge` below runs on today's clock.
    today = clock.at
    clock.at = today - timedelta(days=4 * 365)
    old = _caller(store, operator, "Ancien", "03 86 11 11 11")
    _closed_request(store, operator, supervisor, old, "Tag sur le mur")
    waiting = _caller(store, operator, "Ouvert", "03 86 22 22 22")
    store.create_request(operator, request_for(store, caller_id=waiting.id))
    returning = _caller(store, operator, "Revenu", "03 86 33 33 33")
    clock.at = today
    store.log_call(
        operator,
        CallInfo(started_at=store.now(), console="poste-1", phone="03 86 33 33 33"),
        CallOutcome.INFORMATION,
        caller_id=returning.id,
    )
    by_category = "SELECT category_id, count(*) FROM requests GROUP BY category_id ORDER BY 1"
    statistics = query(db_path, by_category)

    assert store.purge_candidates() == [old.id]
    result = CliRunner().invoke(
        main, ["--db", str(db_path), "--operator", "admin", "gdpr", "purge", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "1 appelant(s) seraient anonymisés" in result.output
    assert query(db_path, "SELECT surname FROM callers WHERE id = ?", (old.id,)) == [("Ancien",)]

    result = CliRunner().invoke(
        main, ["--db", str(db_path), "--operator", "admin", "gdpr", "purge"]
    )
    assert result.exit_code == 0, result.output
    assert "1 appelant(s) anonymisé(s)" in result.output
    assert query(db_path, "SELECT id, surname FROM callers ORDER BY id") == [
        (old.id, ANONYMOUS_SURNAME),
        (waiting.id, "Ouvert"),
        (returning.id, "Revenu"),
    ]
    assert query(db_path, by_category) == statistics
    assert store.purge_candidates() == []  # an anonymised caller is not taken again


def test_erase_from_the_command_line_names_the_caller_by_number(store, operator, admin, db_path):
    caller = _caller(store, operator, "Zébulon", "03 86 12 34 56")
    command = ["--db", str(db_path), "--operator", "admin", "gdpr", "erase"]
    result = CliRunner().invoke(main, [*command, "03 86 12 34 56", "--reason", "Courrier"])
    assert result.exit_code == 0, result.output
    assert f"Appelant #{caller.id} anonymisé" in result.output
    refused = CliRunner().invoke(
        main,
        [
            "--db",
            str(db_path),
            "--operator",
            "hostess",
            "gdpr",
            "erase",
            f"#{caller.id}",
            "--reason",
            "x",
        ],
    )
    assert refused.exit_code != 0 and "Traceback" not in refused.output
