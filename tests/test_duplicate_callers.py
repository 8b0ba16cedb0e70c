"""Likely duplicate callers: the grouping rule, and `allo callers duplicates` on both backends."""

from __future__ import annotations

from click.testing import CliRunner

from allo_tui.cli import main
from allo_tui.domain.duplicates import (
    SAME_NAME_ADDRESS,
    SAME_NUMBER,
    DuplicateCandidate,
    duplicate_groups,
    duplicates_of,
)
from allo_tui.domain.records import NewCaller
from tests.backends import ALL_BACKENDS

BACKENDS = ALL_BACKENDS


def _candidate(caller_id: int, **fields) -> DuplicateCandidate:
    return DuplicateCandidate(id=caller_id, **fields)


def test_same_number_groups_callers() -> None:
    groups = duplicate_groups(
        [
            _candidate(1, surname="Dupont", phones=("+33386123456",)),
            _candidate(2, surname="Durand", phones=("+33600000000", "+33386123456")),
            _candidate(3, surname="Martin", phones=("+33611111111",)),
        ]
    )
    assert [[c.id for c in g.callers] for g in groups] == [[1, 2]]
    assert groups[0].reasons == (SAME_NUMBER,)


def test_same_name_and_address_without_case_or_accents() -> None:
    candidates = [
        _candidate(
            4, surname="LEFÈVRE", given_name="Élise", street_number="3", street="Rue du Pont"
        ),
        _candidate(
            9, surname="lefevre", given_name="elise", street_number="3", street="rue du pont"
        ),
        _candidate(
            5, surname="Lefèvre", given_name="Élise", street_number="5", street="Rue du Pont"
        ),
        _candidate(6, surname="Lefèvre", given_name="Élise"),
        _candidate(7, surname="Lefèvre", given_name="Élise"),
    ]
    groups = duplicate_groups(candidates)
    assert [[c.id for c in g.callers] for g in groups] == [[4, 9]]
    assert groups[0].reasons == (SAME_NAME_ADDRESS,)
    assert [c.id for c in duplicates_of(9, candidates)] == [4]
    assert duplicates_of(5, candidates) == []


def test_groups_are_transitive() -> None:
    groups = duplicate_groups(
        [
            _candidate(1, surname="A", phones=("+33386123456",)),
            _candidate(2, surname="B", street="Rue X", phones=("+33386123456",)),
            _candidate(3, surname="B", street="rue x"),
        ]
    )
    assert [[c.id for c in g.callers] for g in groups] == [[1, 2, 3]]
    assert groups[0].reasons == (SAME_NAME_ADDRESS, SAME_NUMBER)


def test_store_and_command_list_duplicates(store, admin, db_path) -> None:
    first = store.create_caller(
        admin, NewCaller(surname="Dupont", given_name="Jean", phones=("03 86 12 34 56",))
    )
    second = store.create_caller(
        admin, NewCaller(surname="DUPONT", given_name="Jean", phones=("0386123456",))
    )
    store.create_caller(admin, NewCaller(surname="Martin", phones=("06 12 34 56 78",)))
    groups = store.duplicate_callers()
    assert [[c.id for c in g.callers] for g in groups] == [[first.id, second.id]]

    result = CliRunner().invoke(
        main, ["--db", str(db_path), "--operator", "admin", "callers", "duplicates"]
    )
    assert result.exit_code == 0, result.output
    assert f"#{first.id}" in result.output and f"#{second.id}" in result.output
    assert "Martin" not in result.output
    assert SAME_NUMBER in result.output
