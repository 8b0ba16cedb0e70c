"""F9, the administration screen, driven through its keys on a real database.

Each test names the behaviour it protects and checks what the database holds or what the
administrator sees.
"""

from __future__ import annotations

import pytest
from conftest import ALL_BACKENDS
from pilot_helpers import settle_thrice as settle
from store_helpers import query
from textual.widgets import DataTable

from allo_tui.app import AlloApp
from allo_tui.screens.action_dialogs import ChoiceDialog, TextPromptDialog
from allo_tui.screens.admin import AdminScreen
from allo_tui.screens.lookup import LookupScreen

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""


def _cells(screen, tab: str) -> list[list[str]]:
    table = screen.query_one(f"#table-{tab}", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def _type(app, pilot, text: str, *keys: str) -> None:
    assert isinstance(app.screen, TextPromptDialog), app.screen
    await pilot.press(*text, *keys)
    await settle(app, pilot)


async def test_an_admin_adds_a_category_with_its_procedure_and_the_audit_lists_it(
    store, admin, db_path
):
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f9")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AdminScreen)
        assert any(row[0] == "VOIRIE" for row in _cells(screen, "services"))
        await pilot.press("a")
        await settle(app, pilot)
        await _type(app, pilot, "CHUTE", "enter")
        await _type(app, pilot, "Chute d'arbre", "enter")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")  # the first active service
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "enter")  # urgency 2
        await settle(app, pilot)
        await _type(app, pilot, "Demander si [bold]quelqu'un est blessé", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        rows = _cells(screen, "categories")
        [added] = [row for row in rows if row[0] == "CHUTE"]
        assert added[1] == "Chute d'arbre" and added[3] == "2"
        assert added[5] == "Demander si [bold]quelqu'un est blessé"
        await pilot.press("5")
        await settle(app, pilot)
        assert any("CHUTE" in " ".join(row) for row in _cells(screen, "audit"))
    assert query(
        db_path, "SELECT label, default_urgency, procedure FROM categories WHERE code = 'CHUTE'"
    ) == [("Chute d'arbre", 2, "Demander si [bold]quelqu'un est blessé")]


async def test_retire_and_restore_a_category_and_change_a_setting(store, admin, db_path):
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f9")
        await settle(app, pilot)
        screen = app.screen
        first = _cells(screen, "categories")[0][0]
        await pilot.press("r")
        await settle(app, pilot)
        assert query(db_path, "SELECT active FROM categories WHERE code = ?", (first,)) in (
            [(0,)],
            [(False,)],
        )
        await pilot.press("r")
        await settle(app, pilot)
        assert query(db_path, "SELECT active FROM categories WHERE code = ?", (first,)) in (
            [(1,)],
            [(True,)],
        )
        await pilot.press("4")
        await settle(app, pilot)
        keys = [row[0] for row in _cells(screen, "settings")]
        table = screen.query_one("#table-settings", DataTable)
        table.move_cursor(row=keys.index("retention_years"))
        await pilot.press("e")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, TextPromptDialog)
        dialog.query_one("#dialog-text").value = ""
        await _type(app, pilot, "5", "enter")
        await settle(app, pilot)
    assert query(db_path, "SELECT value FROM settings WHERE key = 'retention_years'") == [("5",)]


async def test_f9_is_for_admins_only(store, operator, supervisor) -> None:
    for who in (operator, supervisor):
        app = AlloApp(store=store, operator=who, console="test")
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("f9")
            await settle(app, pilot)
            assert isinstance(app.screen, LookupScreen)


async def test_an_admin_adds_an_agent_then_disables_the_login_and_sets_a_password(
    store, admin, db_path
):
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f9")
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("6", "a")
        await settle(app, pilot)
        await _type(app, pilot, "mvoirie", "enter")
        await _type(app, pilot, "Marc Voirie", "enter")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "down", "down", "enter")  # service agent
        await settle(app, pilot)
        await _type(app, pilot, "voirie emi", "enter")
        await settle(app, pilot)
        logins = [row[0] for row in _cells(screen, "operators")]
        screen.query_one("#table-operators", DataTable).move_cursor(row=logins.index("mvoirie"))
        await pilot.press("d")
        await settle(app, pilot)
        await pilot.press("w")
        await settle(app, pilot)
        await _type(app, pilot, "un-long-secret", "enter")
        await settle(app, pilot)
    assert query(db_path, "SELECT role, active FROM operators WHERE login = 'mvoirie'") in (
        [("service", 0)],
        [("service", False)],
    )
    assert query(
        db_path,
        "SELECT s.code FROM operator_services os JOIN services s ON s.id = os.service_id"
        " JOIN operators o ON o.id = os.operator_id WHERE o.login = 'mvoirie' ORDER BY 1",
    ) == [("EMI",), ("VOIRIE",)]
    assert store.verify_login("mvoirie", "un-long-secret").__class__.__name__ != "OperatorRecord"
    actions = [row[0] for row in query(db_path, "SELECT action FROM audit ORDER BY id")]
    assert actions[-3:] == ["operator.save", "operator.disable", "operator.password"]
    assert "un-long-secret" not in " ".join(
        str(v) for row in query(db_path, "SELECT old_value, new_value FROM audit") for v in row
    )


def test_the_last_admin_is_neither_disabled_nor_demoted(store, admin, db_path):
    from allo_tui.data.store.admin_people import save_operator, set_active
    from allo_tui.domain.passwords import LastAdminError

    with pytest.raises(LastAdminError):
        set_active(store, admin, "admin", False)
    with pytest.raises(LastAdminError):
        save_operator(store, admin, "admin", "supervisor")
    assert query(db_path, "SELECT role, active FROM operators WHERE login = 'admin'") in (
        [("admin", 1)],
        [("admin", True)],
    )


async def test_coded_lists_gain_and_retire_entries_from_f9(store, admin, db_path):
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f9")
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("7", "a")
        await settle(app, pilot)
        await pilot.press("enter")  # outcomes
        await settle(app, pilot)
        await _type(app, pilot, "enleve_proprio", "enter")
        await _type(app, pilot, "Enlevé par le propriétaire", "enter")
        await settle(app, pilot)
        rows = _cells(screen, "lists")
        codes = [row[1] for row in rows]
        screen.query_one("#table-lists", DataTable).move_cursor(row=codes.index("ENLEVE_PROPRIO"))
        await pilot.press("r")
        await settle(app, pilot)
    assert query(db_path, "SELECT label, active FROM outcomes WHERE code = 'ENLEVE_PROPRIO'") in (
        [("Enlevé par le propriétaire", 0)],
        [("Enlevé par le propriétaire", False)],
    )
    assert "ENLEVE_PROPRIO" not in [item.code for item in store.outcomes()]
