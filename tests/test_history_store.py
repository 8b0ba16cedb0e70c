"""The history in the Store: every filter and their combinations.

A database is built once for the module with requests whose fields are drawn with a fixed
seed (`built`, from history_helpers). Every filter, alone and combined with each other one, is
checked against an oracle written in plain Python over all the requests; references and
full-text syntax typed by a user are matched as text.

Beside it: test_history_store_windows (keyset paging), test_history_store_counts (counts and
the bounded free-text search).
"""

from __future__ import annotations

import itertools

import pytest
from conftest import ALL_BACKENDS
from history_helpers import expected_ids, single_filters
from msgspec.structs import replace

from allo_tui.data.schema import prepare_database
from allo_tui.data.store import Store
from allo_tui.domain.records import (
    HistoryFilter,
    NewCaller,
    NewRequest,
    Status,
)

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

# -- filters --------------------------------------------------------------------------------


def test_the_built_history_has_every_status_and_ties(built):
    store, everything = built
    assert len(everything) == 150
    assert {request.status for request in everything} >= {
        Status.NEW,
        Status.ACKNOWLEDGED,
        Status.ASSIGNED,
        Status.DONE,
        Status.CLOSED,
        Status.REJECTED,
        Status.CANCELLED,
    }
    instants = [request.created_at for request in everything]
    assert len(set(instants)) < len(instants), "some requests share their instant"
    keys = [(request.created_at, request.id) for request in everything]
    assert keys == sorted(keys, reverse=True), "newest first, ties by id"


def test_every_single_filter_lists_exactly_the_matching_requests_newest_first(built):
    store, everything = built
    for name, filters in single_filters(everything).items():
        wanted = expected_ids(everything, filters)
        assert wanted, f"the test data should hold some {name!r} requests"
        page = store.history(filters, limit=500)
        assert [request.id for request in page.rows] == wanted, name
        assert store.count_requests(filters) == (len(wanted), False), name


def test_every_pair_of_filters_combines(built):
    store, everything = built
    filters = single_filters(everything)
    for (first_name, first), (second_name, second) in itertools.combinations(filters.items(), 2):
        combined = HistoryFilter(
            **{
                name: getattr(second, name) or getattr(first, name)
                for name in HistoryFilter.__struct_fields__
            }
        )
        if first.statuses and second.statuses:
            combined = replace(combined, statuses=first.statuses & second.statuses)
        if first.text and second.text:
            combined = replace(combined, text=f"{first.text} {second.text}")
        wanted = expected_ids(everything, combined)
        page = store.history(combined, limit=500)
        label = f"{first_name} + {second_name}"
        assert [request.id for request in page.rows] == wanted, label
        assert store.count_requests(combined) == (len(wanted), False), label


def test_the_street_filter_ignores_case(built):
    store, everything = built
    upper = store.history(HistoryFilter(street="RUE DU TEMPLE"), limit=500).rows
    assert upper and all(request.street == "Rue du Temple" for request in upper)


@pytest.mark.parametrize(
    "typed",
    ['"', "lampadaire*", "NEAR(a b)", "a AND", "(", "-x", "^", "[bold]", "lampadaire OR tags"],
)
def test_fts_syntax_typed_by_a_user_is_matched_as_text(built, typed):
    store, everything = built
    filters = HistoryFilter(text=typed)
    page = store.history(filters, limit=500)
    assert [request.id for request in page.rows] == expected_ids(everything, filters)


def test_a_reference_typed_in_the_text_finds_that_request(built):
    store, everything = built
    target = everything[40]
    page = store.history(HistoryFilter(text=target.reference), limit=500)
    assert page.rows[0].id == target.id
    assert store.get_request_by_reference(target.reference).id == target.id
    short = target.reference.split("-")[1]  # "00042": this year's
    assert store.get_request_by_reference(short).id == target.id


@pytest.mark.parametrize("typed", ["2026-00007", "2026-7", "2026 / 07", "00007"])
def test_a_reference_in_any_form_lists_that_request_only(built, typed):
    store, everything = built
    page = store.history(HistoryFilter(text=typed), limit=500)
    assert [request.reference for request in page.rows] == ["2026-00007"]
    assert store.count_requests(HistoryFilter(text=typed)) == (1, False)


def test_text_finds_a_caller_by_new_name_after_a_rename(tmp_path, clock):
    path = tmp_path / "allo.sqlite3"
    prepare_database(path)
    store = Store(path, clock=clock)
    admin = store.resolve_operator("admin")
    caller = store.create_caller(admin, NewCaller(surname="Dupont", given_name="Jeanne"))
    category = store.categories()[0]
    request = store.create_request(
        admin, NewRequest(category_id=category.id, description="Bac", caller_id=caller.id)
    )
    assert [r.id for r in store.history(HistoryFilter(text="dupont")).rows] == [request.id]
    store.update_caller(admin, caller.id, caller.version, surname="Éluard")
    assert store.history(HistoryFilter(text="dupont")).rows == ()
    assert [r.id for r in store.history(HistoryFilter(text="eluard jea")).rows] == [request.id]
    store.close()
