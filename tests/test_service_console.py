"""A service agent's console follows the role table (`allo_tui.domain.access`): it opens on the
board of their own services, their history holds their services' requests only, and the call
centre's screens (lookup, caller card, new request, end of call) are neither shown nor opened.
The call centre's console is unchanged.
"""

from __future__ import annotations

from conftest import ALL_BACKENDS
from pilot_helpers import board_lines, notifications, settle, settle_timers
from store_helpers import request_for

from allo_tui.app import AlloApp, ServiceConsoleApp, console_app
from allo_tui.data.store import Store
from allo_tui.domain.records import HistoryFilter, Role
from allo_tui.screens.board import BoardScreen
from allo_tui.screens.history import HistoryScreen
from allo_tui.screens.lookup import LookupScreen
from allo_tui.screens.palette import NavigationCommands

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


def two_services(store: Store, operator):
    """A pothole (Voirie) and a street lamp (Éclairage public)."""
    pothole = store.create_request(operator, request_for(store, "VOIRIE", "Nid de poule"))
    lamp = store.create_request(operator, request_for(store, "ECLAIRAGE", "Lampadaire éteint"))
    return pothole, lamp


def footer_keys(app) -> str:
    from pilot_helpers import painted_lines

    return "\n".join(painted_lines(app)[-2:])


def test_the_store_keeps_a_history_to_the_services_asked(store: Store, operator):
    pothole, lamp = two_services(store, operator)
    voirie = store.find_category("VOIRIE").service_id

    page = store.history(HistoryFilter(service_ids=(voirie,)))

    assert [row.reference for row in page.rows] == [pothole.reference]
    assert store.count_requests(HistoryFilter(service_ids=(voirie,)))[0] == 1
    assert {row.reference for row in store.history(HistoryFilter()).rows} == {
        pothole.reference,
        lamp.reference,
    }


def test_a_service_agent_gets_the_service_console_and_a_hostess_the_call_centres(
    store: Store, operator
):
    agent = store.add_operator("voirie1", Role.SERVICE, "Agent Voirie", ["VOIRIE"])

    assert type(console_app(store, agent, console="test")) is ServiceConsoleApp
    assert type(console_app(store, operator, console="test")) is AlloApp


async def test_a_service_agents_board_shows_their_services_only(store: Store, operator):
    pothole, lamp = two_services(store, operator)
    agent = store.add_operator("voirie1", Role.SERVICE, "Agent Voirie", ["VOIRIE"])
    app = console_app(store, agent, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_timers(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot, rounds=3, pause=0.2)
        assert isinstance(app.screen, BoardScreen)
        shown = "\n".join(board_lines(app.screen.board_list))
        assert pothole.reference in shown
        assert lamp.reference not in shown
        # "All" (0 / Esc) still means all of *their* services.
        await pilot.press("0")
        await settle(app, pilot, rounds=3, pause=0.2)
        shown = "\n".join(board_lines(app.screen.board_list))
        assert lamp.reference not in shown

        keys = footer_keys(app)
        assert "F5" in keys and "F4" in keys and "F7" in keys
        assert "F2" not in keys and "F3" not in keys and "F10" not in keys
        await pilot.press("f2")
        await settle(app, pilot)
        assert not isinstance(app.screen, LookupScreen)
        await app.action_go("lookup")  # however it is asked for
        await settle(app, pilot)
        assert not isinstance(app.screen, LookupScreen)
        assert any("n'est pas ouvert au rôle service" in text for text in notifications(app))
        titles = [title for title, _, _ in NavigationCommands(app.screen)._commands()]
        assert "tableau" in " ".join(titles) and not any("emandeur" in t for t in titles)


async def test_a_service_agents_history_holds_their_services_requests_only(store: Store, operator):
    pothole, lamp = two_services(store, operator)
    agent = store.add_operator("eclairage1", Role.SERVICE, "Agent Éclairage", ["ECLAIRAGE"])
    app = console_app(store, agent, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_timers(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot, rounds=3, pause=0.2)
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.table
        references = {str(table.get_row_at(i)[0]) for i in range(table.row_count)}
        assert lamp.reference in "".join(references)
        assert pothole.reference not in "".join(references)
        await pilot.press("escape", "escape")  # clearing the filters keeps the scope
        await settle(app, pilot, rounds=3, pause=0.2)
        references = {str(table.get_row_at(i)[0]) for i in range(table.row_count)}
        assert pothole.reference not in "".join(references)


async def test_a_service_agent_is_refused_the_caller_card(store: Store, operator):
    agent = store.add_operator("voirie1", Role.SERVICE, "Agent Voirie", ["VOIRIE"])
    app = console_app(store, agent, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_timers(app, pilot)
        app.open_caller_card(1)
        await settle(app, pilot)
        assert not type(app.screen).__name__.startswith("CallerCard")
        assert any("Fiche appelant" in text for text in notifications(app))


async def test_a_service_agents_detail_offers_their_actions_and_no_caller_card(
    store: Store, operator
):
    from pilot_helpers import open_detail

    pothole, _lamp = two_services(store, operator)
    agent = store.add_operator("voirie1", Role.SERVICE, "Agent Voirie", ["VOIRIE"])
    app = console_app(store, agent, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_timers(app, pilot)
        screen = await open_detail(app, pilot, pothole.id)
        keys = footer_keys(app)
        assert "Démarrer" in keys and "Terminer" in keys and "Note" in keys
        assert "Fiche" not in keys and "Affecter" not in keys
        assert screen.check_action("open_caller", ()) is False
        links = screen.query_one("#detail-links")
        assert links.option_count == 0
