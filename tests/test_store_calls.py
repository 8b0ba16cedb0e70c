"""The call log through the Store: a call that created no request, a follow-up on a request,
and the log read back newest first.

Each test names the behaviour it protects and checks what the database holds (read back with a
plain `sqlite3` connection) or the records the Store returns.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import ALL_BACKENDS
from store_helpers import CALL_STARTED, NOW, db_time, query, request_for, table_counts

from allo_tui.data.store import Store
from allo_tui.domain.errors import NotFoundError
from allo_tui.domain.records import CallInfo, CallOutcome, EventKind

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""

CALL = CallInfo(started_at=CALL_STARTED, console="poste-1", phone="03 86 12 34 56")


def test_a_call_without_request_is_logged_with_its_outcome(store: Store, operator, db_path):
    record = store.log_call(operator, CALL, CallOutcome.WRONG_NUMBER)

    assert (record.started_at, record.ended_at, record.operator) == (CALL_STARTED, NOW, "hostess")
    assert (record.console, record.phone, record.outcome) == (
        "poste-1",
        "03 86 12 34 56",
        CallOutcome.WRONG_NUMBER,
    )
    assert query(
        db_path, "SELECT started_at, ended_at, operator_id, request_id, outcome FROM calls"
    ) == [(db_time(CALL_STARTED), db_time(NOW), operator.id, None, "wrong_number")]


def test_a_follow_up_adds_a_note_to_its_request(store: Store, operator, db_path):
    request = store.create_request(operator, request_for(store), CALL)

    store.log_call(operator, CALL, CallOutcome.FOLLOW_UP, request_id=request.id, note="  Relance ")

    notes = [e for e in store.events(request.id) if e.kind is EventKind.NOTE]
    assert [(e.note, e.operator) for e in notes] == [("Relance", "Anne Hôtesse")]
    blank = store.log_call(operator, CALL, CallOutcome.FOLLOW_UP, request_id=request.id)
    assert blank.request_id == request.id
    assert [e.note for e in store.events(request.id) if e.kind is EventKind.NOTE] == [
        "Relance",
        "rappel du demandeur",
    ]


def test_a_follow_up_on_an_unknown_request_is_refused_and_nothing_is_written(
    store: Store, operator, db_path
):
    before = table_counts(db_path)

    with pytest.raises(NotFoundError):
        store.log_call(operator, CALL, CallOutcome.FOLLOW_UP, request_id=99_999, note="Relance")

    assert table_counts(db_path) == before


def test_the_call_log_is_newest_first_and_honours_since_and_limit(store: Store, operator):
    for minutes, outcome in ((0, CallOutcome.WRONG_NUMBER), (2, CallOutcome.INFORMATION)):
        started = CALL_STARTED + timedelta(minutes=minutes)
        store.log_call(operator, CallInfo(started_at=started, console="poste-1"), outcome)

    assert [c.outcome for c in store.calls()] == [
        CallOutcome.INFORMATION,
        CallOutcome.WRONG_NUMBER,
    ]
    assert [c.outcome for c in store.calls(limit=1)] == [CallOutcome.INFORMATION]
    since = CALL_STARTED + timedelta(minutes=1)
    assert [c.outcome for c in store.calls(since=since)] == [CallOutcome.INFORMATION]
