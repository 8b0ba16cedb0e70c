"""F10 "Orienté vers…": an out-of-scope call is sent to a body of the orientation directory,
its number is shown to be read out, and the call is logged with where it was sent.

Each test names the behaviour it protects and checks what the database holds or what the
hostess sees.
"""

from __future__ import annotations

import pytest
from conftest import ALL_BACKENDS
from pilot_helpers import settle_timers as settle
from store_helpers import CALL_STARTED, execute, query, table_counts

from allo_tui.app import AlloApp
from allo_tui.data.store.admin_catalogue import add_directory_entry
from allo_tui.domain.errors import ValidationError
from allo_tui.domain.records import CallInfo, CallOutcome
from allo_tui.screens.action_dialogs import SearchChoiceDialog
from allo_tui.screens.end_call import EndCallScreen
from allo_tui.screens.lookup import LookupScreen

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""

pytestmark = pytest.mark.usefixtures("quick_timers")

CALL = CallInfo(started_at=CALL_STARTED, console="poste-1", phone="03 86 12 34 56")


@pytest.fixture
def directory(store, admin) -> dict[str, int]:
    """Two bodies, one of them with `[bold]` in its name (text is data)."""
    add_directory_entry(
        store, admin, "GRDF — urgence gaz", "0 800 47 33 33", "24 h/24", "odeur de gaz, fuite"
    )
    add_directory_entry(
        store, admin, "Enedis [bold]dépannage", "09 72 67 50 89", "24 h/24", "coupure, câble"
    )
    return {name: entry_id for entry_id, name, *_rest in _entries(store)}


def _entries(store) -> list[tuple]:
    from allo_tui.data.store.admin_catalogue import directory_entries

    return directory_entries(store)


def test_an_oriented_call_is_logged_with_the_body_it_was_sent_to(
    store, operator, directory, db_path
):
    grdf = directory["GRDF — urgence gaz"]
    record = store.log_call(operator, CALL, CallOutcome.ORIENTED, directory_id=grdf)
    assert (record.outcome, record.directory_id) == (CallOutcome.ORIENTED, grdf)
    assert query(db_path, "SELECT outcome, directory_id FROM calls") == [("oriented", grdf)]


def test_orientation_without_a_body_or_a_body_without_orientation_is_refused(
    store, operator, directory, db_path
):
    before = table_counts(db_path)
    with pytest.raises(ValidationError):
        store.log_call(operator, CALL, CallOutcome.ORIENTED)
    with pytest.raises(ValidationError):
        store.log_call(
            operator, CALL, CallOutcome.INFORMATION, directory_id=directory["GRDF — urgence gaz"]
        )
    assert table_counts(db_path) == before


def test_a_retired_or_unknown_body_is_refused_and_nothing_is_written(
    store, operator, directory, db_path
):
    grdf = directory["GRDF — urgence gaz"]
    execute(db_path, "UPDATE directory SET active = ? WHERE id = ?", (False, grdf))
    before = table_counts(db_path)
    for entry in (grdf, 99_999):
        with pytest.raises(ValidationError, match="plus dans l'annuaire"):
            store.log_call(operator, CALL, CallOutcome.ORIENTED, directory_id=entry)
    assert table_counts(db_path) == before


async def test_f10_5_filters_the_directory_by_what_it_handles_and_logs_the_call(
    store, admin, directory
) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f10", "5")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, SearchChoiceDialog)
        await pilot.press(*"gaz")
        await settle(app, pilot)
        assert [entry.name for _label, entry in dialog._shown] == ["GRDF — urgence gaz"]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        notices = [str(n.message) for n in app._notifications]
        assert any("GRDF — urgence gaz : 0 800 47 33 33" in text for text in notices)
    calls = store.calls()
    assert [(c.outcome, c.directory_id) for c in calls] == [
        (CallOutcome.ORIENTED, directory["GRDF — urgence gaz"])
    ]


async def test_the_directory_shows_names_literally(store, admin, directory) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f10", "5")
        await settle(app, pilot)
        await pilot.press(*"enedis")
        await settle(app, pilot)
        shown = app.screen.query_one("#dialog-choices").get_option_at_index(0).prompt
        assert "Enedis [bold]dépannage" in str(shown)


async def test_escape_in_the_directory_goes_back_to_how_the_call_ended(
    store, admin, directory
) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f10", "5")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, EndCallScreen)
        await pilot.press("1")
        await settle(app, pilot)
    assert [c.outcome for c in store.calls()] == [CallOutcome.INFORMATION]


async def test_an_empty_directory_says_how_to_fill_it_and_logs_nothing(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f10", "5")
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        notices = [str(n.message) for n in app._notifications]
        assert any("annuaire d'orientation est vide" in text for text in notices)
    assert store.calls() == []
