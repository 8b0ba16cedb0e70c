"""Requalifying a request (category, service, urgency) through the Store, on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import ALL_BACKENDS

from allo_tui.data.store import Store
from allo_tui.domain.errors import StaleWriteError, ValidationError
from allo_tui.domain.records import EventKind, NewRequest
from allo_tui.domain.workflow import Action, WorkflowError

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


def pothole(store: Store, who):
    """A roads request taken at the fixed clock's time (urgency 3: due in 10 days)."""
    category = store.find_category("VOIRIE")
    return store.create_request(
        who, NewRequest(category_id=category.id, description="Nid-de-poule", street="Rue X")
    )


def test_a_raised_urgency_is_due_from_the_requalification_with_old_and_new_in_one_event(
    store, operator, clock
):
    request = pothole(store, operator)
    danger = store.find_category("DANGER")
    clock.advance(hours=5)
    saved = store.requalify(
        operator,
        request.id,
        expected_version=request.version,
        category_id=danger.id,
        service_id=None,
        urgency=1,
        text="\tTrou plus profond que décrit ",
    )
    assert (saved.category_id, saved.service_id, saved.urgency) == (
        danger.id,
        danger.service_id,
        1,
    )
    assert saved.intervention_due_at == clock.now() + timedelta(hours=1)
    assert saved.ack_due_at == request.ack_due_at, "the acknowledgement due date never moves"
    assert saved.version == request.version + 1
    event = store.events(request.id)[-1]
    assert event.kind is EventKind.EDIT
    assert event.old_value.startswith("Catégorie : Voirie")
    assert "Urgence : 3 (Normale)" in event.old_value
    assert "Intervention : 04/12/2026 10:00" in event.old_value
    assert "Urgence : 1 (Immédiate)" in event.new_value
    assert "Intervention : 24/11/2026 16:00" in event.new_value
    assert event.note == "\tTrou plus profond que décrit ", "the reason is kept as typed"


def test_a_lowered_urgency_is_due_from_the_call(store, operator, clock):
    danger = store.find_category("DANGER")
    request = store.create_request(
        operator, NewRequest(category_id=danger.id, description="Plaque soulevée")
    )
    clock.advance(hours=3)
    saved = store.requalify(
        operator,
        request.id,
        expected_version=1,
        category_id=danger.id,
        service_id=danger.service_id,
        urgency=3,
    )
    assert saved.intervention_due_at == request.created_at + timedelta(days=10)


def test_operators_requalify_before_assignment_supervisors_after(store, operator, supervisor):
    request = pothole(store, operator)
    lighting = store.find_category("ECLAIRAGE")
    assigned = store.apply(
        operator, request.id, Action.ASSIGN, expected_version=1, service_id=request.service_id
    )
    with pytest.raises(WorkflowError, match="réservée aux superviseurs"):
        store.requalify(
            operator,
            request.id,
            expected_version=assigned.version,
            category_id=lighting.id,
            service_id=None,
            urgency=3,
        )
    assert store.get_request(request.id).category_id == request.category_id
    saved = store.requalify(
        supervisor,
        request.id,
        expected_version=assigned.version,
        category_id=lighting.id,
        service_id=None,
        urgency=3,
    )
    assert saved.category_id == lighting.id
    assert saved.intervention_due_at == request.intervention_due_at, "same urgency, same due"


def test_a_stale_requalification_is_refused_and_writes_nothing(
    store, operator, supervisor, db_path, clock
):
    request = pothole(store, operator)
    other_console = Store(db_path, clock=clock)
    other_console.apply(supervisor, request.id, Action.ACKNOWLEDGE, expected_version=1)
    other_console.close()
    with pytest.raises(StaleWriteError, match="Chef Superviseur"):
        store.requalify(
            operator,
            request.id,
            expected_version=1,
            category_id=request.category_id,
            service_id=None,
            urgency=1,
        )
    assert store.get_request(request.id).urgency == 3
    assert EventKind.EDIT not in [e.kind for e in store.events(request.id)]


def test_a_requalification_that_changes_nothing_or_names_no_urgency_is_refused(store, operator):
    request = pothole(store, operator)
    same = dict(category_id=request.category_id, service_id=request.service_id)
    with pytest.raises(ValidationError, match="Rien à changer"):
        store.requalify(operator, request.id, expected_version=1, urgency=3, **same)
    with pytest.raises(ValidationError, match="urgence"):
        store.requalify(operator, request.id, expected_version=1, urgency=7, **same)
    with pytest.raises(WorkflowError):
        store.apply(operator, request.id, Action.REQUALIFY, expected_version=1)
    assert store.get_request(request.id).version == 1
    assert len(store.events(request.id)) == 1


def test_a_category_no_longer_offered_may_stay_but_not_be_chosen(store, operator, db_path):
    from store_helpers import execute

    request = pothole(store, operator)
    lighting = store.find_category("ECLAIRAGE")
    execute(db_path, "UPDATE categories SET active = FALSE WHERE code IN ('VOIRIE', 'ECLAIRAGE')")
    saved = store.requalify(
        operator,
        request.id,
        expected_version=1,
        category_id=request.category_id,
        service_id=None,
        urgency=2,
    )
    assert (saved.category_id, saved.urgency) == (request.category_id, 2)
    with pytest.raises(ValidationError, match="Catégorie inconnue"):
        store.requalify(
            operator,
            request.id,
            expected_version=2,
            category_id=lighting.id,
            service_id=None,
            urgency=2,
        )
