"""In a browser (`allo serve`), the browser keeps some keys for itself (Ctrl+N, Ctrl+T, Ctrl+W,
Ctrl+Q, F-keys such as F5, F7, F11): every key of the console has a command-palette entry
there, for each role, and Ctrl+P opens the palette (tests/test_serve_browser.py presses it in
Chromium). A key the role may not use has no entry.
"""

from __future__ import annotations

from conftest import ALL_BACKENDS
from pilot_helpers import settle, settle_timers

from allo_tui.app import console_app
from allo_tui.domain.records import Role
from allo_tui.screens.lookup import LookupScreen
from allo_tui.screens.palette import NavigationCommands
from allo_tui.screens.queue import QueueScreen
from allo_tui.widgets.binding_commands import BindingCommands

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


def app_keys_without_entry(app) -> list[str]:
    """The app's keys the operator may use that no palette entry names ("touche F7")."""
    helps = [help_text for _, _, help_text in NavigationCommands(app.screen)._commands()]
    missing = []
    for binding in app.BINDINGS:
        action, _, arguments = binding.action.partition("(")
        parameters = tuple(part.strip(" '\")") for part in arguments.split(",") if part.strip())
        if app.check_action(action, parameters) is False:
            continue
        key = app.get_key_display(binding)
        if not any(f"touche {key}" in help_text for help_text in helps):
            missing.append(key)
    return missing


async def test_every_key_of_a_service_agents_console_is_in_the_palette(store, admin):
    agent = store.add_operator("voirie1", Role.SERVICE, "Agent Voirie", ["VOIRIE"])
    app = console_app(store, agent, console="test")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_timers(app, pilot)
        assert app_keys_without_entry(app) == []
        titles = [title for title, _, _ in NavigationCommands(app.screen)._commands()]
        assert "Ma file : les demandes de mon service" in titles
        assert "Nouvelle demande" not in titles  # not a service agent's key


async def test_every_key_of_a_hostess_console_is_in_the_palette(store, operator):
    app = console_app(store, operator, console="test")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_timers(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        assert app_keys_without_entry(app) == []
        titles = [title for title, _, _ in NavigationCommands(app.screen)._commands()]
        assert "Ma file : les demandes de mon service" not in titles  # hostesses have none
        # Ctrl+N on the lookup (a new caller: a new window in a browser) is there too.
        screen_titles = [title for title, _, _ in BindingCommands(app.screen)._commands()]
        assert "Nouveau demandeur" in screen_titles


async def test_the_palette_opens_the_queue_for_a_supervisor(store, supervisor):
    app = console_app(store, supervisor, console="test")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_timers(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press("M", "a", "space", "f", "i", "l", "e")
        await settle(app, pilot, pause=0.3)
        await pilot.press("enter")
        await settle(app, pilot, rounds=3, pause=0.2)
        assert isinstance(app.screen, QueueScreen)
