"""F3: keys typed faster than the app reads them are never lost nor sent to the wrong place (the
first F3, quick F2/F3 switches, Ctrl+N, Tab, F10 and its outcome key, Enter before the
catalogue or the streets have loaded).
"""

from __future__ import annotations

import pytest
from conftest import ALL_BACKENDS, ZEBULON
from pilot_helpers import form, open_form, settle_typed_ahead, type_ahead, type_text
from pilot_helpers import settle_timers as settle

from allo_tui.app import AlloApp
from allo_tui.domain.records import (
    CallOutcome,
)
from allo_tui.screens.lookup import LookupScreen
from allo_tui.widgets.text_fields import SafeInput
from allo_tui.widgets.typeahead import TypeAhead, TypeAheadInput

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

pytestmark = pytest.mark.usefixtures("quick_timers")


# -- keys typed ahead of the screen -----------------------------------------------------------


def lookup_box(app: AlloApp) -> SafeInput:
    return app.get_screen_stack("lookup")[0].query_one("#query", SafeInput)


async def test_enter_typed_before_the_catalogue_arrives_still_picks_the_category(
    store, admin, monkeypatch
) -> None:
    """A fast typist outruns the first load of the catalogue and the streets: "nid" + Enter and
    "rue du temple" + Enter typed while they load still pick "Voirie" and "Rue du Temple"."""
    import threading

    gate, street_gate = threading.Event(), threading.Event()

    def held(reader, until: threading.Event):
        def wait_then_read(*args, **kwargs):
            until.wait(10)
            return reader(*args, **kwargs)

        return wait_then_read

    # However long the loading takes: the wait for an answer is not the wait for the list.
    monkeypatch.setattr(TypeAheadInput, "ENTER_WAIT", 0.05)
    monkeypatch.setattr(store, "categories", held(store.categories, gate))
    monkeypatch.setattr(store, "known_streets", held(store.known_streets, street_gate))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        screen = form(app)
        screen.query_one("#category", TypeAhead).focus()
        await type_text(pilot, "nid")
        await pilot.press("enter")  # the catalogue is not there yet: this Enter waits for it
        await pilot.pause(0.3)
        assert app.focused is screen.query_one("#category", TypeAhead).input
        gate.set()  # (not `settle`: that would wait for the streets, still held)
        for _ in range(100):
            await pilot.pause(0.02)
            if screen.query_one("#category", TypeAhead).value is not None:
                break
        assert screen.query_one("#category", TypeAhead).text.startswith("Voirie")
        assert app.focused is screen.query_one("#street_number", SafeInput)
        await pilot.press("enter")
        await type_text(pilot, "rue du temple")
        await pilot.press("enter")  # the streets are not there yet either
        await pilot.pause(0.3)
        assert app.focused is screen.query_one("#street", TypeAhead).input
        street_gate.set()
        await settle(app, pilot)
        assert screen.query_one("#street", TypeAhead).text == "Rue du Temple"
        assert app.focused is screen.query_one("#landmark", SafeInput)


async def test_keys_typed_right_after_the_first_f3_land_in_the_form(store, admin) -> None:
    """The first F3 of a session builds the form: the digits typed meanwhile wait for it."""
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        type_ahead(app, "f3", *"0386")
        await settle_typed_ahead(app, pilot)
        screen = form(app)
        assert screen.query_one("#phone", TypeAhead).text == "0386"
        assert lookup_box(app).value == "", "nothing reached the lookup left behind"


async def test_quick_f2_f3_f2_switches_lose_no_key(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        type_ahead(app, "d", "u", "f3", *"0386", "f2", "p", "o", "f3", *"12", "f2", "n")
        await settle_typed_ahead(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        assert lookup_box(app).value == "dupon"
        screen = app.get_screen_stack("new_request")[0]
        assert screen.query_one("#phone", TypeAhead).text == "038612"


async def test_f3_on_a_highlighted_caller_then_typing_fills_the_category(store, admin) -> None:
    store.create_caller(admin, ZEBULON)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await type_text(pilot, "zebulon")
        await settle(app, pilot)
        type_ahead(app, "f3", *"nid")
        await settle_typed_ahead(app, pilot)
        screen = form(app)
        assert screen.query_one("#name", TypeAhead).text == "ZÉBULON Éléonore"
        assert screen.query_one("#category", TypeAhead).text == "nid"
        assert lookup_box(app).value == "zebulon"


async def test_a_name_typed_right_after_ctrl_n_goes_to_the_name_box(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        await type_text(pilot, "0612345678")
        await settle(app, pilot)
        type_ahead(app, "ctrl+n", *"MARTIN")
        await settle_typed_ahead(app, pilot)
        assert screen.query_one("#phone", TypeAhead).text == "0612345678"
        assert screen.query_one("#name", TypeAhead).text == "MARTIN"


async def test_keys_typed_right_after_tab_or_shift_tab_go_to_the_field_they_lead_to(
    store, admin
) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#street_number", SafeInput).focus()
        await pilot.pause()
        type_ahead(app, "1", "2", "tab", *"rue", "shift+tab")
        await settle_typed_ahead(app, pilot)
        assert screen.query_one("#street_number", SafeInput).value == "12"
        assert screen.query_one("#street", TypeAhead).text == "rue"
        assert app.focused is screen.query_one("#street_number", SafeInput)


async def test_f10_then_its_outcome_key_typed_at_once_ends_the_call(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        await type_text(pilot, "0612345678")
        type_ahead(app, "f10", "3")
        await settle_typed_ahead(app, pilot)
        assert screen.query_one("#phone", TypeAhead).text == "", "the 3 was not typed in the box"
    assert [call.outcome for call in store.calls()] == [CallOutcome.WRONG_NUMBER]
