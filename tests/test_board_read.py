"""The board's data and layout without the console: the Store's board snapshot (order, counts,
the window asked for, filters, index-only reads that never sort the open requests) and the
layout helpers (narrow boards drop columns, typed text cannot drive the terminal).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import ALL_BACKENDS, BOARD_ORDER, FIXED_NOW, REMARKS

from allo_tui.widgets.board_list import layout_columns, visible_text

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

# -- the Store's board read -------------------------------------------------------------


def test_snapshot_orders_by_urgency_then_due_time_latest_last(store, board_data) -> None:
    snapshot = store.board_snapshot(limit=50)
    references = [request.reference for request in snapshot.rows]
    assert references == [board_data[name] for name in (*BOARD_ORDER, *REMARKS)]
    assert board_data["closed"] not in references, "done requests leave the board"
    assert [request.intervention_due_at for request in snapshot.rows[-2:]] == [None, None]


def test_snapshot_counts_open_late_and_acknowledgements_due_today(store, board_data) -> None:
    counts = store.board_snapshot(limit=1).counts
    assert counts.open_by_urgency == {1: 2, 2: 1, 3: 3, 4: 2}
    assert counts.late_by_urgency == {1: 1, 2: 0, 3: 0, 4: 0}
    assert (counts.acks_due_today, counts.acks_late) == (2, 1)
    assert counts.valid_until == FIXED_NOW + timedelta(minutes=50), "when soon_1 turns late"
    assert counts.at == FIXED_NOW


def test_snapshot_reads_only_the_window_asked_for(store, board_data) -> None:
    snapshot = store.board_snapshot(limit=3)
    assert [r.reference for r in snapshot.rows] == [board_data[n] for n in BOARD_ORDER[:3]]
    assert snapshot.counts.open() == 8, "figures count every open request, not the window"


def test_snapshot_filters_rows_by_service_and_urgency(store, board_data) -> None:
    mobile = next(service for service in store.services() if service.is_mobile_team)
    by_service = store.board_snapshot(limit=50, services=(mobile.id,))
    assert [r.reference for r in by_service.rows] == [
        board_data["late_1"],
        board_data["soon_1"],
    ]
    assert by_service.counts.open() == 2, "figures follow the service filter"
    by_urgency = store.board_snapshot(limit=50, urgency=4)
    assert [r.reference for r in by_urgency.rows] == [board_data[n] for n in REMARKS]
    assert by_urgency.counts.open() == 8, "figures show every urgency for context"


@pytest.mark.parametrize("services", [(), (1,)])
@pytest.mark.backends("sqlite")  # SQLite's own mechanics
def test_the_board_reads_indexes_only_and_never_sorts_the_open_requests(
    store, board_data, services
) -> None:
    """Every statement of the board's read, as SQLite plans it: the rows, then one statement
    of figures made only of index range searches (each open request counted once)."""
    import sqlite3

    statements: list[str] = []
    original = sqlite3.Connection.execute

    connection = sqlite3.connect(store.path)
    try:
        store.board_snapshot(limit=10, services=services)  # warm, then trace one read
        store.backend.set_trace(statements.append)
        store.board_snapshot(limit=10, services=services)
        store.backend.set_trace(None)
        selects = [sql for sql in statements if "INDEXED BY" in sql]
        assert len(selects) == 2, selects
        plans = [
            [row[3] for row in original(connection, "EXPLAIN QUERY PLAN " + sql)] for sql in selects
        ]
    finally:
        connection.close()
    rows, figures = plans
    index = "ix_requests_open_service" if services else "ix_requests_open"
    assert any(f"USING INDEX {index}" in step for step in rows), rows
    # Only the small window is sorted again after the joins, never the open requests.
    assert rows.index("MATERIALIZE r") < rows.index("USE TEMP B-TREE FOR ORDER BY"), rows
    searches = [step for step in figures if step.startswith("SEARCH")]
    assert all(
        step.startswith("SCALAR SUBQUERY") or step == "SCAN CONSTANT ROW" or step in searches
        for step in figures
    ), figures
    assert all("USING INDEX ix_requests_" in step for step in searches), searches
    # Per urgency: late, due later, no due date; disjoint ranges of the board's index.
    for bound in ("<?)", ">?)", "=?)"):
        ranges = [s for s in searches if index in s and f"intervention_due_at{bound}" in s]
        assert len(ranges) >= 4, (bound, searches)
    assert any("ix_requests_ack_owed (ack_due_at<?)" in step for step in searches), searches


# -- layout helpers ---------------------------------------------------------------------


def test_narrow_boards_drop_the_least_needed_columns_first() -> None:
    wide = [column.key for column, _, _ in layout_columns(160)]
    narrow = [column.key for column, _, _ in layout_columns(80)]
    assert "since" in wide and "since" not in narrow
    assert {"urgency", "reference", "due", "status", "category"} <= set(narrow)
    for width in (60, 80, 120, 200):
        column, x, cell = layout_columns(width)[-1]
        assert x + cell <= width


def test_typed_text_cannot_drive_the_terminal() -> None:
    assert visible_text("Rue \x1b[31mrouge") == "Rue ␛[31mrouge"
    assert visible_text("[bold]x") == "[bold]x"
