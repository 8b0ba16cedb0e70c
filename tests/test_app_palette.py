"""The command palette (Ctrl+P) in French: it finds the board and opens a reference, finds a
caller from a caller card opened on the lookup, and lists its own commands in French.
"""

from __future__ import annotations

from conftest import ALL_BACKENDS
from pilot_helpers import settle
from textual.widgets import Input

from allo_tui.app import AlloApp
from allo_tui.domain.records import NewCaller, NewRequest
from allo_tui.screens.board import BoardScreen
from allo_tui.screens.lookup import LookupScreen

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


async def test_palette_in_french_finds_the_board_and_opens_a_reference(store, admin):
    from textual.command import CommandPalette

    from allo_tui.screens.request_detail import RequestDetailScreen

    autre = next(c for c in store.categories() if c.code == "AUTRE")
    store.create_request(admin, NewRequest(category_id=autre.id, description="banc cassé"))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert "Chercher une commande" in palette.query_one(Input).placeholder
        await pilot.press(*"tableau")
        await pilot.pause(0.3)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("ctrl+p")
        await pilot.press(*"2026-00001")
        await pilot.pause(0.3)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
        await pilot.press("ctrl+p")
        await pilot.press(*"zebulon")
        await pilot.pause(0.3)
        await settle(app, pilot)
        shown = [str(o.prompt) for o in app.screen.query_one("CommandList").options]
        assert any("Chercher le demandeur « zebulon »" in text for text in shown), shown
        await pilot.press("up", "enter")  # the last entry: search on F2
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#query", Input).value == "zebulon"
        await pilot.press("ctrl+p")
        await pilot.press(*"qz")
        await pilot.pause(0.8)
        await settle(app, pilot)
        shown = [str(o.prompt) for o in app.screen.query_one("CommandList").options]
        assert any("Aucune commande trouvée" in text for text in shown), shown


async def test_palette_finds_a_caller_from_a_caller_card_opened_on_the_lookup(store, admin):
    from allo_tui.screens.caller_card import CallerCardScreen

    caller = store.create_caller(admin, NewCaller(surname="ZÉBULON", given_name="Éléonore"))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_caller_card(caller.id)
        await settle(app, pilot)
        assert isinstance(app.screen, CallerCardScreen)
        await pilot.press("ctrl+p")
        await pilot.press(*"zebulon")
        await pilot.pause(0.3)
        await settle(app, pilot)
        await pilot.press("up", "enter")  # the last entry: search on F2
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#query", Input).value == "zebulon"


async def test_palette_lists_its_own_commands_in_french(store, admin):
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", "down")  # the list of every command
        await pilot.pause(0.3)
        await settle(app, pilot)
        shown = " | ".join(str(o.prompt) for o in app.screen.query_one("CommandList").options)
        for french in ("Aller au tableau", "Historique des demandes", "Thème", "Capture d'écran"):
            assert french in shown, shown
        for english in ("Keys", "Screenshot", "Theme", "Quit the application", "Go to start"):
            assert english not in shown, shown
