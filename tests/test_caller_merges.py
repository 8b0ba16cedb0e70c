"""Merging two records of one caller: what the caller kept takes, what is refused, and the
merge's trace (the card's list, the audit).

Each test names the behaviour it protects and checks what the database holds or what the Store
returns.
"""

from __future__ import annotations

import pytest
from conftest import ALL_BACKENDS
from store_helpers import CALL_STARTED, query, request_for, table_counts

from allo_tui.domain.errors import StaleWriteError, ValidationError
from allo_tui.domain.records import CallInfo, CallOutcome, NewCaller

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""

CALL = CallInfo(started_at=CALL_STARTED, console="poste-1", phone="03 86 12 34 56")


@pytest.fixture
def pair(store, operator):
    """One person entered twice: the second record has a new number, an email and a note."""
    kept = store.create_caller(
        operator,
        NewCaller(
            surname="Lefèvre",
            given_name="Élise",
            phones=("03 86 12 34 56",),
            street_number="3",
            street="Rue du Pont",
            notes="Appelle le matin.",
        ),
    )
    other = store.create_caller(
        operator,
        NewCaller(
            surname="LEFEVRE",
            given_name="",
            phones=("03 86 12 34 56", "06 12 34 56 78"),
            email="elise@example.org",
            street="Rue du Pont",
            notes="Sourde : parler fort.",
        ),
    )
    return kept, other


def test_the_kept_caller_takes_the_other_records_numbers_requests_calls_and_empty_fields(
    store, operator, supervisor, pair, db_path
):
    kept, other = pair
    moved = store.create_request(operator, request_for(store, caller_id=other.id), CALL)
    store.log_call(operator, CALL, CallOutcome.INFORMATION, caller_id=other.id)

    merged = store.merge_callers(supervisor, kept.id, kept.version, [(other.id, other.version)])

    assert [p.number for p in merged.phones] == ["+33386123456", "+33612345678"]
    assert merged.email == "elise@example.org"  # empty on the kept card: filled
    assert merged.surname == "Lefèvre"  # filled on the kept card: kept as it was
    assert merged.given_name == "Élise"
    assert merged.street_number == "3"
    assert merged.notes == "Appelle le matin.\nSourde : parler fort."
    assert merged.version == kept.version + 1
    assert query(db_path, "SELECT id FROM callers") == [(kept.id,)]
    assert query(db_path, "SELECT caller_id FROM requests WHERE id = ?", (moved.id,)) == [
        (kept.id,)
    ]
    assert {row[0] for row in query(db_path, "SELECT caller_id FROM calls")} == {kept.id}
    assert store.search_callers("0612345678").rows[0].id == kept.id
    assert [row.id for row in store.search_callers("lefevre").rows] == [kept.id]


def test_the_merge_is_recorded_on_the_card_and_in_the_audit(
    store, operator, supervisor, pair, db_path
):
    kept, other = pair
    store.merge_callers(supervisor, kept.id, kept.version, [(other.id, other.version)])
    [merge] = store.caller_merges(kept.id)
    assert (merge.merged_id, merge.name, merge.operator) == (
        other.id,
        "LEFEVRE",
        "Chef Superviseur",
    )
    assert merge.phones == ("+33386123456", "+33612345678")
    assert query(db_path, "SELECT action, subject FROM audit WHERE action = 'caller.merge'") == [
        ("caller.merge", f"#{kept.id}")
    ]


def test_a_record_changed_since_it_was_read_is_not_merged(
    store, operator, supervisor, pair, db_path
):
    kept, other = pair
    store.update_caller(operator, other.id, other.version, city="Auxerre")
    before = table_counts(db_path)
    with pytest.raises(StaleWriteError):
        store.merge_callers(supervisor, kept.id, kept.version, [(other.id, other.version)])
    assert table_counts(db_path) == before
    assert len(query(db_path, "SELECT id FROM callers")) == 2


def test_hostesses_may_not_merge_and_a_record_is_not_merged_into_itself(
    store, operator, supervisor, pair, db_path
):
    kept, other = pair
    before = table_counts(db_path)
    with pytest.raises(ValidationError, match="superviseurs"):
        store.merge_callers(operator, kept.id, kept.version, [(other.id, other.version)])
    with pytest.raises(ValidationError):
        store.merge_callers(supervisor, kept.id, kept.version, [(kept.id, kept.version)])
    with pytest.raises(ValidationError):
        store.merge_callers(supervisor, kept.id, kept.version, [])
    assert table_counts(db_path) == before


def test_likely_duplicates_of_one_caller_share_a_number_or_the_name_and_address(
    store, operator, pair
):
    kept, other = pair
    namesake = store.create_caller(
        operator,
        NewCaller(surname="Lefèvre", given_name="Élise", street_number="3", street="rue du pont"),
    )
    store.create_caller(operator, NewCaller(surname="Lefèvre", given_name="Paul"))
    found = store.likely_duplicates(kept.id)
    assert [c.id for c in found] == [other.id, namesake.id]


def test_allo_callers_merge_asks_then_merges_as_the_operator_running_it(
    store, operator, supervisor, pair, db_path
):
    from click.testing import CliRunner

    from allo_tui.cli import main

    kept, other = pair
    command = ["--db", str(db_path), "--operator", "chief", "callers", "merge"]
    refused = CliRunner().invoke(main, [*command, f"#{kept.id}", f"#{other.id}"], input="n\n")
    assert refused.exit_code != 0
    assert "rien n'a été fusionné" in refused.output
    assert len(query(db_path, "SELECT id FROM callers")) == 2

    done = CliRunner().invoke(main, [*command, f"#{kept.id}", "06 12 34 56 78"], input="o\n")
    assert done.exit_code == 0, done.output
    assert f"1 fiche(s) fusionnée(s) dans #{kept.id}" in done.output
    assert query(db_path, "SELECT id FROM callers") == [(kept.id,)]

    hostess = ["--db", str(db_path), "--operator", "hostess", "callers", "merge"]
    again = CliRunner().invoke(main, [*hostess, f"#{kept.id}", "#999", "--yes"])
    assert again.exit_code != 0 and "Traceback" not in again.output


async def test_m_on_the_card_ticks_a_likely_duplicate_and_merges_it_into_the_card(
    store, operator, supervisor, pair, db_path
):
    from pilot_helpers import settle_thrice as settle
    from textual.widgets import Static

    from allo_tui.app import AlloApp
    from allo_tui.screens.caller_card import CallerCardScreen
    from allo_tui.screens.caller_merge import MergeDialog
    from allo_tui.screens.confirm import ConfirmDialog

    kept, other = pair
    app = AlloApp(store=store, operator=supervisor, console="test")
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(CallerCardScreen(kept.id))
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, MergeDialog)
        assert [c.id for c in app.screen.candidates] == [other.id]
        await pilot.press("enter")  # nothing ticked: refused, the dialog stays
        await settle(app, pilot)
        assert isinstance(app.screen, MergeDialog)
        await pilot.press("space", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("o")
        await settle(app, pilot)
        card = app.screen
        assert isinstance(card, CallerCardScreen)
        fields = str(card.query_one("#caller-fields", Static).render())
        assert "06 12 34 56 78" in fields
        assert f"LEFEVRE (n° {other.id}) fusionnée le" in fields
        assert "par Chef Superviseur" in fields
    assert query(db_path, "SELECT id FROM callers") == [(kept.id,)]


async def test_hostesses_have_no_merge_key_on_the_card(store, operator, pair, db_path):
    from pilot_helpers import settle_thrice as settle

    from allo_tui.app import AlloApp
    from allo_tui.screens.caller_card import CallerCardScreen

    kept, _other = pair
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(CallerCardScreen(kept.id))
        await settle(app, pilot)
        card = app.screen
        assert "caller_card.merge" not in {
            b.binding.id for b in card.active_bindings.values() if b.enabled
        }
        await pilot.press("m")
        await settle(app, pilot)
        assert app.screen is card
    assert len(query(db_path, "SELECT id FROM callers")) == 2
