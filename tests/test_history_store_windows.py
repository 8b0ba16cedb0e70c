"""The history in the Store: keyset windows. Paging down and up covers every row once (several
requests share a creation instant, to exercise the tie-break), the window above a row holds the
rows just newer, and requests arriving between windows are neither skipped nor repeated.
"""

from __future__ import annotations

import pytest
from conftest import ALL_BACKENDS
from history_helpers import START, expected_ids, single_filters, walk_down

from allo_tui.data.schema import prepare_database
from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import (
    HistoryCursor,
    HistoryFilter,
    NewRequest,
)

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

# -- keyset windows -------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 4, 7, 50])
def test_windows_down_cover_every_row_once(built, limit):
    store, everything = built
    for name, filters in [("all", HistoryFilter()), *single_filters(everything).items()]:
        assert walk_down(store, filters, limit) == expected_ids(everything, filters), name


@pytest.mark.parametrize("limit", [1, 6, 50])
def test_windows_up_from_the_oldest_cover_every_row_once(built, limit):
    store, everything = built
    for name, filters in [("all", HistoryFilter()), *single_filters(everything).items()]:
        page = store.history(filters, oldest=True, limit=limit)
        ids = [request.id for request in page.rows]
        while page.has_more:
            first = page.rows[0]
            page = store.history(
                filters, before=HistoryCursor(first.created_at, first.id), limit=limit
            )
            ids = [request.id for request in page.rows] + ids
        assert ids == expected_ids(everything, filters), name


def test_the_window_above_a_row_holds_the_rows_just_newer(built):
    store, everything = built
    middle = everything[60]
    page = store.history(before=HistoryCursor(middle.created_at, middle.id), limit=5)
    assert [request.id for request in page.rows] == [request.id for request in everything[55:60]]
    assert page.has_more


def test_paging_neither_skips_nor_repeats_when_requests_arrive_between_windows(tmp_path):
    path = tmp_path / "allo.sqlite3"
    prepare_database(path)
    clock = FixedClock(START)
    store = Store(path, clock=clock)
    admin = store.resolve_operator("admin")
    category = store.categories()[0]
    first = [
        store.create_request(admin, NewRequest(category_id=category.id, description=f"n{i}")).id
        for i in range(12)
    ]
    seen: list[int] = []
    page = store.history(limit=5)
    seen.extend(request.id for request in page.rows)
    while page.has_more:
        # New calls keep arriving (some in the very same instant) while someone scrolls.
        store.create_request(admin, NewRequest(category_id=category.id, description="later"))
        clock.advance(minutes=1)
        page = store.history(after=page.next_cursor, limit=5)
        seen.extend(request.id for request in page.rows)
    assert seen == list(reversed(first))
    store.close()
