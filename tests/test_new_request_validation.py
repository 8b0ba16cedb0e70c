"""F3: what the form refuses on Ctrl+S (no category, a blank or too long description, an unknown
service), said beside the field with the focus on it, and how a long category label shows.
"""

from __future__ import annotations

import pytest
from conftest import ALL_BACKENDS, category
from pilot_helpers import open_form, shown, type_text
from pilot_helpers import settle_timers as settle
from textual.widgets import Static

from allo_tui.app import AlloApp
from allo_tui.widgets.text_area_field import LimitedTextArea
from allo_tui.widgets.typeahead import TypeAhead

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

pytestmark = pytest.mark.usefixtures("quick_timers")


# -- validation -------------------------------------------------------------------------------


async def test_saving_without_category_says_so_beside_the_field(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#description", LimitedTextArea).focus()
        await type_text(pilot, "un trou")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "catégorie" in shown(screen.query_one("#message-category", Static))
        assert app.focused is screen.query_one("#category", TypeAhead).input
    assert store.latest_requests() == []


async def test_a_blank_description_is_refused_with_focus_on_it(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#category", TypeAhead).focus()
        await type_text(pilot, "tags")
        await settle(app, pilot)
        await pilot.press("enter")
        screen.query_one("#description", LimitedTextArea).focus()
        await pilot.press("space", "space", "enter", "space")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "obligatoire" in shown(screen.query_one("#message-description", Static))
        assert app.focused is screen.query_one("#description", LimitedTextArea)
        assert not screen.query_one("#message-category", Static).has_class("-error")
    assert store.latest_requests() == []


async def test_a_description_over_the_limit_is_refused_and_the_counter_shows_it(
    store, admin
) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#category", TypeAhead).set_text(
            "Tags / graffitis", category(store, "TAGS").id
        )
        area = screen.query_one("#description", LimitedTextArea)
        area.load_text("x" * 4000)
        area.focus()
        area.move_cursor(area.document.end)
        await pilot.press("y")
        await settle(app, pilot)
        counter = screen.query_one("#counter", Static)
        assert shown(counter) == "4\u202f001 / 4\u202f000" and counter.has_class("-over")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "dépasse" in shown(screen.query_one("#message-description", Static))
        assert app.focused is area
        await pilot.press("backspace")
        await settle(app, pilot)
        assert counter.has_class("-near") and not counter.has_class("-over")
    assert store.latest_requests() == []


# -- validation of the service --------------------------------------------------------------


async def test_an_unknown_service_is_refused_beside_the_field(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#category", TypeAhead).focus()
        await type_text(pilot, "nid")
        await settle(app, pilot)
        await pilot.press("enter")
        service = screen.query_one("#service", TypeAhead)
        service.set_text("Service des fêtes")
        screen.query_one("#description", LimitedTextArea).focus()
        await type_text(pilot, "trou")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not screen.confirmed
        assert "Service inconnu" in shown(screen.query_one("#message-service", Static))
        assert app.focused is service.input
    assert store.latest_requests() == []


async def test_a_picked_category_longer_than_its_box_shows_its_start(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_form(app, pilot)
        box = screen.query_one("#category", TypeAhead)
        box.focus()
        await type_text(pilot, "nid")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert box.text == "Voirie (nid-de-poule, trottoir, chaussée)"
        assert box.input.content_region.width < len(box.text), "the label is wider than its box"
        assert box.input.scroll_offset.x == 0
        assert box.input.render_line(0).text.startswith("Voirie (nid")
