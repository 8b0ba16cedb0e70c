"""A known caller is never created twice: a new caller's whole number attaches the known one.

DESIGN §3 (callers), issue "hostess-proof intake" item 1: the Store matches the number inside
the write transaction, for every way a request brings a new caller (form, `allo request add`,
imports); several holders of one number (a shared household line) must be chosen; the
form's Ctrl+N forces a new caller.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ALL_BACKENDS
from store_helpers import scalar

from allo_tui.data.store import Store
from allo_tui.domain.errors import SharedNumberError
from allo_tui.domain.records import CallerMatch, NewCaller, NewRequest

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


def new_request(store: Store, caller: NewCaller, **fields) -> NewRequest:
    category = store.find_category("VOIRIE")
    assert category is not None
    return NewRequest(
        category_id=category.id, description="Nid de poule", new_caller=caller, **fields
    )


DUPONT = NewCaller(surname="Dupont", given_name="Jean", phones=("03 86 99 01 99",))


def test_a_new_caller_with_a_known_number_is_the_known_caller(store, operator, db_path):
    known = store.create_caller(operator, DUPONT)

    request = store.create_request(
        operator,
        new_request(store, NewCaller(surname="Dupont", phones=("+33 3 86 99 01 99",))),
    )

    assert request.caller_id == known.id
    assert scalar(db_path, "SELECT count(*) FROM callers") == 1
    assert scalar(db_path, "SELECT count(*) FROM caller_phones") == 1


def test_a_shared_line_is_refused_until_the_caller_is_chosen(store, operator, db_path):
    jean = store.create_caller(operator, DUPONT)
    marie = store.create_caller(
        operator, NewCaller(surname="Dupont", given_name="Marie", phones=("0386990199",))
    )

    with pytest.raises(SharedNumberError) as refused:
        store.create_request(operator, new_request(store, NewCaller(phones=("03 86 99 01 99",))))

    assert refused.value.field == "caller"
    assert refused.value.caller_ids == (jean.id, marie.id)
    assert "DUPONT Jean" in refused.value.message and "DUPONT Marie" in refused.value.message
    assert scalar(db_path, "SELECT count(*) FROM requests") == 0, "nothing half-saved"
    assert scalar(db_path, "SELECT count(*) FROM callers") == 2
    chosen = store.create_request(
        operator,
        NewRequest(
            category_id=store.find_category("VOIRIE").id, description="x", caller_id=marie.id
        ),
    )
    assert chosen.caller_id == marie.id


def test_force_new_creates_a_caller_on_a_known_number(store, operator, db_path):
    known = store.create_caller(operator, DUPONT)

    request = store.create_request(
        operator,
        new_request(
            store,
            NewCaller(surname="Dupont", given_name="Marie", phones=("03 86 99 01 99",)),
            caller_match=CallerMatch.FORCE_NEW,
        ),
    )

    assert request.caller_id != known.id
    assert scalar(db_path, "SELECT count(*) FROM callers") == 2


def test_number_and_name_attaches_only_a_holder_of_that_name(store, operator, db_path):
    jean = store.create_caller(operator, DUPONT)

    same = store.create_request(
        operator,
        new_request(
            store,
            NewCaller(surname="DUPONT", given_name="jean", phones=("03 86 99 01 99",)),
            caller_match=CallerMatch.NUMBER_AND_NAME,
        ),
    )
    other = store.create_request(
        operator,
        new_request(
            store,
            NewCaller(surname="Dupont", given_name="Marie", phones=("03 86 99 01 99",)),
            caller_match=CallerMatch.NUMBER_AND_NAME,
        ),
    )

    assert same.caller_id == jean.id
    assert other.caller_id != jean.id
    assert scalar(db_path, "SELECT count(*) FROM callers") == 2


def test_a_number_that_does_not_parse_is_never_matched(store, operator, db_path):
    store.create_caller(operator, NewCaller(surname="Poste", phones=("poste 12",)))

    store.create_request(
        operator, new_request(store, NewCaller(surname="Autre", phones=("poste 12",)))
    )

    assert scalar(db_path, "SELECT count(*) FROM callers") == 2


def test_callers_holding_compares_whole_numbers_in_any_format(store, operator):
    jean = store.create_caller(operator, DUPONT)
    store.create_caller(operator, NewCaller(surname="Martin", phones=("03 86 99 01 98",)))

    assert [c.id for c in store.callers_holding("+33386990199")] == [jean.id]
    assert [c.id for c in store.callers_holding("03.86.99.01.99")] == [jean.id]
    assert store.callers_holding("03 86 99 01") == []  # a fragment is not a whole number
    assert store.callers_holding("") == []


def test_request_add_on_a_shared_line_without_a_name_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from click.testing import CliRunner

    from allo_tui.cli import main

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("ALLO_OPERATOR", "passerelle")
    db = tmp_path / "allo.sqlite3"
    add = ["--db", str(db), "request", "add", "--category", "voirie", "--description", "trou"]
    for name in ("DUPONT Jean", "DUPONT Marie"):
        result = CliRunner().invoke(main, [*add, "--phone", "03 86 99 01 99", "--name", name])
        assert result.exit_code == 0, result.output

    shared = CliRunner().invoke(main, [*add, "--phone", "0386990199"])
    named = CliRunner().invoke(main, [*add, "--phone", "0386990199", "--name", "Marie Dupont"])

    assert shared.exit_code == 2
    assert shared.stderr.splitlines() == [
        "allo: --phone : le numéro 03 86 99 01 99 est celui de 2 demandeurs"
        " (DUPONT Jean, DUPONT Marie) : précisez --name"
    ]
    assert named.exit_code == 0
    assert scalar(tmp_path / "allo.sqlite3", "SELECT count(*) FROM callers") == 2
    assert scalar(db, "SELECT count(*) FROM requests") == 3
