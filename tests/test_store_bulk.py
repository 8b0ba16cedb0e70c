"""Supervisors' bulk actions through the Store (`apply_bulk`): one action on the requests
marked in a list, one Event each, and a request that may not take it or that changed since it
was marked skipped with its reason and left exactly as it was."""

from __future__ import annotations

import pytest
from conftest import ALL_BACKENDS
from store_helpers import query, request_for, service_id

from allo_tui.data.store import Store
from allo_tui.domain.bulk import MarkedRequest
from allo_tui.domain.workflow import Action, WorkflowError

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""


def _done_requests(store: Store, operator, count: int) -> list:
    """`count` requests marked done (with an outcome), as a list would show them."""
    requests = []
    for index in range(count):
        created = store.create_request(operator, request_for(store, description=f"Trou {index}"))
        done = store.apply(
            operator,
            created.id,
            Action.DONE,
            expected_version=created.version,
            outcome_code="REPARE",
            text="Rebouché",
        )
        requests.append(done)
    return requests


def _marked(requests) -> list[MarkedRequest]:
    return [MarkedRequest(request.id, request.reference, request.version) for request in requests]


def test_a_supervisor_closes_five_done_requests_in_one_go_with_one_event_each(
    store: Store, operator, supervisor, db_path
):
    requests = _done_requests(store, operator, 5)

    result = store.apply_bulk(supervisor, _marked(requests), Action.CLOSE)

    assert result.done == tuple(request.reference for request in requests)
    assert result.skipped == ()
    assert query(db_path, "SELECT DISTINCT status FROM requests") == [("closed",)]
    closing_events = query(
        db_path,
        "SELECT count(*) FROM events WHERE kind = 'status' AND new_value = 'closed'"
        " AND operator_id = ?",
        (supervisor.id,),
    )
    assert closing_events == [(5,)]


def test_a_request_changed_since_it_was_marked_is_skipped_and_left_as_it_is(
    store: Store, operator, supervisor, db_path
):
    first, second, third = _done_requests(store, operator, 3)
    marked = _marked([first, second, third])
    # Another console reopens the second one after it was marked.
    store.apply(supervisor, second.id, Action.REOPEN, expected_version=second.version)

    result = store.apply_bulk(supervisor, marked, Action.CLOSE)

    assert result.done == (first.reference, third.reference)
    assert result.skipped == ((second.reference, "modifiée entre-temps"),)
    statuses = dict(query(db_path, "SELECT reference, status FROM requests"))
    assert statuses[second.reference] in ("new", "acknowledged")
    assert statuses[first.reference] == statuses[third.reference] == "closed"


def test_a_request_whose_status_does_not_allow_the_action_is_skipped_with_the_reason(
    store: Store, operator, supervisor, db_path
):
    (done,) = _done_requests(store, operator, 1)
    still_new = store.create_request(operator, request_for(store))

    result = store.apply_bulk(supervisor, _marked([done, still_new]), Action.CLOSE)

    assert result.done == (done.reference,)
    ((reference, reason),) = result.skipped
    assert reference == still_new.reference
    assert "Nouvelle" in reason  # "Impossible depuis le statut « Nouvelle »"
    assert query(db_path, "SELECT status, version FROM requests WHERE id = ?", (still_new.id,)) == [
        ("new", still_new.version)
    ]


def test_bulk_reject_stores_the_one_coded_reason_on_every_request(
    store: Store, operator, supervisor, db_path
):
    requests = [store.create_request(operator, request_for(store)) for _ in range(3)]

    result = store.apply_bulk(
        supervisor,
        _marked(requests),
        Action.REJECT,
        reason_code="DOMAINE_PRIVE",
        text="Terrain d'un bailleur",
    )

    assert len(result.done) == 3
    assert query(db_path, "SELECT DISTINCT status, rejection_reason_code FROM requests") == [
        ("rejected", "DOMAINE_PRIVE")
    ]


def test_bulk_assign_sets_the_service_of_every_marked_request(
    store: Store, operator, supervisor, db_path
):
    requests = [store.create_request(operator, request_for(store)) for _ in range(2)]
    greens = service_id(store, "Espaces verts")

    result = store.apply_bulk(supervisor, _marked(requests), Action.ASSIGN, service_id=greens)

    assert len(result.done) == 2
    assert query(db_path, "SELECT DISTINCT service_id, status FROM requests") == [
        (greens, "assigned")
    ]


def test_bulk_requalify_changes_category_and_urgency_of_every_marked_request(
    store: Store, operator, supervisor, db_path
):
    requests = [store.create_request(operator, request_for(store)) for _ in range(2)]
    lighting = next(c for c in store.categories() if c.code == "ECLAIRAGE")

    result = store.apply_bulk(
        supervisor, _marked(requests), Action.REQUALIFY, category_id=lighting.id, urgency=1
    )

    assert len(result.done) == 2
    assert query(db_path, "SELECT DISTINCT category_id, urgency FROM requests") == [
        (lighting.id, 1)
    ]
    edits = query(db_path, "SELECT count(*) FROM events WHERE kind = 'edit'")
    assert edits == [(2,)]


def test_a_hostess_may_not_use_bulk_actions_and_nothing_is_written(store: Store, operator, db_path):
    requests = _done_requests(store, operator, 2)
    before = query(db_path, "SELECT id, status, version FROM requests ORDER BY id")

    with pytest.raises(WorkflowError, match="superviseurs"):
        store.apply_bulk(operator, _marked(requests), Action.CLOSE)

    assert query(db_path, "SELECT id, status, version FROM requests ORDER BY id") == before
