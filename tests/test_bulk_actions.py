"""Supervisors' bulk actions on the real screens: Space marks requests in the history (F4) and
on the board (F5), Ctrl+B asks the action and does it on every marked one; the result lists
what was done and what was skipped; a hostess has neither key."""

from __future__ import annotations

from conftest import ALL_BACKENDS
from pilot_helpers import board_lines, open_board
from pilot_helpers import settle_thrice as settle
from store_helpers import query, request_for
from textual.widgets import Static

from allo_tui.app import AlloApp
from allo_tui.data.store import Store
from allo_tui.domain.workflow import Action
from allo_tui.screens.action_dialogs import ChoiceDialog, TextPromptDialog
from allo_tui.screens.bulk_actions import BulkResultDialog
from allo_tui.screens.confirm import ConfirmDialog
from allo_tui.screens.history import HistoryScreen
from allo_tui.widgets.history_table import HistoryTable

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""


def _done(store: Store, operator, count: int) -> list:
    made = []
    for index in range(count):
        created = store.create_request(operator, request_for(store, description=f"Trou {index}"))
        made.append(
            store.apply(
                operator,
                created.id,
                Action.DONE,
                expected_version=created.version,
                outcome_code="REPARE",
                text="Rebouché",
            )
        )
    return made


def _result_text(app) -> str:
    dialog = app.screen
    assert isinstance(dialog, BulkResultDialog)
    return "\n".join(str(static.render()) for static in dialog.query(Static))


async def test_a_supervisor_closes_five_done_requests_in_one_go_from_the_history(
    store: Store, operator, supervisor, db_path
) -> None:
    still_new = store.create_request(operator, request_for(store, description="Pas fini"))
    done = _done(store, operator, 5)  # newest first in the history: the five on top
    app = AlloApp(store=store, operator=supervisor, console="test")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        history = app.screen
        await pilot.press("down")  # from the filter box to the list
        for _ in range(5):
            await pilot.press("space", "down")
        await settle(app, pilot)
        table = history.query_one(HistoryTable)
        assert table.marked == {request.id for request in done}
        assert "5 demande(s) marquée(s)" in str(history.query_one("#history-marks").render())
        assert str(table.get_cell_at((0, 0))).startswith("✓")

        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("3")  # Clôturer
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("o")
        await settle(app, pilot)
        text = _result_text(app)
        assert "Clôturer : 5 faite(s), 0 ignorée(s)" in text
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is history
        assert not history.query_one("#history-marks").display, "the marks went with the action"

    statuses = dict(query(db_path, "SELECT id, status FROM requests"))
    assert [statuses[request.id] for request in done] == ["closed"] * 5
    assert statuses[still_new.id] == "new"


async def test_a_request_changed_after_it_was_marked_is_skipped_and_listed_on_the_board(
    store: Store, operator, supervisor, db_path
) -> None:
    first = store.create_request(operator, request_for(store, description="Un"))
    second = store.create_request(operator, request_for(store, description="Deux"))
    app = AlloApp(store=store, operator=supervisor, console="test")
    async with app.run_test(size=(120, 30)) as pilot:
        board = await open_board(app, pilot)
        await pilot.press("space", "down", "space")
        await settle(app, pilot)
        assert board.board_list.marked == {first.id, second.id}
        assert any(line.startswith("✓") for line in board_lines(board.board_list))
        # Another console acknowledges the second one meanwhile.
        other = Store(db_path)
        try:
            other.apply(operator, second.id, Action.ACKNOWLEDGE, expected_version=second.version)
        finally:
            other.close()

        await pilot.press("ctrl+b")
        await settle(app, pilot)
        await pilot.press("4")  # Rejeter avec un motif
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("2")  # Domaine privé
        await settle(app, pilot)
        assert isinstance(app.screen, TextPromptDialog)
        await pilot.press("enter")
        await settle(app, pilot)
        text = _result_text(app)
        assert "1 faite(s), 1 ignorée(s)" in text
        assert f"{second.reference} : modifiée entre-temps" in text

    rows = dict(
        (row[0], row[1:])
        for row in query(db_path, "SELECT id, status, rejection_reason_code FROM requests")
    )
    assert rows[first.id] == ("rejected", "DOMAINE_PRIVE")
    assert rows[second.id] == ("acknowledged", "")


async def test_a_hostess_has_no_marks_nor_bulk_actions(store: Store, operator, db_path) -> None:
    _done(store, operator, 2)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 30)) as pilot:
        board = await open_board(app, pilot)
        await pilot.press("space", "ctrl+b")
        await settle(app, pilot)
        assert board.board_list.marked == frozenset()
        assert app.screen is board
        assert "ctrl+b" not in board.active_bindings
