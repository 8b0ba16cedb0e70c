"""F3: who the request is for (a new caller typed in the form, an anonymous call, a caller chosen
on F2) and the possible duplicates listed beside the form, Ctrl+D linking the call to one.
"""

from __future__ import annotations

import pytest
from conftest import ZEBULON, category
from pilot_helpers import form, open_form, shown, type_text
from pilot_helpers import settle_timers as settle
from rich.text import Text
from textual.widgets import Digits, OptionList, Static

from allo_tui.app import AlloApp
from allo_tui.domain.records import (
    EventKind,
    NewRequest,
    Status,
)
from allo_tui.widgets.text_area_field import LimitedTextArea
from allo_tui.widgets.typeahead import TypeAhead

pytestmark = pytest.mark.usefixtures("quick_timers")


# -- callers ----------------------------------------------------------------------------------


async def test_a_new_caller_typed_in_the_form_is_created_with_the_request(store, admin) -> None:
    store.create_caller(admin, ZEBULON)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        await type_text(pilot, "0612345678")
        await settle(app, pilot)
        await pilot.press("enter")
        assert app.focused is screen.query_one("#name", TypeAhead).input
        await type_text(pilot, "ZEBULON Paul")
        await settle(app, pilot)
        await pilot.press("ctrl+n")  # not the Éléonore the list may show: a new caller
        assert "Nouveau demandeur" in shown(screen.query_one("#caller-status", Static))
        assert app.focused is screen.query_one("#category", TypeAhead).input
        await type_text(pilot, "depot")
        await settle(app, pilot)
        await pilot.press("enter")
        screen.query_one("#description", LimitedTextArea).focus()
        await type_text(pilot, "matelas")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    saved = store.latest_requests()[0]
    caller = store.get_caller(saved.caller_id)
    assert (caller.surname, caller.given_name) == ("Zebulon", "Paul")
    assert [p.number for p in caller.phones] == ["+33612345678"]


async def test_an_anonymous_call_keeps_the_phone_in_the_call_log_only(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        await type_text(pilot, "0612345678")
        await pilot.press("f6")
        assert "anonyme" in shown(screen.query_one("#caller-status", Static))
        assert app.focused is screen.query_one("#category", TypeAhead).input
        await type_text(pilot, "autre")
        await settle(app, pilot)
        await pilot.press("enter")
        screen.query_one("#description", LimitedTextArea).focus()
        await type_text(pilot, "remarque")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    saved = store.latest_requests()[0]
    assert saved.caller_id is None
    assert store.calls()[0].phone == "0612345678"


async def test_a_caller_chosen_on_f2_prefills_the_form(store, admin) -> None:
    caller = store.create_caller(admin, ZEBULON)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.start_request(caller)
        await settle(app, pilot)
        screen = form(app)
        assert screen.query_one("#name", TypeAhead).text == "ZÉBULON Éléonore"
        assert screen.query_one("#phone", TypeAhead).text == "03 86 12 34 56"
        assert app.focused is screen.query_one("#category", TypeAhead).input


# -- duplicates -------------------------------------------------------------------------------


async def test_possible_duplicates_are_listed_and_ctrl_d_links_the_call(
    store, admin, clock
) -> None:
    voirie = category(store, "VOIRIE")
    store.create_request(
        admin, NewRequest(category_id=voirie.id, description="old", street="Rue du Temple")
    )
    clock.advance(days=40)
    original = store.create_request(
        admin,
        NewRequest(
            category_id=voirie.id,
            description="Trou [bold]profond[/bold] devant le 12 \x1b[31m",  # written by a script
            street="Rue du Temple",
            street_number="12",
        ),
    )
    store.create_request(
        admin,
        NewRequest(
            category_id=category(store, "TAGS").id, description="tag", street="Rue du Temple"
        ),
    )
    caller = store.create_caller(admin, ZEBULON)
    clock.advance(hours=2)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        app.start_request(caller)
        await settle(app, pilot)
        assert not screen.query_one("#side").has_class("-has-duplicates")
        await type_text(pilot, "nid")
        await settle(app, pilot)
        await pilot.press("enter", "tab")
        await type_text(pilot, "rue du temple")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        duplicates = screen.query_one("#duplicates", OptionList)
        assert screen.query_one("#side").has_class("-has-duplicates")
        assert duplicates.option_count == 1, "same category, same street, open, last 30 days"
        prompt = duplicates.get_option_at_index(0).prompt
        assert isinstance(prompt, Text)
        assert original.reference in prompt.plain
        assert "Trou [bold]profond[/bold]" in prompt.plain, "typed markup shows literally"
        assert "␛[31m" in prompt.plain and "\x1b" not in prompt.plain, "ESC made visible"
        await pilot.press("ctrl+d")
        await settle(app, pilot)
        assert shown(screen.query_one("#reference", Static)) == f"Demande n° {original.reference}"
        assert screen.query_one("#reference-digits", Digits).value == original.reference
        assert "doublon" in shown(screen.query_one("#promise", Static))
    copy = store.latest_requests()[0]
    assert copy.id != original.id
    assert (copy.status, copy.duplicate_of_id) == (Status.DUPLICATE, original.id)
    assert copy.caller_id == caller.id
    reported = [e for e in store.events(original.id) if e.kind is EventKind.REPORTED_AGAIN]
    assert len(reported) == 1
    assert reported[0].note == (
        f"signalé à nouveau par ZÉBULON Éléonore (demande {copy.reference})"
    )
    assert store.get_request(original.id).status is Status.NEW


async def test_ctrl_d_without_duplicates_deletes_a_character_as_usual(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        await type_text(pilot, "0386")
        await pilot.press("home", "ctrl+d")
        assert screen.query_one("#phone", TypeAhead).text == "386"
    assert store.latest_requests() == []
