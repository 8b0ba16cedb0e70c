"""Caller search (allo_tui.data.search): ranking, bounded candidates, typed syntax, cancellation."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from conftest import ALL_BACKENDS

from allo_tui.data.backend.sqlite import search
from allo_tui.data.backend.sqlite.connect import connect_raw
from allo_tui.data.store import Store
from allo_tui.domain.records import NewCaller, OperatorRecord
from allo_tui.domain.search import SearchCancelled, SearchToken, search_tokens

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""

# A statement that never ends on its own: only an interrupt stops it.
ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"


@contextmanager
def safety_net(connection: sqlite3.Connection) -> Iterator[None]:
    """Interrupt `connection` after 30 s if the code under test failed to: the test then fails
    (with an OperationalError instead of SearchCancelled) rather than hanging forever."""
    timer = threading.Timer(30, connection.interrupt)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def ids(store: Store, text: str, limit: int = 50) -> list[int]:
    return [row.id for row in store.search_callers(text, limit).rows]


def add(store: Store, operator: OperatorRecord, surname: str, given: str = "", **fields) -> int:
    return store.create_caller(operator, NewCaller(surname=surname, given_name=given, **fields)).id


# -- tokens -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "tokens"),
    [
        ("Éléonore ZÉBULON", ["eleonore", "zebulon"]),
        ("e\u0301le\u0301o", ["eleo"]),  # accents typed decomposed (NFD)
        ("N'Diaye", ["n", "diaye"]),
        ("n’diaye", ["n", "diaye"]),
        ("Saint-Just", ["saint", "just"]),
        ('zéb* "NEAR(a b)" ^x -y', ["zeb", "near", "a", "b", "x", "y"]),
        ("names:x {names}: y", ["names", "x", "names", "y"]),
        ("a_b", ["a", "b"]),
        ("Straße", ["strasse"]),  # case-folded: the index holds such text folded (0005)
        ("\x1b[31m", ["31m"]),
        ("", []),
        ("'", []),
    ],
)
def test_query_words_are_split_as_the_fts_tokenizer_splits_names(typed, tokens):
    assert search_tokens(typed) == tokens


# -- ranking --------------------------------------------------------------------------------------


def test_exact_surname_then_surname_prefix_then_given_name_then_address(store, operator):
    on_street = add(store, operator, "Durand", "Léa", street="rue Martin Luther King")
    given = add(store, operator, "Notaro", "Martin")
    prefix = add(store, operator, "Martinez", "Ana")
    exact = add(store, operator, "Martin", "Paul")

    assert ids(store, "martin") == [exact, prefix, given, on_street]


def test_an_exact_surname_is_found_first_among_hundreds_of_longer_ones(store, operator):
    # 180 "Martinez" created first come first in the index; the exact surname is still
    # among the candidates read (CANDIDATES) and is ranked first.
    for index in range(180):
        add(store, operator, "Martinez", f"Ana {index:03d}")
    exact = add(store, operator, "Martin", "Paul")

    result = store.search_callers("martin")

    assert result.rows[0].id == exact
    assert (result.total, result.capped) == (181, False)


def test_a_surname_prefix_beats_hundreds_of_given_name_matches(store, operator):
    for index in range(180):
        add(store, operator, f"Name{index:03d}", "Martine")
    surname = add(store, operator, "Martinon", "Luc")

    assert ids(store, "martin")[:1] == [surname]


def test_a_multi_word_query_ranks_the_word_that_is_the_surname(store, operator):
    given_first = add(store, operator, "Zébulon", "Éléonore")
    other = add(store, operator, "Éléonore", "Zoé")

    assert ids(store, "eleo zeb") == [given_first]
    assert ids(store, "eleonore") == [other, given_first]


def test_name_and_address_words_mix_in_one_query(store, operator):
    both = add(store, operator, "Martin", "Paul", street_number="12", street="rue du Temple")
    add(store, operator, "Martin", "Louis", street_number="3", street="rue de Paris")
    add(store, operator, "Durand", "Léa", street_number="12", street="rue du Temple")

    assert ids(store, "martin temple") == [both]
    assert ids(store, "12 rue du temple martin") == [both]


def test_the_limit_is_one_screen_and_the_count_still_counts_up_to_the_cap(store, operator):
    for index in range(30):
        add(store, operator, "Martin", f"Paul {index:02d}")

    result = store.search_callers("martin", limit=10)

    assert len(result.rows) == 10
    assert (result.total, result.capped) == (30, False)
    # Same surname: the given names decide, alphabetically.
    assert [row.given_name for row in result.rows] == [f"Paul {i:02d}" for i in range(10)]


# -- phones ---------------------------------------------------------------------------------------


def test_the_exact_number_then_numbers_starting_with_the_digits_then_the_rest(store, operator):
    middle = add(store, operator, "Alpha", phones=("06 03 86 12 34",))
    starts = add(store, operator, "Bravo", phones=("03 86 12 99 99",))
    exact = add(store, operator, "Zulu", phones=("03 86 12 34 56",))

    assert ids(store, "0386123456") == [exact]
    # Both start with the digits: by name. The third holds them in the middle.
    assert ids(store, "03 86 12") == [starts, exact, middle]
    # "+33 3 86" is the start of the international form of both, not of the third's.
    assert ids(store, "+33 3 86") == [starts, exact]


def test_a_phone_found_by_its_second_number(store, operator):
    caller = add(store, operator, "Durand", phones=("03 86 00 00 01", "06 11 22 33 44"))

    assert ids(store, "06 11 22 33 44") == [caller]
    assert ids(store, "22 33 44") == [caller]


def test_a_flagged_number_kept_as_typed_is_found_by_its_digits(store, operator):
    caller = add(store, operator, "Durand", phones=("poste 1234 (mairie)",))

    assert ids(store, "1234") == [caller]


def test_five_digits_alone_find_the_numbers_holding_them_then_the_callers_of_that_postcode(
    store, operator
):
    zoe = add(store, operator, "Zoé", street="rue X", postcode="89470", city="Monéteau")
    anne = add(store, operator, "Anne", street="rue Y", postcode="89 470", city="Monéteau")
    phone = add(store, operator, "Zulu", phones=("03 86 89 47 01",), postcode="89000")
    add(store, operator, "Durand", postcode="89000", city="Auxerre")

    # The number first (a run of digits anywhere in it), then the postcode, by name.
    assert ids(store, "89470") == [phone, anne, zoe]
    assert ids(store, "89 470") == [phone, anne, zoe]
    assert store.search_callers("89470").total == 3
    # Longer or shorter runs of digits are phone digits only.
    assert ids(store, "894701") == [phone]
    assert ids(store, "8947") == [phone]


def test_too_few_digits_after_the_international_prefix_find_nothing_and_never_fail(store, operator):
    add(store, operator, "Durand", phones=("03 86 12 34 56",))

    assert ids(store, "00 12") == []
    assert ids(store, "+1 2 3") == []


# -- typed text is data -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "a " * 200,  # more words than MAX_WORDS
        "x" * 500,
        "🙂 zébulon",
        "שלום",
        "\u202ezeb",
        "\x00zeb",
        "zeb\x1b[31m",
        "%_",
        "?",
        "--",
        "0" * 40,
        "2026-00042",
    ],
)
def test_unusual_input_never_raises(store, operator, typed):
    add(store, operator, "Zébulon", "Éléonore", phones=("03 86 12 34 56",))

    result = store.search_callers(typed)

    assert result.total >= len(result.rows)


def test_a_name_typed_with_decomposed_accents_is_found(store, operator):
    caller = add(store, operator, "Zébulon", "Éléonore")

    assert ids(store, "e\u0301le\u0301o") == [caller]


# -- cancellation -----------------------------------------------------------------------------------


@pytest.mark.backends("sqlite")  # SQLite's interrupt; PostgreSQL: test_postgresql.py
def test_cancel_stops_the_statement_running_inside_sqlite(db_path):
    connection = connect_raw(db_path)
    token = SearchToken()
    threading.Timer(0.05, token.cancel).start()

    with safety_net(connection), pytest.raises(SearchCancelled), search.watching(token, connection):
        connection.execute(ENDLESS).fetchone()

    # The connection is left clean for its next user (no handler, no pending interrupt).
    assert connection.execute("SELECT count(*) FROM callers").fetchone() == (0,)
    connection.close()


@pytest.mark.backends("sqlite")  # SQLite's interrupt; PostgreSQL: test_postgresql.py
def test_a_cancel_between_two_statements_still_stops_the_next_one(db_path):
    # interrupt() on an idle connection is forgotten by SQLite; the progress handler is not.
    connection = connect_raw(db_path)
    token = SearchToken()

    with safety_net(connection), pytest.raises(SearchCancelled), search.watching(token, connection):
        connection.execute("SELECT 1").fetchone()
        token.cancel()
        connection.execute(ENDLESS).fetchone()
    connection.close()


def test_a_search_cancelled_before_it_starts_runs_no_sql(store):
    token = SearchToken()
    token.cancel()

    with pytest.raises(SearchCancelled):
        store.search_callers("zébulon", cancel=token)


@pytest.mark.backends("sqlite")  # SQLite's interrupt; PostgreSQL: test_postgresql.py
def test_the_store_stops_a_running_search_and_its_connection_stays_usable(
    store, operator, monkeypatch
):
    caller = add(store, operator, "Zébulon", "Éléonore")
    real_find = search.find_callers
    started = threading.Event()

    def endless_find(connection, query, limit=50, token=None):
        if query == "slow":
            started.set()
            with safety_net(connection):
                connection.execute(ENDLESS).fetchone()
        return real_find(connection, query, limit, token)

    monkeypatch.setattr(search, "find_callers", endless_find)
    token = SearchToken()
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            store.search_callers("slow", cancel=token)
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - inspected below
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    started.wait(10)
    token.cancel()
    thread.join(40)

    assert len(outcome) == 1 and isinstance(outcome[0], SearchCancelled)
    # The pooled connection went back without an open transaction or a handler.
    for _ in range(6):
        assert ids(store, "zébulon") == [caller]


@pytest.mark.backends("sqlite")  # SQLite's interrupt; PostgreSQL: test_postgresql.py
def test_a_late_cancel_never_interrupts_the_next_user_of_the_connection(db_path):
    connection = connect_raw(db_path)
    token = SearchToken()
    with search.watching(token, connection):
        connection.execute("SELECT 1").fetchone()
    token.cancel()  # after the search ended: must not reach the connection

    counted = connection.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) "
        "SELECT count(*) FROM n"
    ).fetchone()
    assert counted == (200000,)
    connection.close()


# -- words FTS5 does not match itself ----------------------------------------------------------


def test_common_words_are_still_required(store, operator):
    rue = add(store, operator, "Durand", street_number="12", street="rue du Temple")
    add(store, operator, "Dupont", street_number="12", street="place du Temple")

    assert ids(store, "rue temple") == [rue]
    assert ids(store, "12 rue du temple") == [rue]


def test_a_street_number_is_matched_whole(store, operator):
    twelve = add(store, operator, "Durand", street_number="12", street="rue du Temple")
    add(store, operator, "Dupont", street_number="120", street="rue du Temple")

    assert ids(store, "12 temple") == [twelve]


def test_the_town_most_callers_share_still_finds_them(store, operator):
    town = [add(store, operator, f"Nom{i}", street="rue X", city="Auxerre") for i in range(5)]
    elsewhere = add(store, operator, "Durand", street="rue X", city="Sens")

    assert sorted(ids(store, "auxerre")) == town
    assert ids(store, "sens") == [elsewhere]
    assert ids(store, "durand auxerre") == []


def test_an_elided_name_is_found_typed_without_its_apostrophe(store, operator):
    ndiaye = add(store, operator, "N'Diaye", "Awa", street="rue d'Alembert")
    diaye = add(store, operator, "Diaye", "Nina")
    oneill = add(store, operator, "O'Neill", "Sean")

    assert ids(store, "ndiaye") == [ndiaye]
    assert ids(store, "ndia aw") == [ndiaye]
    assert ids(store, "awa ndiaye") == [ndiaye]
    assert ids(store, "dalembert") == [ndiaye]
    assert ids(store, "oneil") == [oneill]
    assert sorted(ids(store, "diaye")) == [ndiaye, diaye]


def test_long_and_one_letter_words_are_checked_whole(store, operator):
    henry = add(store, operator, "Henry", "Paul")
    add(store, operator, "Henri", "Pierre")
    add(store, operator, "Henry", "Jacques")

    assert ids(store, "henry p") == [henry]
    assert ids(store, "henry pa") == [henry]
