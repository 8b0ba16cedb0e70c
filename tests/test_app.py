"""The console driven through its keys (Textual Pilot) on a real temp database: the function
keys switch between the four modes, each mode shows what the database holds, keys typed right
after the first F5, F4 or F2 reach the screen, and Esc on the board shows every urgency again.

Beside it: test_app_keys (keys on screen, help, key map, Ctrl+C) and test_app_palette.
"""

from __future__ import annotations

from conftest import ALL_BACKENDS
from pilot_helpers import settle, type_ahead
from rich.text import Text
from textual.widgets import DataTable, Input, Static, TextArea

from allo_tui.app import AlloApp
from allo_tui.domain.records import NewCaller, NewRequest
from allo_tui.screens.board import BoardScreen
from allo_tui.screens.history import HistoryScreen
from allo_tui.screens.lookup import LookupScreen
from allo_tui.screens.new_request import NewRequestScreen
from allo_tui.widgets.board_list import BoardList
from allo_tui.widgets.typeahead import TypeAhead

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


def cell_texts(table) -> list[list[str]]:
    return [
        [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row_at(index)]
        for index in range(table.row_count)
    ]


async def test_function_keys_switch_between_the_four_modes(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, LookupScreen)
        assert app.focused is app.screen.query_one("#query", Input)
        await pilot.press("f3")
        assert isinstance(app.screen, NewRequestScreen)
        await pilot.press("f4")
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("f5")
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("f2")
        assert isinstance(app.screen, LookupScreen)


async def test_lookup_lists_callers_found_by_unaccented_prefix(store, admin) -> None:
    store.create_caller(
        admin, NewCaller(surname="Zébulon", given_name="Éléonore", phones=("03 86 12 34 56",))
    )
    store.create_caller(admin, NewCaller(surname="[bold]Martin", given_name="Paul"))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"eleo zeb")
        await settle(app, pilot)
        table = app.screen.query_one("#results")
        assert cell_texts(table)[0][:2] == ["ZÉBULON Éléonore", "03 86 12 34 56"]
        app.screen.query_one("#query", Input).value = ""
        await pilot.press(*"martin")
        await settle(app, pilot)
        assert cell_texts(table)[0][0] == "[BOLD]MARTIN Paul", "markup in a name shows literally"


async def test_new_request_form_saves_and_shows_the_reference(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        screen = app.screen
        voirie = next(c for c in store.categories() if c.code == "VOIRIE")
        screen.query_one("#category", TypeAhead).set_text(voirie.label, voirie.id)
        screen.query_one("#street", TypeAhead).set_text("Rue du Temple")
        screen.query_one("#description", TextArea).text = "Nid-de-poule [red]profond"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        reference = screen.query_one("#reference", Static)
        assert "2026-00001" in str(reference.render())
    saved = store.get_request_by_reference("2026-00001")
    assert saved is not None
    assert (saved.street, saved.description, saved.category_id) == (
        "Rue du Temple",
        "Nid-de-poule [red]profond",
        voirie.id,
    )
    calls = store.calls()
    assert len(calls) == 1 and calls[0].request_id == saved.id


async def test_new_request_without_description_keeps_the_form_open(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        screen = app.screen
        first = store.categories()[0]
        screen.query_one("#category", TypeAhead).set_text(first.label, first.id)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "obligatoire" in str(screen.query_one("#message-description", Static).render())
        assert app.focused is screen.query_one("#description", TextArea)
    assert store.latest_requests() == []


async def test_history_and_board_show_requests_from_the_database(store, admin) -> None:
    danger = next(c for c in store.categories() if c.code == "DANGER")
    autre = next(c for c in store.categories() if c.code == "AUTRE")
    store.create_request(admin, NewRequest(category_id=autre.id, description="remarque"))
    store.create_request(admin, NewRequest(category_id=danger.id, description="plaque"))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        history = cell_texts(app.screen.query_one("#history", DataTable))
        assert [row[0] for row in history] == ["2026-00002", "2026-00001"]
        await pilot.press("f5")
        await settle(app, pilot)
        board = app.screen.query_one("#board", BoardList)
        assert [row.reference for row in board.rows] == ["2026-00002", "2026-00001"], (
            "urgency 1 first"
        )


async def test_keys_typed_right_after_the_first_f5_f4_f2_reach_the_screen(store, admin):
    """The first visit builds the screen: the keys typed meanwhile wait for its focus."""
    from allo_tui.screens.request_detail import RequestDetailScreen

    autre = next(c for c in store.categories() if c.code == "AUTRE")
    for number in range(3):
        store.create_request(admin, NewRequest(category_id=autre.id, description=f"r{number}"))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        type_ahead(app, "f5", "down", "down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
        board = app.get_screen_stack("board")[0].query_one("#board", BoardList)
        assert app.screen.request_id == board.rows[2].id, "the third row was opened"
        type_ahead(app, "escape", "f4", *"temple")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.query_one("#history-filter", Input).value == "temple"
        type_ahead(app, "f5", "f2", *"dupont")
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#query", Input).value == "dupont"


async def test_arrows_and_enter_typed_right_after_the_first_f4_open_the_row(store, admin):
    from allo_tui.screens.request_detail import RequestDetailScreen

    autre = next(c for c in store.categories() if c.code == "AUTRE")
    for number in range(3):
        store.create_request(admin, NewRequest(category_id=autre.id, description=f"r{number}"))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        type_ahead(app, "f4", "down", "down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
        assert app.screen.request_id == 2, "the second newest request"


async def test_esc_on_the_board_shows_every_urgency_again(store, admin):
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        assert app.screen.urgency == 2
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.urgency is None
