"""The board's keys (F5): digits show one urgency and 0 all, F filters by service, Enter opens
the request, a supervisor assigns from the board and an operator cannot.
"""

from __future__ import annotations

from conftest import ALL_BACKENDS, REMARKS
from pilot_helpers import choose, open_board, settle

from allo_tui.app import AlloApp
from allo_tui.domain.records import Status
from allo_tui.domain.workflow import Action
from allo_tui.widgets.service_picker import ServicePicker

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

# -- keys -------------------------------------------------------------------------------


async def test_digit_keys_show_one_urgency_and_zero_shows_all(store, admin, board_data) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_board(app, pilot)
        await pilot.press("down", "down", "down", "4")
        await settle(app, pilot)
        assert [r.reference for r in screen.board_list.rows] == [board_data[n] for n in REMARKS]
        assert screen.board_list.highlighted.reference == board_data["remark_a"], "from the top"
        assert "urgence 4" in str(screen.query_one("#board-filter").render())
        await pilot.press("0")
        await settle(app, pilot)
        assert len(screen.board_list.rows) == 8
        assert not screen.query_one("#board-filter").display


async def test_f_filters_by_service(store, admin, board_data) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_board(app, pilot)
        await pilot.press("f")
        await settle(app, pilot)
        assert isinstance(app.screen, ServicePicker)
        choose(app.screen, store, "Voirie")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert [r.reference for r in screen.board_list.rows] == [board_data["ack_late"]], (
            "only the open Voirie request"
        )
        assert "Voirie" in str(screen.query_one("#board-filter").render())


async def test_enter_opens_the_request_detail(store, admin, board_data) -> None:
    from allo_tui.screens.request_detail import RequestDetailScreen

    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        await open_board(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
        request = store.get_request_by_reference(board_data["soon_1"])
        assert request is not None and app.screen.request_id == request.id


async def test_supervisor_assigns_from_the_board(store, supervisor, board_data) -> None:
    app = AlloApp(store=store, operator=supervisor, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_board(app, pilot)
        assert screen.board_list.highlighted.reference == board_data["late_1"]
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, ServicePicker)
        choose(app.screen, store, "Voirie")
        await pilot.press("enter")
        await settle(app, pilot)
    saved = store.get_request_by_reference(board_data["late_1"])
    assert saved is not None
    assert (saved.service_name, saved.status) == ("Voirie", Status.ASSIGNED)


async def test_operators_cannot_reassign_from_the_board(store, operator, board_data) -> None:
    request = store.get_request_by_reference(board_data["late_1"])
    assert request is not None
    mobile = next(service for service in store.services() if service.is_mobile_team)
    store.apply(
        operator, request.id, Action.ASSIGN, expected_version=request.version, service_id=mobile.id
    )
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_board(app, pilot)
        assert screen.board_list.highlighted.reference == board_data["late_1"]
        assert screen.check_action("assign", ()) is None, (
            "greyed out: reassigning is a supervisor's"
        )
        await pilot.press("down")
        assert screen.check_action("assign", ()) is True
