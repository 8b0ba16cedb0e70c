"""Changing requests through the Store: version checks between consoles and the workflow (DESIGN §3, §6, §7).

Each test names the behaviour it protects and checks what the database holds (read back with a
plain `sqlite3` connection) or what a console would be shown (the records the Store returns).
Timestamps are stored as UTC text by SQLAlchemy: "YYYY-MM-DD HH:MM:SS.ffffff".
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from conftest import ALL_BACKENDS
from store_helpers import (
    DRIVER_ERRORS,
    NOW,
    ZEBULON,
    db_time,
    execute,
    query,
    request_for,
    scalar,
    service_id,
)

from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.errors import StaleWriteError, ValidationError
from allo_tui.domain.records import (
    EventKind,
    Status,
)
from allo_tui.domain.workflow import Action, WorkflowError

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""


# -- versioning --------------------------------------------------------------------------------


@pytest.fixture
def second_store(db_path: Path, clock: FixedClock):
    """Another console on the same file (its own engine)."""
    other = Store(db_path, clock=clock)
    yield other
    other.close()


def test_a_stale_status_change_is_refused_naming_who_changed_it_and_when(
    store: Store, second_store: Store, operator, supervisor, clock: FixedClock, db_path
):
    created = store.create_request(operator, request_for(store))
    seen_by_a = store.get_request(created.id)
    seen_by_b = second_store.get_request(created.id)
    assert seen_by_a.version == seen_by_b.version == 1
    clock.advance(minutes=17)  # 09:17 UTC = 10:17 in Paris

    store.apply(operator, created.id, Action.ACKNOWLEDGE, expected_version=1)
    with pytest.raises(StaleWriteError) as refused:
        second_store.apply(supervisor, created.id, Action.START, expected_version=1)

    message = str(refused.value)
    assert "Anne Hôtesse" in message
    assert "10:17" in message
    assert refused.value.when == NOW + timedelta(minutes=17)
    assert query(db_path, "SELECT status, version, updated_by_id FROM requests") == [
        ("acknowledged", 2, operator.id)
    ]
    assert [row[0] for row in query(db_path, "SELECT kind FROM events ORDER BY id")] == [
        "created",
        "acknowledgement",
        "status",
    ]


def test_a_note_with_a_stale_version_is_accepted(
    store: Store, second_store: Store, operator, supervisor, db_path
):
    created = store.create_request(operator, request_for(store))
    store.apply(operator, created.id, Action.ACKNOWLEDGE, expected_version=1)

    after = second_store.apply(
        supervisor, created.id, Action.NOTE, expected_version=1, text="Rappeler demain"
    )

    assert after.status is Status.ACKNOWLEDGED
    assert after.version == 2  # a note does not change the request
    assert query(
        db_path, "SELECT kind, operator_id, note FROM events ORDER BY id DESC LIMIT 1"
    ) == [("note", supervisor.id, "Rappeler demain")]


def test_a_stale_caller_edit_is_refused_naming_who_changed_it_and_when(
    store: Store, second_store: Store, operator, supervisor, clock: FixedClock, db_path
):
    caller = store.create_caller(operator, ZEBULON)
    assert second_store.get_caller(caller.id).version == 1
    clock.advance(minutes=42)  # 10:42 in Paris

    store.update_caller(operator, caller.id, 1, email="eleonore@example.fr")
    with pytest.raises(StaleWriteError) as refused:
        second_store.update_caller(
            supervisor, caller.id, 1, email="autre@example.fr", phones=["06 12 34 56 78"]
        )

    assert "Anne Hôtesse" in str(refused.value)
    assert "10:42" in str(refused.value)
    assert query(db_path, "SELECT email, version, updated_by_id FROM callers") == [
        ("eleonore@example.fr", 2, operator.id)
    ]
    assert query(db_path, "SELECT number FROM caller_phones") == [("+33386123456",)]
    # Reloaded, B's save goes through.
    saved = second_store.update_caller(supervisor, caller.id, 2, email="autre@example.fr")
    assert saved.version == 3
    assert saved.updated_by == "Chef Superviseur"


def test_an_unknown_contact_preference_is_refused_for_its_field(store: Store, operator):
    caller = store.create_caller(operator, ZEBULON)

    with pytest.raises(ValidationError) as refused:
        store.update_caller(operator, caller.id, 1, contact_preference="fax")

    assert refused.value.field == "contact_preference"


# -- workflow through the Store ---------------------------------------------------------------------


def _state(path: Path) -> list[tuple]:
    return query(path, "SELECT status, version, closed_at, answer FROM requests ORDER BY id") + [
        ("events", scalar(path, "SELECT count(*) FROM events"))
    ]


def test_an_operator_cannot_reject_and_nothing_changes(store: Store, operator, db_path):
    request = store.create_request(operator, request_for(store))
    before = _state(db_path)

    with pytest.raises(WorkflowError):
        store.apply(operator, request.id, Action.REJECT, expected_version=1, text="Hors compétence")

    assert _state(db_path) == before


def test_a_supervisor_can_reject_with_a_reason(store: Store, operator, supervisor, clock, db_path):
    request = store.create_request(operator, request_for(store))
    clock.advance(hours=2)

    rejected = store.apply(
        supervisor, request.id, Action.REJECT, expected_version=1, reason_code="DOMAINE_PRIVE"
    )

    assert rejected.status is Status.REJECTED
    assert not rejected.is_open
    assert (rejected.rejection_reason_code, rejected.rejection_reason_label) == (
        "DOMAINE_PRIVE",
        "Domaine privé",
    )
    assert rejected.closed_at == NOW + timedelta(hours=2)
    assert query(
        db_path, "SELECT kind, old_value, new_value, note, operator_id FROM events ORDER BY id"
    )[-1] == (
        "status",
        "new",
        "rejected",
        "Domaine privé",
        supervisor.id,
    )


def test_a_rejection_needs_a_reason(store: Store, operator, supervisor, db_path):
    request = store.create_request(operator, request_for(store))
    before = _state(db_path)

    with pytest.raises(ValidationError) as refused:
        store.apply(supervisor, request.id, Action.REJECT, expected_version=1, text="Privé")
    assert refused.value.message == "Choisissez le motif du rejet dans la liste."
    with pytest.raises(ValidationError) as refused:
        store.apply(
            supervisor, request.id, Action.REJECT, expected_version=1, reason_code="INCONNU"
        )
    assert "n'est pas dans la liste" in refused.value.message

    assert _state(db_path) == before


def test_done_requires_a_coded_outcome_and_keeps_the_answer_given_to_the_citizen(
    store: Store, operator, db_path
):
    request = store.create_request(operator, request_for(store))
    before = _state(db_path)

    with pytest.raises(ValidationError) as refused:
        store.apply(operator, request.id, Action.DONE, expected_version=1, text="Rebouché")
    assert refused.value.message == "Choisissez la réponse apportée dans la liste."
    assert _state(db_path) == before

    done = store.apply(
        operator,
        request.id,
        Action.DONE,
        expected_version=1,
        outcome_code="REPARE",
        text="Trou rebouché le jour même",
    )
    assert done.status is Status.DONE
    assert (done.outcome_code, done.outcome_label) == ("REPARE", "Réparé")
    assert query(db_path, "SELECT answer, outcome_code FROM requests") == [
        ("Trou rebouché le jour même", "REPARE")
    ]
    assert query(db_path, "SELECT note FROM events ORDER BY id")[-1] == (
        "Réparé — Trou rebouché le jour même",
    )


def test_every_transition_writes_an_event_with_old_and_new_values(
    store: Store, operator, supervisor, clock: FixedClock, db_path
):
    request = store.create_request(operator, request_for(store))
    mobile_team = service_id(store, "Équipe mobile d'intervention")
    steps = [
        (operator, Action.ACKNOWLEDGE, {}),
        (operator, Action.ASSIGN, {"service_id": mobile_team}),
        (operator, Action.START, {}),
        (operator, Action.DONE, {"text": "Rebouché", "outcome_code": "REPARE"}),
        (supervisor, Action.CLOSE, {}),
        (supervisor, Action.REOPEN, {"text": "Le trou est revenu"}),
    ]
    version = 1
    for who, action, extra in steps:
        clock.advance(minutes=5)
        version = store.apply(who, request.id, action, expected_version=version, **extra).version

    assert version == 7
    assert query(db_path, "SELECT kind, old_value, new_value FROM events ORDER BY id") == [
        ("created", "", "new"),
        ("acknowledgement", "", "phone"),
        ("status", "new", "acknowledged"),
        ("assignment", "Voirie", "Équipe mobile d'intervention"),
        ("status", "acknowledged", "assigned"),
        ("status", "assigned", "in_progress"),
        ("status", "in_progress", "done"),
        ("status", "done", "closed"),
        # Reopened after an acknowledgement: back to acknowledged, not new.
        ("status", "closed", "acknowledged"),
    ]
    final = store.get_request(request.id)
    assert final.status is Status.ACKNOWLEDGED
    assert final.closed_at is None
    assert final.updated_by == "Chef Superviseur"


def test_acknowledging_records_when_and_how(store: Store, operator, clock: FixedClock, db_path):
    request = store.create_request(operator, request_for(store))
    clock.advance(hours=3)

    acknowledged = store.apply(
        operator, request.id, Action.ACKNOWLEDGE, expected_version=1, how="letter"
    )

    assert acknowledged.acknowledged_at == NOW + timedelta(hours=3)
    assert acknowledged.acknowledged_how == "letter"
    assert query(db_path, "SELECT acknowledged_at, acknowledged_how, status FROM requests") == [
        (db_time(NOW + timedelta(hours=3)), "letter", "acknowledged")
    ]


def test_acknowledging_with_an_unknown_channel_is_refused(store: Store, operator, db_path):
    request = store.create_request(operator, request_for(store))
    before = _state(db_path)

    with pytest.raises(ValidationError) as refused:
        store.apply(operator, request.id, Action.ACKNOWLEDGE, expected_version=1, how="pigeon")

    assert refused.value.field == "how"
    assert _state(db_path) == before


def test_acknowledging_later_keeps_the_status(store: Store, operator, db_path):
    request = store.create_request(operator, request_for(store))
    voirie = service_id(store, "Voirie")
    store.apply(operator, request.id, Action.ASSIGN, expected_version=1, service_id=voirie)

    after = store.apply(operator, request.id, Action.ACKNOWLEDGE, expected_version=2)

    assert after.status is Status.ASSIGNED
    assert after.acknowledged_at == NOW
    assert query(db_path, "SELECT kind FROM events ORDER BY id")[-1] == ("acknowledgement",)


def test_assigning_changes_the_service_and_writes_an_assignment_event(
    store: Store, operator, db_path
):
    request = store.create_request(operator, request_for(store, "ECLAIRAGE", "Lampadaire éteint"))
    voirie = service_id(store, "Voirie")

    assigned = store.apply(
        operator, request.id, Action.ASSIGN, expected_version=1, service_id=voirie, text="urgent"
    )

    assert assigned.service_id == voirie
    assert assigned.service_name == "Voirie"
    assert assigned.status is Status.ASSIGNED
    assert query(db_path, "SELECT service_id FROM requests") == [(voirie,)]
    assert ("assignment", "Éclairage public", "Voirie", "urgent") in query(
        db_path, "SELECT kind, old_value, new_value, note FROM events"
    )


def test_assigning_to_an_unknown_service_is_refused(store: Store, operator, db_path):
    request = store.create_request(operator, request_for(store))
    before = _state(db_path) + query(db_path, "SELECT service_id FROM requests")

    with pytest.raises(ValidationError) as refused:
        store.apply(operator, request.id, Action.ASSIGN, expected_version=1, service_id=999)

    assert refused.value.field == "service"
    assert _state(db_path) + query(db_path, "SELECT service_id FROM requests") == before


def test_reassigning_is_for_supervisors(store: Store, operator, supervisor, db_path):
    request = store.create_request(operator, request_for(store))
    voirie, mobile_team = (
        service_id(store, "Voirie"),
        service_id(store, "Équipe mobile d'intervention"),
    )
    store.apply(operator, request.id, Action.ASSIGN, expected_version=1, service_id=voirie)

    with pytest.raises(WorkflowError):
        store.apply(operator, request.id, Action.ASSIGN, expected_version=2, service_id=mobile_team)
    assert query(db_path, "SELECT service_id FROM requests") == [(voirie,)]

    moved = store.apply(
        supervisor, request.id, Action.ASSIGN, expected_version=2, service_id=mobile_team
    )
    assert moved.service_id == mobile_team


def test_marking_a_duplicate_links_the_original_by_reference(store: Store, operator, db_path):
    original = store.create_request(operator, request_for(store, street="rue du Temple"))
    again = store.create_request(operator, request_for(store, street="rue du Temple"))

    marked = store.apply(
        operator, again.id, Action.DUPLICATE, expected_version=1, original_reference="00001"
    )

    assert marked.status is Status.DUPLICATE
    assert marked.duplicate_of_id == original.id
    assert marked.duplicate_of_reference == "2026-00001"
    assert marked.closed_at == NOW
    assert query(db_path, "SELECT duplicate_of_id FROM requests WHERE id = ?", (again.id,)) == [
        (original.id,)
    ]
    assert ("merge", "2026-00001") in query(
        db_path, "SELECT kind, new_value FROM events WHERE request_id = ?", (again.id,)
    )
    assert [r.id for r in store.duplicates_of(original.id)] == [again.id]


@pytest.mark.parametrize(
    ("reference", "reason"), [("2026-00002", "self"), ("2026-00077", "unknown")]
)
def test_a_duplicate_of_itself_or_of_nothing_is_refused(
    store: Store, operator, db_path, reference, reason
):
    store.create_request(operator, request_for(store))
    request = store.create_request(operator, request_for(store))
    before = _state(db_path)

    with pytest.raises(ValidationError) as refused:
        store.apply(
            operator, request.id, Action.DUPLICATE, expected_version=1, original_reference=reference
        )

    assert refused.value.field == "original"
    assert _state(db_path) == before


def test_a_request_created_as_a_duplicate_tells_the_original(store: Store, operator, db_path):
    original = store.create_request(operator, request_for(store))

    copy = store.create_request(
        operator, request_for(store, new_caller=ZEBULON, duplicate_of_id=original.id)
    )

    assert copy.status is Status.DUPLICATE
    assert copy.duplicate_of_id == original.id
    reported = [e for e in store.events(original.id) if e.kind is EventKind.REPORTED_AGAIN]
    assert len(reported) == 1
    assert reported[0].new_value == copy.reference
    assert "ZÉBULON Éléonore" in reported[0].note
    # The original itself is untouched (a "reported again" event is not an edit).
    assert store.get_request(original.id).version == 1


def test_events_cannot_be_updated_or_deleted(store: Store, operator, db_path):
    store.create_request(operator, request_for(store))
    before = query(db_path, "SELECT * FROM events")
    with pytest.raises(DRIVER_ERRORS, match="append-only"):
        execute(db_path, "UPDATE events SET note = 'effacé'")
    with pytest.raises(DRIVER_ERRORS, match="append-only"):
        execute(db_path, "DELETE FROM events")

    assert query(db_path, "SELECT * FROM events") == before
