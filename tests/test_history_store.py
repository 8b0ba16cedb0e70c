"""The history in the Store: every filter and their combinations, keyset windows, counts.

A database is built once for the module with requests whose fields are drawn with a fixed
seed (several of them created in the same instant, to exercise the keyset tie-break). Every
filter, alone and combined with each other one, is checked against an oracle written in plain
Python over all the requests; paging is checked in both directions and from both ends.
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from allo_tui.data.backend.sqlite import history_text as history_sql
from allo_tui.data.schema import prepare_database
from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import (
    ENDED_WITHOUT_INTERVENTION,
    OPEN_STATUSES,
    HistoryCursor,
    HistoryFilter,
    NewCaller,
    NewRequest,
    RequestRecord,
    Role,
    Status,
)
from allo_tui.domain.text import fold
from allo_tui.domain.workflow import Action

START = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
STREETS = ("Rue du Temple", "Boulevard Vaulabelle", "Place de l'Hôtel de Ville", "Rue d'Égleny")
DESCRIPTIONS = (
    "Lampadaire éteint",
    "Nid-de-poule profond",
    "Tags sur la façade",
    "Dépôt sauvage de matelas",
    "Plaque d'égout soulevée",
    "Corbeille pleine",
)
LANDMARKS = ("", "", "devant l'école", "face à la mairie")
CALLERS = (("Zébulon", "Éléonore"), ("Martin", "Paul"), ("N'Diaye", "Aïssa"))


def build_history(store: Store, clock: FixedClock) -> None:
    """About 150 requests over three months, statuses moved along the workflow."""
    admin = store.resolve_operator("admin")
    supervisor = store.add_operator("chief", Role.SUPERVISOR, "Chef")
    callers = [
        store.create_caller(admin, NewCaller(surname=surname, given_name=given)).id
        for surname, given in CALLERS
    ]
    categories = store.categories()
    services = store.services()
    draw = random.Random(2026)
    at = START
    for index in range(150):
        # Every fifth request shares the instant of the one before (a keyset tie).
        if index % 5:
            at += timedelta(minutes=draw.randint(10, 1200))
        clock.set(at)
        category = draw.choice(categories)
        request = store.create_request(
            admin,
            NewRequest(
                category_id=category.id,
                description=draw.choice(DESCRIPTIONS),
                caller_id=draw.choice([*callers, None]),
                urgency=draw.choice([None, None, 1, 2, 4]),
                street_number=str(draw.randint(1, 40)),
                street=draw.choice(STREETS),
                landmark=draw.choice(LANDMARKS),
            ),
        )
        fate = draw.random()
        if fate < 0.15:
            continue
        request = store.apply(
            admin, request.id, Action.ACKNOWLEDGE, expected_version=request.version, how="phone"
        )
        if fate < 0.3:
            continue
        request = store.apply(
            admin,
            request.id,
            Action.ASSIGN,
            expected_version=request.version,
            service_id=draw.choice(services).id,
        )
        if fate < 0.45:
            continue
        if fate < 0.55:
            store.apply(
                supervisor, request.id, Action.REJECT, expected_version=request.version, text="non"
            )
            continue
        if fate < 0.6:
            store.apply(supervisor, request.id, Action.CANCEL, expected_version=request.version)
            continue
        request = store.apply(
            admin, request.id, Action.DONE, expected_version=request.version, text="Fait"
        )
        if fate < 0.8:
            store.apply(supervisor, request.id, Action.CLOSE, expected_version=request.version)
    clock.set(NOW)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(store, every request newest first) — a read-only history for this module's tests."""
    path = tmp_path_factory.mktemp("history-store") / "allo.sqlite3"
    prepare_database(path)
    clock = FixedClock(NOW)
    store = Store(path, clock=clock)
    build_history(store, clock)
    everything = list(store.history(limit=10_000).rows)
    yield store, everything
    store.close()


# -- the oracle -----------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def _has_words(query: str, text: str) -> bool:
    """Every word typed starts a word of the text; a one-letter word must be a whole word
    (a one-letter prefix would match nearly everything)."""
    tokens = _tokens(text)
    return all(
        any(token == word if len(word) == 1 else token.startswith(word) for token in tokens)
        for word in _tokens(query)
    )


def matches(request: RequestRecord, filters: HistoryFilter, now: datetime) -> bool:
    """What the history filter means, written plainly."""
    if filters.statuses and request.status not in filters.statuses:
        return False
    if filters.urgency is not None and request.urgency != filters.urgency:
        return False
    if filters.category_id is not None and request.category_id != filters.category_id:
        return False
    if filters.service_id is not None and request.service_id != filters.service_id:
        return False
    if filters.caller_id is not None and request.caller_id != filters.caller_id:
        return False
    if filters.street and request.street.lower() != filters.street.lower():
        return False
    if filters.created_from and request.created_at < filters.created_from:
        return False
    if filters.created_to and request.created_at >= filters.created_to:
        return False
    if filters.late_only and not (
        request.is_open
        and request.intervention_due_at is not None
        and request.intervention_due_at < now
    ):
        return False
    if filters.text:
        own = " ".join(
            (request.reference, request.description, request.street_number, request.street)
        )
        own += " " + request.landmark
        if not (_has_words(filters.text, own) or _has_words(filters.text, request.caller_name)):
            return False
    return True


def expected_ids(everything, filters: HistoryFilter) -> list[int]:
    return [request.id for request in everything if matches(request, filters, NOW)]


def single_filters(everything) -> dict[str, HistoryFilter]:
    """One filter of each kind (and each status grouping), with values present in the data."""
    sample = everything[len(everything) // 2]
    return {
        "open": HistoryFilter(statuses=OPEN_STATUSES),
        "closed": HistoryFilter(statuses=frozenset({Status.DONE, Status.CLOSED})),
        "ended": HistoryFilter(statuses=ENDED_WITHOUT_INTERVENTION),
        "one status": HistoryFilter(statuses=frozenset({Status.ASSIGNED})),
        "new or acknowledged": HistoryFilter(statuses=frozenset({Status.NEW, Status.ACKNOWLEDGED})),
        "urgency": HistoryFilter(urgency=1),
        "category": HistoryFilter(category_id=sample.category_id),
        "service": HistoryFilter(service_id=sample.service_id),
        "caller": HistoryFilter(caller_id=sample.caller_id or everything[0].caller_id),
        "street": HistoryFilter(street="rue du temple"),
        "from": HistoryFilter(created_from=datetime(2026, 10, 15, tzinfo=UTC)),
        "range": HistoryFilter(
            created_from=datetime(2026, 10, 1, tzinfo=UTC),
            created_to=datetime(2026, 10, 20, tzinfo=UTC),
        ),
        "late": HistoryFilter(late_only=True),
        "text": HistoryFilter(text="lampadaire"),
        "text prefix unaccented": HistoryFilter(text="egou"),
        "text landmark": HistoryFilter(text="ecole"),
        "text caller": HistoryFilter(text="zebul"),
        "text two words": HistoryFilter(text="plaque soulevee"),
    }


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
                for name in HistoryFilter.__dataclass_fields__
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


# -- keyset windows -------------------------------------------------------------------------


def _walk_down(store: Store, filters: HistoryFilter, limit: int) -> list[int]:
    ids: list[int] = []
    page = store.history(filters, limit=limit)
    ids.extend(request.id for request in page.rows)
    while page.has_more:
        page = store.history(filters, after=page.next_cursor, limit=limit)
        ids.extend(request.id for request in page.rows)
    return ids


@pytest.mark.parametrize("limit", [1, 4, 7, 50])
def test_windows_down_cover_every_row_once(built, limit):
    store, everything = built
    for name, filters in [("all", HistoryFilter()), *single_filters(everything).items()]:
        assert _walk_down(store, filters, limit) == expected_ids(everything, filters), name


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
        assert _walk_down(store, filters, 4) == wanted, text
        assert store.count_requests(filters) == (len(wanted), False)
        page = store.history(filters, oldest=True, limit=4)
        assert [request.id for request in page.rows] == wanted[-4:]
