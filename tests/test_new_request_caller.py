"""F3: a whole phone number typed in the form finds the caller who holds it (Pilot, real db).

One holder: attached, and the status line says so; several (a shared household line): the
choice stays open and Ctrl+S refuses until one is chosen; none: a new caller. Ctrl+N still
creates a new caller on a known number, after saying who holds it.
"""

from __future__ import annotations

import pytest
from conftest import ALL_BACKENDS, ARTHUR, ZEBULON
from pilot_helpers import open_form, shown, type_ahead, type_text
from pilot_helpers import settle_timers as settle
from store_helpers import query
from textual.widgets import Static

from allo_tui.app import AlloApp
from allo_tui.widgets.text_area_field import LimitedTextArea
from allo_tui.widgets.typeahead import TypeAhead

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


pytestmark = pytest.mark.usefixtures("quick_timers")


def caller_rows(db_path) -> int:
    return query(db_path, "SELECT count(*) FROM callers")[0][0]


def status(app: AlloApp) -> str:
    return shown(app.screen.query_one("#caller-status", Static))


async def _rest_of_the_call(app: AlloApp, pilot) -> None:
    """Category, street and description typed from where the focus is, then Ctrl+S."""
    app.screen.query_one("#category", TypeAhead).focus()
    await settle(app, pilot)
    await type_text(pilot, "nid")
    await settle(app, pilot)
    await pilot.press("enter", "1", "2", "tab")
    await type_text(pilot, "temple")
    await settle(app, pilot)
    await pilot.press("enter", "enter")
    await type_text(pilot, "trou")
    await pilot.press("ctrl+s")
    await settle(app, pilot)


async def test_a_known_callers_whole_number_then_tab_attaches_that_caller(
    store, admin, db_path
) -> None:
    caller = store.create_caller(admin, ZEBULON)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(app, pilot)
        await type_text(pilot, "0386123456")
        await pilot.press("tab")
        await settle(app, pilot)
        assert "reconnu par son numéro" in status(app)
        assert "ZÉBULON Éléonore" in status(app)
        assert app.focused is screen.query_one("#category", TypeAhead).input
        await type_text(pilot, "nid")
        await settle(app, pilot)
        await pilot.press("enter", "1", "2", "tab")
        await type_text(pilot, "temple")
        await settle(app, pilot)
        await pilot.press("enter", "enter")
        await type_text(pilot, "trou")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    saved = store.get_request_by_reference("2026-00001")
    assert saved is not None and saved.caller_id == caller.id
    assert caller_rows(db_path) == 1, "no second caller with the same number"


async def test_keys_typed_right_after_the_tab_wait_for_the_caller_found(
    store, admin, db_path
) -> None:
    """The Tab's answer moves the focus to the category: keys sent with it follow it there."""
    caller = store.create_caller(admin, ZEBULON)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(app, pilot)
        type_ahead(app, *"0386123456", "tab", *"nid", "enter")
        for _ in range(3):
            await settle(app, pilot)
        assert screen.query_one("#name", TypeAhead).text == "ZÉBULON Éléonore"
        assert screen.query_one("#category", TypeAhead).text.startswith("Voirie")
        assert app.focused is screen.query_one("#street_number")
    assert caller.id is not None


async def test_a_shared_line_keeps_the_choice_open_and_ctrl_s_refuses_until_chosen(
    store, admin, db_path
) -> None:
    store.create_caller(admin, ZEBULON)
    arthur = store.create_caller(admin, ARTHUR)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(app, pilot)
        await type_text(pilot, "0386123456")
        await pilot.press("tab")
        await settle(app, pilot)
        assert "2 demandeurs" in status(app)
        name = screen.query_one("#name", TypeAhead)
        assert app.focused is name.input
        assert name.is_open and len(name.suggestions) == 2
        await _rest_of_the_call(app, pilot)
        message = shown(screen.query_one("#message-caller", Static))
        assert "choisissez le demandeur" in message
        assert store.get_request_by_reference("2026-00001") is None
        # The list is offered again, in the name box: chosen there, saved on that caller.
        assert app.focused is name.input and name.is_open
        index = next(i for i, s in enumerate(name.suggestions) if s.value.id == arthur.id)
        await pilot.press(*["down"] * (index + 1), "enter")
        await settle(app, pilot)
        assert "ZÉBULON Arthur" in status(app)
        screen.query_one("#description", LimitedTextArea).focus()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    saved = store.get_request_by_reference("2026-00001")
    assert saved is not None and saved.caller_id == arthur.id
    assert caller_rows(db_path) == 2


async def test_an_unknown_number_makes_a_new_caller(store, admin, db_path) -> None:
    store.create_caller(admin, ZEBULON)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(app, pilot)
        await type_text(pilot, "0611223344")
        await pilot.press("tab")
        await settle(app, pilot)
        assert app.focused is screen.query_one("#name", TypeAhead).input
        await type_text(pilot, "MARTIN Paul")
        await settle(app, pilot)
        assert "Nouveau demandeur" in status(app)
        await _rest_of_the_call(app, pilot)
    saved = store.get_request_by_reference("2026-00001")
    assert saved is not None
    assert store.get_caller(saved.caller_id).surname.casefold() == "martin"
    assert caller_rows(db_path) == 2


async def test_ctrl_n_on_a_known_number_says_who_holds_it_then_creates_a_new_caller(
    store, admin, db_path
) -> None:
    zebulon = store.create_caller(admin, ZEBULON)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(app, pilot)
        await type_text(pilot, "0386123456")
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert "Nouveau demandeur" in status(app) and "ZÉBULON Éléonore" in status(app)
        await type_text(pilot, "ZEBULON Arthur")
        await settle(app, pilot)
        assert "ZÉBULON Éléonore" in status(app), "still said while the name is typed"
        await _rest_of_the_call(app, pilot)
    saved = store.get_request_by_reference("2026-00001")
    assert saved is not None and saved.caller_id != zebulon.id
    assert store.get_caller(saved.caller_id).given_name == "Arthur"
    assert caller_rows(db_path) == 2


async def test_a_caller_who_cannot_receive_the_reply_is_flagged_at_save(
    store, admin, db_path
) -> None:
    from msgspec.structs import replace

    from allo_tui.domain.enums import ContactPreference

    store.create_caller(admin, replace(ZEBULON, contact_preference=ContactPreference.EMAIL))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(app, pilot)
        await type_text(pilot, "0386123456")
        await pilot.press("tab")
        await settle(app, pilot)
        await _rest_of_the_call(app, pilot)
        messages = [str(n.message) for n in app._notifications]
    assert store.get_request_by_reference("2026-00001") is not None, "saved all the same"
    assert any("courriel impossible" in message for message in messages), messages
