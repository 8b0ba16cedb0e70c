"""Creating requests through the Store: references, due dates, what is written, validation,
checkpoints and atomicity (DESIGN §3, §6, §7).

Each test names the behaviour it protects and checks what the database holds (read back with a
plain `sqlite3` connection) or what a console would be shown (the records the Store returns).
Timestamps are stored as UTC text by SQLAlchemy: "YYYY-MM-DD HH:MM:SS.ffffff".
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import ALL_BACKENDS
from store_helpers import (
    CALL_STARTED,
    DRIVER_ERRORS,
    NOW,
    PARIS,
    ZEBULON,
    category_id,
    db_time,
    execute,
    fts_rowids,
    query,
    request_for,
    table_counts,
)

import allo_tui.data.store.requests as store_module
from allo_tui.data.backend.sqlite.connect import CHECKPOINT_EVERY_WRITES, BackgroundCheckpointer
from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.errors import ValidationError
from allo_tui.domain.records import (
    CallInfo,
    CallOutcome,
    EventKind,
    NewRequest,
    Status,
)

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""


# -- create_request: references ------------------------------------------------------------------


def test_references_are_allocated_in_sequence_per_paris_year(store: Store, operator, db_path):
    references = [store.create_request(operator, request_for(store)).reference for _ in range(3)]

    assert references == ["2026-00001", "2026-00002", "2026-00003"]
    assert query(db_path, "SELECT reference, ref_year, ref_seq FROM requests ORDER BY id") == [
        ("2026-00001", 2026, 1),
        ("2026-00002", 2026, 2),
        ("2026-00003", 2026, 3),
    ]
    assert query(db_path, "SELECT year, last FROM reference_counters") == [(2026, 3)]


def test_reference_year_is_the_paris_year_of_the_call(
    store: Store, operator, clock: FixedClock, db_path
):
    store.create_request(operator, request_for(store))
    # 23:30 UTC on 31 December is already 00:30 on 1 January in Paris.
    clock.set(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))

    request = store.create_request(operator, request_for(store))

    assert request.reference == "2027-00001"
    assert query(db_path, "SELECT year, last FROM reference_counters ORDER BY year") == [
        (2026, 1),
        (2027, 1),
    ]
    # 1 January is a holiday (Friday), then a weekend: due Tuesday 5 January, 18:00 Paris.
    assert request.ack_due_at == datetime(2027, 1, 5, 17, 0, tzinfo=UTC)


def test_sequence_grows_past_five_digits(store: Store, operator, db_path):
    execute(db_path, "INSERT INTO reference_counters (year, last) VALUES (2026, 99999)")

    request = store.create_request(operator, request_for(store))

    assert request.reference == "2026-100000"


# -- create_request: due dates --------------------------------------------------------------------


def test_due_dates_follow_the_site_calendar(store: Store, operator, db_path):
    # Tuesday 24 November 2026, 10:00 in Paris; Voirie is urgency 3 (10 days).
    request = store.create_request(operator, request_for(store, "VOIRIE"))

    assert request.urgency == 3
    # Acknowledgement: 18:00 Paris on the 2nd working day after the call, Thursday 26.
    assert request.ack_due_at == datetime(2026, 11, 26, 18, 0, tzinfo=PARIS)
    assert request.ack_due_at == datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    # Intervention: exactly 10 x 24 h after the call.
    assert request.intervention_due_at == NOW + timedelta(days=10)
    assert query(db_path, "SELECT ack_due_at, intervention_due_at FROM requests") == [
        ("2026-11-26 17:00:00.000000", "2026-12-04 09:00:00.000000")
    ]


@pytest.mark.parametrize(
    ("urgency", "target"),
    [(1, timedelta(hours=1)), (2, timedelta(hours=24)), (3, timedelta(days=10)), (4, None)],
)
def test_intervention_due_is_the_urgency_target_after_the_call(
    store: Store, operator, urgency, target
):
    request = store.create_request(operator, request_for(store, "VOIRIE", urgency=urgency))

    assert request.urgency == urgency
    assert request.intervention_due_at == (NOW + target if target else None)
    assert request.ack_due_at == datetime(2026, 11, 26, 17, 0, tzinfo=UTC)


def test_urgency_defaults_to_the_category_and_service_to_its_service(store: Store, operator):
    request = store.create_request(operator, request_for(store, "DANGER", "Plaque soulevée"))

    assert request.urgency == 1
    assert request.service_name == "Équipe mobile d'intervention"
    assert request.intervention_due_at == NOW + timedelta(hours=1)


# -- create_request: what is written ----------------------------------------------------------------


def test_creating_a_request_writes_its_first_event_and_the_call(store: Store, operator, db_path):
    caller = store.create_caller(operator, ZEBULON)
    call = CallInfo(started_at=CALL_STARTED, console="poste-1", phone="03 86 12 34 56")

    request = store.create_request(
        operator, request_for(store, caller_id=caller.id, street="rue du Temple"), call
    )

    assert request.status is Status.NEW
    assert request.created_at == NOW
    assert request.created_by == "Anne Hôtesse"
    assert request.caller_name == "ZÉBULON Éléonore"
    assert query(
        db_path, "SELECT request_id, at, operator_id, kind, old_value, new_value FROM events"
    ) == [(request.id, db_time(NOW), operator.id, "created", "", "new")]
    assert query(
        db_path,
        "SELECT started_at, ended_at, operator_id, console, phone, caller_id, request_id, outcome "
        "FROM calls",
    ) == [
        (
            db_time(CALL_STARTED),
            db_time(NOW),
            operator.id,
            "poste-1",
            "03 86 12 34 56",
            caller.id,
            request.id,
            "request_created",
        )
    ]
    timeline = store.events(request.id)
    assert [(e.kind, e.new_value, e.operator) for e in timeline] == [
        (EventKind.CREATED, "new", "Anne Hôtesse")
    ]
    assert [c.outcome for c in store.calls()] == [CallOutcome.REQUEST_CREATED]


def test_a_new_caller_is_created_with_the_request(store: Store, operator, db_path):
    call = CallInfo(started_at=CALL_STARTED, console="poste-1", phone="0386123456")

    request = store.create_request(operator, request_for(store, new_caller=ZEBULON), call)

    callers = query(db_path, "SELECT id, surname, given_name, street, version FROM callers")
    assert len(callers) == 1
    caller_id = callers[0][0]
    assert callers[0][1:] == ("Zébulon", "Éléonore", "rue du Temple", 1)
    assert query(
        db_path, "SELECT number, valid FROM caller_phones WHERE caller_id = ?", (caller_id,)
    ) == [("+33386123456", 1)]
    assert request.caller_id == caller_id
    assert query(db_path, "SELECT caller_id FROM calls") == [(caller_id,)]
    # The new caller is searchable at once, and shows one open request.
    found = store.search_callers("zébulon")
    assert [row.id for row in found.rows] == [caller_id]
    assert found.rows[0].open_requests == 1


def test_an_anonymous_request_has_no_caller(store: Store, operator, db_path):
    request = store.create_request(operator, request_for(store))

    assert request.caller_id is None
    assert request.caller_name == ""
    assert table_counts(db_path)["callers"] == 0


def test_typed_text_is_stored_as_typed_blanks_at_its_ends_included(store: Store, operator, db_path):
    typed = "\tNid de poule \n"
    request = store.create_request(
        operator, request_for(store, description=typed, street=" rue du Temple", landmark="ici ")
    )

    assert request.description == typed
    assert query(db_path, "SELECT description, street, landmark FROM requests") == [
        (typed, " rue du Temple", "ici ")
    ]
    done = store.apply(
        operator,
        request.id,
        "done",
        outcome_code="REPARE",
        expected_version=request.version,
        text="\tRéparé.\n",
    )
    assert done.answer == "\tRéparé.\n"


# -- create_request: validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"description": "  \n\t "}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"category_id": 999}, "category"),
        ({"urgency": 5}, "urgency"),
        ({"urgency": 0}, "urgency"),
        ({"service_id": 999}, "service"),
        ({"duplicate_of_id": 999}, "duplicate_of"),
    ],
    ids=[
        "blank-description",
        "long-description",
        "category",
        "urgency-5",
        "urgency-0",
        "service",
        "duplicate-of",
    ],
)
def test_bad_input_is_refused_for_its_field_and_nothing_is_written(
    store: Store, operator, db_path, fields, field
):
    store.create_request(operator, request_for(store))  # the counters already hold a year
    before = table_counts(db_path)
    values = {"category_id": category_id(store, "VOIRIE"), "description": "Nid de poule"}
    values.update(fields)
    new = NewRequest(new_caller=ZEBULON, **values)
    call = CallInfo(started_at=CALL_STARTED, console="poste-1")

    with pytest.raises(ValidationError) as refused:
        store.create_request(operator, new, call)

    assert refused.value.field == field
    assert str(refused.value)  # a message for the form
    assert table_counts(db_path) == before
    assert fts_rowids(db_path, "caller_search", "zebulon") == []


def test_an_unknown_caller_id_is_refused(store: Store, operator, db_path):
    before = table_counts(db_path)

    with pytest.raises(ValidationError) as refused:
        store.create_request(operator, request_for(store, caller_id=4242))

    assert refused.value.field == "caller"
    assert table_counts(db_path) == before


def test_a_description_of_exactly_4000_characters_is_accepted(store: Store, operator):
    request = store.create_request(operator, request_for(store, description="é" * 4000))

    assert len(request.description) == 4000


# -- checkpoints ---------------------------------------------------------------------------------


@pytest.mark.backends("sqlite")
def test_saves_leave_the_wal_checkpoint_to_a_background_thread(
    store: Store, operator, db_path, monkeypatch
):
    """A commit only appends to the WAL; copying it back (and syncing) runs in another thread
    every few writes, so no save waits for it."""
    threads: list[str] = []
    checkpoint = BackgroundCheckpointer._checkpoint

    def spied(self) -> None:
        threads.append(threading.current_thread().name)
        checkpoint(self)

    monkeypatch.setattr(BackgroundCheckpointer, "_checkpoint", spied)
    console = Store(db_path, clock=store.clock)  # counts its own writes from zero
    for _ in range(CHECKPOINT_EVERY_WRITES - 1):
        console.create_request(operator, request_for(console))
    assert threads == []
    console.create_request(operator, request_for(console))
    console.close()  # waits for the running checkpoint

    assert threads == ["allo-checkpoint"]
    busy, frames, copied = query(db_path, "PRAGMA wal_checkpoint(PASSIVE)")[0]
    assert (busy, copied) == (0, frames)


# -- atomicity ---------------------------------------------------------------------------------


def _search_state(path: Path) -> dict[str, list[int]]:
    return {
        "caller_search": fts_rowids(path, "caller_search", "zebulon"),
        "phone_search": fts_rowids(path, "phone_search", '"0386"'),
        "request_search": fts_rowids(path, "request_search", "lampadaire"),
        "change_counters": query(path, "SELECT name, value FROM change_counters ORDER BY name"),
    }


def _event_pointing_at_no_operator(add_event):
    def broken(connection, request_id, at, operator_id, kind, **fields):
        add_event(connection, request_id, at, 987_654, kind, **fields)  # foreign key error

    return broken


def _event_without_kind(add_event):
    def broken(connection, request_id, at, operator_id, kind, **fields):
        connection.execute(  # NOT NULL error on insert
            "INSERT INTO events (request_id, at, operator_id, kind) VALUES (?, ?, ?, NULL)",
            (request_id, at, operator_id),
        )

    return broken


@pytest.mark.parametrize("broken_event", [_event_pointing_at_no_operator, _event_without_kind])
def test_nothing_is_half_written_when_the_first_event_fails(
    store: Store, operator, db_path, monkeypatch, broken_event
):
    store.create_request(operator, request_for(store, description="Trottoir"))
    before_counts = table_counts(db_path)
    before_rows = query(db_path, "SELECT year, last FROM reference_counters")
    before_search = _search_state(db_path)
    monkeypatch.setattr(store_module, "_add_event", broken_event(store_module._add_event))
    new = request_for(store, "ECLAIRAGE", "Lampadaire éteint", new_caller=ZEBULON)

    with pytest.raises(DRIVER_ERRORS):
        store.create_request(operator, new, CallInfo(started_at=CALL_STARTED, phone="0386123456"))

    assert table_counts(db_path) == before_counts
    assert query(db_path, "SELECT year, last FROM reference_counters") == before_rows
    assert _search_state(db_path) == before_search
    assert store.search_callers("zébulon").rows == ()
    # The reference was not burnt: the next request takes it.
    monkeypatch.undo()
    assert store.create_request(operator, new).reference == "2026-00002"
