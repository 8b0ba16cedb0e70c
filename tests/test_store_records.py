"""One record for one request: every reader of the Store (the request view, the detail
screen, a typed reference, the history list, the caller card and the board) returns the same
`RequestRecord`, joins and timestamps included."""

from __future__ import annotations

from conftest import ALL_BACKENDS
from store_helpers import ZEBULON, request_for, service_id

from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import RequestRecord, Status
from allo_tui.domain.workflow import Action

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""


def test_every_reader_returns_the_same_record_of_a_request(
    store: Store, operator, supervisor, clock: FixedClock
) -> None:
    original = store.create_request(operator, request_for(store, street="rue du Temple"))
    clock.advance(minutes=7, microseconds=123_456)
    reported = store.create_request(
        operator,
        request_for(
            store,
            description="Nid de poule, signalé à nouveau",
            street_number="12",
            street="rue du Temple",
            landmark="devant l'école",
            new_caller=ZEBULON,
            duplicate_of_id=original.id,
        ),
    )
    clock.advance(hours=1)
    reopened = store.apply(
        supervisor,
        reported.id,
        Action.REOPEN,
        expected_version=reported.version,
        text="Pas le même trou",
    )
    clock.advance(minutes=5)
    assigned = store.apply(
        supervisor,
        reported.id,
        Action.ASSIGN,
        expected_version=reopened.version,
        service_id=service_id(store, "Équipe mobile d'intervention"),
    )
    later = store.create_request(
        operator, request_for(store, street="rue du Temple", duplicate_of_id=reported.id)
    )

    seen = store.get_request(reported.id)

    # The record holds every join the screens show: a regression in one reader shows here.
    assert seen == assigned
    assert seen.status is Status.ASSIGNED
    assert seen.caller_id is not None and seen.caller_name == "ZÉBULON Éléonore"
    assert seen.service_name == "Équipe mobile d'intervention"
    assert seen.duplicate_of_id == original.id
    assert seen.duplicate_of_reference == original.reference
    assert (seen.created_by, seen.updated_by) == ("Anne Hôtesse", "Chef Superviseur")
    assert seen.updated_at > seen.created_at and seen.version == reported.version + 2

    detail = store.request_detail(reported.id)
    assert detail.request == seen
    assert [d.id for d in detail.duplicates] == [later.id]
    assert list(detail.duplicates) == store.duplicates_of(reported.id)
    assert list(detail.events) == store.events(reported.id)
    assert store.get_request_by_reference(seen.reference) == seen
    assert _only(store.history().rows, seen) == seen
    assert _only(store.caller_requests(seen.caller_id), seen) == seen
    assert _only(store.open_interventions(), seen) == seen
    assert _only(store.board_snapshot(limit=50).rows, seen) == seen


def _only(rows, wanted: RequestRecord) -> RequestRecord:
    """The one row of `rows` for `wanted`'s request."""
    (row,) = [row for row in rows if row.id == wanted.id]
    return row
