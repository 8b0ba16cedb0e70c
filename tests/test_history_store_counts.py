"""The history in the Store: counts are capped, and a free-text search matching more than the cap
keeps the newest and says it was capped, listing matches in entry order even when dates were
imported out of order.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from conftest import ALL_BACKENDS
from history_helpers import NOW, START, STREETS, expected_ids, walk_down

from allo_tui.data.backend.sqlite import history_text as history_sql
from allo_tui.data.schema import prepare_database
from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import (
    HistoryFilter,
    NewRequest,
    Status,
)

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

# -- counts and the bounded free-text search ------------------------------------------------


def test_counts_are_capped(built):
    store, everything = built
    assert store.count_requests(HistoryFilter(), cap=100) == (100, True)
    assert store.count_requests(HistoryFilter(), cap=150) == (150, False)
    closed = HistoryFilter(statuses=frozenset({Status.DONE, Status.CLOSED, Status.REJECTED}))
    total = len(expected_ids(everything, closed))
    assert store.count_requests(closed, cap=total - 1) == (total - 1, True)


def test_a_free_text_matching_more_than_the_cap_keeps_the_newest_and_says_capped(
    built, monkeypatch
):
    store, everything = built
    filters = HistoryFilter(text="rue")
    wanted = expected_ids(everything, filters)
    monkeypatch.setattr(history_sql, "TEXT_CAP", 10)
    page = store.history(filters, limit=500)
    newest_entered = sorted(wanted, reverse=True)[:10]
    assert sorted(request.id for request in page.rows) == sorted(newest_entered)
    assert store.count_requests(filters) == (10, True)


@pytest.fixture(scope="module")
def entered_out_of_order(tmp_path_factory):
    """(store, every request newest first) where many were entered after younger ones."""
    path = tmp_path_factory.mktemp("history-imported") / "allo.sqlite3"
    prepare_database(path)
    clock = FixedClock(NOW)
    store = Store(path, clock=clock)
    admin = store.resolve_operator("admin")
    category = store.categories()[0]
    draw = random.Random(7)
    for _ in range(120):
        # An import of old requests: creation dates jump back and forth.
        clock.set(START + timedelta(hours=draw.randint(0, 2000)))
        store.create_request(
            admin,
            NewRequest(
                category_id=category.id,
                description=draw.choice(("Lampadaire éteint", "Lampe cassée", "Tags")),
                street=draw.choice(STREETS),
            ),
        )
    clock.set(NOW)
    yield store, list(store.history(limit=10_000).rows)
    store.close()


@pytest.mark.parametrize("first_chunk", [1, 5, 100])
def test_free_text_lists_matches_in_entry_order_even_when_dates_were_imported_out_of_order(
    entered_out_of_order, monkeypatch, first_chunk
):
    store, everything = entered_out_of_order
    monkeypatch.setattr(history_sql, "FIRST_CHUNK", first_chunk)
    ids = [request.id for request in everything]
    assert ids != sorted(ids, reverse=True), "entry order differs from the creation order"
    for text in ("lamp", "lampadaire", "tem", "rue du temple", "l", "zzz"):
        filters = HistoryFilter(text=text)
        wanted = sorted(expected_ids(everything, filters), reverse=True)
        for limit in (3, 10):
            page = store.history(filters, limit=limit)
            assert [request.id for request in page.rows] == wanted[:limit], (text, limit)
            assert page.has_more == (len(wanted) > limit)
        assert walk_down(store, filters, 4) == wanted, text
        assert store.count_requests(filters) == (len(wanted), False)
        page = store.history(filters, oldest=True, limit=4)
        assert [request.id for request in page.rows] == wanted[-4:]
