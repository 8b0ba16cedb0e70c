"""Caller and request search through the Store (DESIGN §3, §6, §7).

Each test names the behaviour it protects and checks what the database holds (read back with a
plain `sqlite3` connection) or what a console would be shown (the records the Store returns).
Timestamps are stored as UTC text by SQLAlchemy: "YYYY-MM-DD HH:MM:SS.ffffff".
"""

from __future__ import annotations

import pytest
from conftest import ALL_BACKENDS
from store_helpers import (
    NOW,
    add_directory,
    fts_rowids,
    staff,
)

from allo_tui.data.schema import prepare_database
from allo_tui.data.store import Store
from allo_tui.domain.clock import FixedClock
from allo_tui.domain.records import (
    NewCaller,
    OperatorRecord,
)

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""


# -- search ------------------------------------------------------------------------------------


@pytest.fixture
def callers(store: Store, operator: OperatorRecord) -> dict[str, int]:
    return add_directory(store, operator)


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    """A read-only directory shared by the lookup tests of this module: (store, name -> id)."""
    path = tmp_path_factory.mktemp("directory") / "allo.sqlite3"
    prepare_database(path)
    shared = Store(path, clock=FixedClock(NOW))
    operator, _ = staff(shared)
    yield shared, add_directory(shared, operator)
    shared.close()


def found_ids(store: Store, text: str) -> list[int]:
    return [row.id for row in store.search_callers(text).rows]


@pytest.mark.parametrize(
    "text", ["eleo", "eleo zeb", "ZEBULON E", "zébulon éléonore", "Éléonore Zébulon", "ZÉBULON"]
)
def test_a_caller_is_found_by_name_parts_in_any_order_case_and_accent(directory, text):
    store, callers = directory
    assert found_ids(store, text)[:1] == [callers["zebulon"]]


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("le goff", "le goff"),
        ("goff", "le goff"),
        ("Le Goff Yann", "le goff"),
        ("N'Diaye", "ndiaye"),
        ("n’diaye", "ndiaye"),
        ("diaye", "ndiaye"),
        ("Saint-Just", "saint-just"),
        ("saint just", "saint-just"),
        ("just", "saint-just"),
        ("saint", "saint-just"),
    ],
)
def test_compound_names_are_found_by_each_part(directory, text, who):
    store, callers = directory
    assert callers[who] in found_ids(store, text)


def test_a_name_typed_with_decomposed_accents_is_found(directory):
    store, callers = directory
    # "éléo" as some terminals and pasted text send it: e + combining acute accent.
    assert found_ids(store, "e\u0301le\u0301o")[:1] == [callers["zebulon"]]


@pytest.mark.parametrize(
    "text", ["03 86 12", "0386123456", "+33 3 86", "86 12 34", "0033386123456"]
)
def test_a_caller_is_found_by_phone_digits_as_typed(directory, text):
    store, callers = directory
    assert callers["zebulon"] in found_ids(store, text)


@pytest.mark.parametrize("text", ["0386123456", "03 86 12 34 56", "03.86.12.34.56"])
def test_the_exact_number_comes_first(directory, text):
    store, callers = directory
    ids = found_ids(store, text)

    # The flagged number "0103861234567" also holds these digits and was created first.
    assert ids[:2] == [callers["zebulon"], callers["typo"]]


@pytest.mark.parametrize("text", ["+33 3 86 12 34 56", "0033386123456", "+33 (0)3 86 12 34 56"])
def test_an_international_form_finds_the_same_caller_first(directory, text):
    store, callers = directory
    assert found_ids(store, text)[:1] == [callers["zebulon"]]


@pytest.mark.parametrize("text", ["temple", "12 rue du temple", "rue du Temple Auxerre", "auxerre"])
def test_a_caller_is_found_by_address(directory, text):
    store, callers = directory
    assert callers["zebulon"] in found_ids(store, text)


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "*",
        "-x",
        "(",
        ")",
        "NEAR(a b)",
        "AND",
        "OR",
        "NOT",
        "^",
        "'",
        "zéb*",
        '"zébulon',
        "zébulon -éléonore",
        "zébulon OR martin",
        "NOT martin",
        "(zébulon",
        "^zéb",
        "a:b",
        "names:x",
        "{names}: x",
        "+",
        "\\",
        "%",
        "_",
    ],
)
def test_search_syntax_typed_by_a_user_never_raises(directory, text):
    store, callers = directory
    result = store.search_callers(text)

    assert result.total == len(result.rows)


@pytest.mark.parametrize(
    ("text", "found", "not_found"),
    [
        ('"zébulon', ["zebulon"], []),
        ("zéb*", ["zebulon"], []),
        ("(zébulon", ["zebulon"], []),
        ("^zéb", ["zebulon"], []),
        # '-' is not a negation: both words must match.
        ("zébulon -éléonore", ["zebulon"], []),
        # OR is a word, not an operator: nobody's name starts with "or".
        ("zébulon OR martin", [], ["zebulon", "martin"]),
        # NOT is a word (a prefix of Notaro), not an operator.
        ("NOT martin", ["notaro"], ["martin"]),
        ("AND", ["andre"], []),
        ("names:zébulon", [], ["zebulon"]),
        ("'", [], ["zebulon"]),
    ],
)
def test_search_syntax_is_matched_as_plain_words(directory, text, found, not_found):
    store, callers = directory
    ids = found_ids(store, text)

    for who in found:
        assert callers[who] in ids
    for who in not_found:
        assert callers[who] not in ids


def test_renaming_a_caller_updates_the_search_index(store: Store, callers, operator, db_path):
    caller_id = callers["zebulon"]

    store.update_caller(
        operator,
        caller_id,
        1,
        surname="Durand",
        street="place de l'Arquebuse",
        phones=["06 98 76 54 32"],
    )

    assert caller_id not in found_ids(store, "zébulon")
    assert caller_id not in found_ids(store, "temple")
    assert caller_id not in found_ids(store, "0386123456")
    assert found_ids(store, "durand éléonore") == [caller_id]
    assert caller_id in found_ids(store, "arquebuse")
    assert found_ids(store, "06 98 76") == [caller_id]
    assert fts_rowids(db_path, "caller_search", "zebulon") == []


def test_the_match_count_is_capped_at_200(store: Store, operator):
    for index in range(205):
        store.create_caller(operator, NewCaller(surname="Martin", given_name=f"Paul {index:03d}"))

    result = store.search_callers("martin")

    assert result.total == 200
    assert result.capped is True
    assert len(result.rows) == 50  # the screen's window


def test_a_small_match_count_is_exact(directory):
    store, callers = directory
    result = store.search_callers("martin")

    assert {row.id for row in result.rows} == {callers["martin"], callers["notaro"]}
    assert result.total == 2
    assert result.capped is False
    # The surname match comes first.
    assert result.rows[0].id == callers["martin"]
