"""F3 typed as a hostess types: the reference call's key count, Enters miscounted, keys typed on
a choice field, Ctrl+G then 1–4, the service from the palette, keys sent with no gap (Pilot)."""

from __future__ import annotations

import pytest
from conftest import ALL_BACKENDS, ZEBULON
from pilot_helpers import open_form, shown, type_ahead, type_text
from pilot_helpers import settle_timers as settle
from textual.widgets import OptionList, Select, Static

from allo_tui.app import AlloApp
from allo_tui.widgets.service_picker import ServicePicker
from allo_tui.widgets.text_area_field import LimitedTextArea
from allo_tui.widgets.text_fields import SafeInput
from allo_tui.widgets.typeahead import TypeAhead
from allo_tui.widgets.urgency import UrgencyPicker

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

DESCRIPTION = "poubelles renversees devant le numero 12"  # 40 characters (DESIGN §4)

pytestmark = pytest.mark.usefixtures("quick_timers")


class Counted:
    """Presses keys through Pilot and counts them (typing text counts one key a character)."""

    def __init__(self, app: AlloApp, pilot) -> None:
        self.app = app
        self.pilot = pilot
        self.keys = 0

    async def press(self, *keys: str) -> None:
        self.keys += len(keys)
        await self.pilot.press(*keys)
        await settle(self.app, self.pilot)

    async def type(self, text: str) -> None:
        await self.press(*["space" if ch == " " else ch for ch in text])


def description(app: AlloApp) -> str:
    return app.screen.query_one("#description", LimitedTextArea).text


def focused_id(app: AlloApp) -> str | None:
    focused = app.focused
    if focused is not None and focused.id and focused.id.endswith("-input"):
        return focused.id.removesuffix("-input")
    return focused.id if focused is not None else None


async def test_the_reference_call_takes_at_most_25_keys_beyond_the_description(
    store, admin
) -> None:
    """DESIGN §4: a known caller found by a unique phone fragment on F2, F3, "nid" Enter, the
    number, Tab, a street fragment Enter, Enter on the landmark, the description, Ctrl+S."""
    caller = store.create_caller(admin, ZEBULON)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        keys = Counted(app, pilot)
        await keys.type("123456")  # F2 is the first screen: a unique fragment of the number
        await keys.press("f3")
        await keys.type("nid")
        await keys.press("enter")
        await keys.type("12")
        await keys.press("tab")
        await keys.type("temple")
        await keys.press("enter", "enter")
        assert focused_id(app) == "description"
        await keys.type(DESCRIPTION)
        await keys.press("ctrl+s")
        beyond_description = keys.keys - len(DESCRIPTION)
        assert "Demande n° 2026-00001" in shown(app.screen.query_one("#reference", Static))
    saved = store.get_request_by_reference("2026-00001")
    assert saved is not None
    assert (saved.caller_id, saved.street_number, saved.street) == (
        caller.id,
        "12",
        "Rue du Temple",
    )
    assert (saved.category_id, saved.urgency, saved.service_name) == (
        next(c.id for c in store.categories() if c.code == "VOIRIE"),
        3,
        "Voirie",
    )
    assert saved.description == DESCRIPTION
    assert beyond_description <= 25, f"{beyond_description} keys beyond the description"


async def test_a_street_typed_after_the_number_without_tab_goes_to_the_street_box(
    store, admin
) -> None:
    """ "12 rue du temple" typed straight into the N° box: 12 stays there, the street goes on in
    the street box and is picked by Enter; "12 bis" stays a number."""
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(app, pilot)
        app.screen.query_one("#category", TypeAhead).focus()
        await settle(app, pilot)
        await type_text(pilot, "nid")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert focused_id(app) == "street_number"
        await type_text(pilot, "12 rue du temp")
        await settle(app, pilot)
        screen = app.screen
        assert screen.query_one("#street_number", SafeInput).value == "12"
        assert focused_id(app) == "street"
        assert screen.query_one("#street", TypeAhead).text == "rue du temp"
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.query_one("#street", TypeAhead).text == "Rue du Temple"
        assert focused_id(app) == "landmark"
        number_box = screen.query_one("#street_number", SafeInput)
        number_box.value = ""
        screen.set_focus(number_box)
        await settle(app, pilot)
        await type_text(pilot, "12 bis")
        await settle(app, pilot)
        assert number_box.value == "12 bis"
        assert focused_id(app) == "street_number"


async def _to_the_landmark(app: AlloApp, pilot) -> None:
    await open_form(app, pilot)
    app.screen.query_one("#category", TypeAhead).focus()
    await settle(app, pilot)
    await type_text(pilot, "nid")
    await settle(app, pilot)
    await pilot.press("enter", "1", "2", "tab")
    await type_text(pilot, "temple")
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert focused_id(app) == "landmark"


async def test_one_enter_too_many_before_the_description_loses_nothing(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_the_landmark(app, pilot)
        await pilot.press("enter", "enter")  # one Enter too many after the landmark
        await type_text(pilot, "2 poubelles")
        await settle(app, pilot)
        screen = app.screen
        assert description(app) == "2 poubelles", "no blank first line, no key lost"
        assert screen.query_one("#urgency", UrgencyPicker).value == 3
        assert screen.query_one("#service", TypeAhead).text == "Voirie"
        assert screen.query_one("#landmark", SafeInput).value == ""


async def test_one_enter_short_keeps_the_text_where_it_was_typed(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_the_landmark(app, pilot)
        await type_text(pilot, "2 poubelles")  # no Enter after the landmark
        await settle(app, pilot)
        screen = app.screen
        assert screen.query_one("#landmark", SafeInput).value == "2 poubelles"
        assert screen.query_one("#urgency", UrgencyPicker).value == 3
        assert screen.query_one("#service", TypeAhead).text == "Voirie"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "obligatoire" in shown(screen.query_one("#message-description", Static))
        assert focused_id(app) == "description"
        assert store.calls() == [], "nothing saved"


async def test_keys_typed_on_a_choice_field_go_to_the_description_with_a_notice(
    store, admin
) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_the_landmark(app, pilot)
        await pilot.press("tab")  # Tab instead of Enter: the urgency choice
        assert focused_id(app) == "urgency"
        await type_text(pilot, "2 poubelles")
        await settle(app, pilot)
        screen = app.screen
        assert description(app) == "2 poubelles"
        assert screen.query_one("#urgency", UrgencyPicker).value == 3, "the digit is text"
        notice = shown(screen.query_one("#message-description", Static))
        assert "Urgence" in notice and "description" in notice
        # The channel and the kind are choices too.
        screen.query_one("#channel", Select).focus()
        await settle(app, pilot)
        await type_text(pilot, " vite")
        await settle(app, pilot)
        assert description(app) == "2 poubelles vite"
        assert screen.query_one("#channel", Select).value == "phone"
        assert "Canal" in shown(screen.query_one("#message-description", Static))


async def test_shift_tab_from_the_description_reaches_service_then_urgency(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_the_landmark(app, pilot)
        await pilot.press("enter")
        assert focused_id(app) == "description"
        await pilot.press("shift+tab")
        assert focused_id(app) == "service"
        await pilot.press("shift+tab")
        assert focused_id(app) == "urgency"
        await pilot.press("down")
        assert app.screen.query_one("#urgency", UrgencyPicker).value == 4


async def test_ctrl_g_then_a_digit_sets_the_urgency_from_any_field(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_the_landmark(app, pilot)
        await pilot.press("enter")
        await type_text(pilot, "trou")
        await pilot.press("ctrl+g", "1")
        await settle(app, pilot)
        urgency = app.screen.query_one("#urgency", UrgencyPicker)
        assert urgency.value == 1 and description(app) == "trou"
        await pilot.press("ctrl+g", "x")  # not a level: the key is typed as usual
        await settle(app, pilot)
        assert urgency.value == 1 and description(app) == "troux"
        app.screen.query_one("#landmark", SafeInput).focus()
        await settle(app, pilot)
        await pilot.press("ctrl+g", "2")
        assert urgency.value == 2
        assert app.screen.query_one("#landmark", SafeInput).value == ""


async def test_the_service_is_chosen_from_the_palette(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_the_landmark(app, pilot)
        form = app.screen
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await type_text(pilot, "service de la")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ServicePicker)
        options = app.screen.query_one(OptionList)
        names = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        await pilot.press(*["down"] * (names.index("Espaces verts") - options.highlighted))
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is form
        service = form.query_one("#service", TypeAhead)
        assert service.text == "Espaces verts"
        assert service.value == next(s.id for s in store.services() if s.name == "Espaces verts")


async def test_a_call_typed_with_no_gap_lands_field_by_field(store, admin) -> None:
    """Keys queued all at once (Pilot waits after each key, a macro does not)."""
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(app, pilot)
        type_ahead(app, "ctrl+n", *"Martin", "tab", *"nid", "enter", *"62", "tab", *"piton")
        type_ahead(app, "enter", "enter", *"deux", "space", *"sacs", "ctrl+s")
        for _ in range(5):
            await settle(app, pilot)
    saved = store.get_request_by_reference("2026-00001")
    assert saved is not None
    assert (saved.street_number, saved.street, saved.landmark, saved.description) == (
        "62",
        "Ruelle Piton",
        "",
        "deux sacs",
    )
    assert store.get_caller(saved.caller_id).surname.casefold() == "martin"


async def test_a_burst_of_text_reaches_the_description_in_one_go(store, admin, monkeypatch) -> None:
    """Keys sent with no gap into one text box are handed over together and waited for once
    (one repaint, not one per key: about 0.25 s for 500 keys in the benchmark's terms, 8 s key
    by key), not each waited for in turn."""
    import time

    from allo_tui.widgets import key_queue

    waits = 0
    handled = key_queue._handled

    async def counted(target):
        nonlocal waits
        waits += 1
        await handled(target)

    monkeypatch.setattr(key_queue, "_handled", counted)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(app, pilot)
        area = screen.query_one("#description", LimitedTextArea)
        screen.set_focus(area)
        await pilot.pause()
        waits = 0
        text = "abcdefghij" * 50
        start = time.perf_counter()
        type_ahead(app, *text)
        while area.text != text and time.perf_counter() - start < 60:
            await pilot.pause(0.005)
        assert area.text == text
        assert waits <= 5, f"{waits} waits for 500 keys"


async def test_keys_typed_on_the_possible_duplicates_list_go_to_the_description(
    store, admin, clock
) -> None:
    from allo_tui.domain.records import NewRequest

    voirie = next(c for c in store.categories() if c.code == "VOIRIE")
    clock.advance(days=-1)
    store.create_request(
        admin, NewRequest(category_id=voirie.id, description="trou", street="Rue du Temple")
    )
    clock.advance(days=1)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await _to_the_landmark(app, pilot)
        await settle(app, pilot)
        duplicates = app.screen.query_one("#duplicates", OptionList)
        assert duplicates.option_count == 1
        app.screen.set_focus(duplicates)
        await pilot.pause()
        await type_text(pilot, "idem")
        await settle(app, pilot)
        assert description(app) == "idem"
        assert "Doublons possibles" in shown(app.screen.query_one("#message-description", Static))


async def test_tab_then_enter_on_the_urgency_goes_to_the_description(store, admin) -> None:
    """Tab instead of Enter after the landmark, then Enter: the text does not replace the
    pre-set service."""
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_the_landmark(app, pilot)
        await pilot.press("tab", "enter")
        assert focused_id(app) == "description"
        await type_text(pilot, "sac")
        await settle(app, pilot)
        assert description(app) == "sac"
        assert app.screen.query_one("#service", TypeAhead).text == "Voirie"
