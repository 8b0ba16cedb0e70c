"""F3: typed and pasted text is data. Markup, ANSI and control characters round-trip literally;
big pastes are cut at the limit with a message, joined in one-line boxes, kept as lines in the
description.
"""

from __future__ import annotations

import pytest
from conftest import ALL_BACKENDS
from pilot_helpers import open_form, shown, type_text
from pilot_helpers import settle_timers as settle
from textual.widgets import Static

from allo_tui.app import AlloApp
from allo_tui.widgets.text_area_field import LimitedTextArea
from allo_tui.widgets.text_fields import SafeInput
from allo_tui.widgets.typeahead import TypeAhead
from allo_tui.widgets.urgency import UrgencyPicker

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

pytestmark = pytest.mark.usefixtures("quick_timers")


# -- text is data -----------------------------------------------------------------------------

HOSTILE = "[bold]gras[/bold] [@click=app.quit]q[/] \x1b[31mrouge\x00 🚧 שלום\tfin\nligne 2"
HOSTILE_STORED = "[bold]gras[/bold] [@click=app.quit]q[/] [31mrouge 🚧 שלום\tfin\nligne 2"


async def test_markup_ansi_and_control_characters_round_trip_literally(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#category", TypeAhead).focus()
        await type_text(pilot, "autre")
        await settle(app, pilot)
        await pilot.press("enter")
        screen.query_one("#landmark", SafeInput).focus()
        screen.query_one("#landmark", SafeInput).post_message(
            _paste("[i]devant[/i]\nl'\x07école\n")
        )
        await settle(app, pilot)
        assert screen.query_one("#landmark", SafeInput).value == "[i]devant[/i] l'école"
        landmark_message = shown(screen.query_one("#message-landmark", Static))
        assert "lignes jointes" in landmark_message and "1 caractère" in landmark_message
        area = screen.query_one("#description", LimitedTextArea)
        area.focus()
        area.post_message(_paste(HOSTILE))
        await settle(app, pilot)
        assert area.text == HOSTILE_STORED
        assert "2 caractère(s) de contrôle" in shown(
            screen.query_one("#message-description", Static)
        )
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.is_running, "[@click=app.quit] did nothing"
        assert screen.confirmed
    saved = store.latest_requests()[0]
    assert saved.description == HOSTILE_STORED
    assert saved.landmark == "[i]devant[/i] l'école"


async def test_a_one_megabyte_paste_is_cut_at_the_limit_before_the_text_area(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        area = screen.query_one("#description", LimitedTextArea)
        area.focus()
        await type_text(pilot, "debut ")
        area.post_message(_paste("é" * 1_048_576))
        await settle(app, pilot)
        assert len(area.text) == 4000
        assert area.text.startswith("debut éé")
        message = shown(screen.query_one("#message-description", Static))
        assert "1\u202f048\u202f576 caractères reçus, 3\u202f994 gardés" in message
        assert shown(screen.query_one("#counter", Static)) == "4\u202f000 / 4\u202f000"
        await pilot.press("a")
        assert len(area.text) == 4001, "the form is still usable"


def _paste(text: str):
    from textual.events import Paste

    return Paste(text)


# -- big pastes ---------------------------------------------------------------------------------

TERMINAL_PASTE = "Nid-de-poule devant le 12 rue du Temple\r" * 30_000
"""What a terminal sends for pasted lines: each line break is a carriage return."""


async def test_a_one_megabyte_paste_into_one_line_boxes_is_joined_and_cut(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        street = screen.query_one("#street", TypeAhead).input
        street.focus()
        street.post_message(_paste(TERMINAL_PASTE))
        await settle(app, pilot)
        joined = " ".join(["Nid-de-poule devant le 12 rue du Temple"] * 6)
        assert street.value == joined[:200]
        message = shown(screen.query_one("#message-street", Static))
        assert "Collage coupé" in message and "200 gardés (limite 200)" in message
        assert "lignes jointes par des espaces" in message
        assert "voie hors référentiel" in message, "the street status is still said"
        await pilot.press("backspace", "x")
        await settle(app, pilot)
        assert "Collage coupé" not in shown(screen.query_one("#message-street", Static))
        landmark = screen.query_one("#landmark", SafeInput)
        landmark.focus()
        landmark.post_message(_paste(TERMINAL_PASTE))
        await settle(app, pilot)
        assert landmark.value == joined[:200]
        assert "lignes jointes" in shown(screen.query_one("#message-landmark", Static))
        await pilot.press("tab")
        assert app.focused is screen.query_one("#urgency", UrgencyPicker), "usable at once"


async def test_pasted_lines_stay_lines_in_the_description(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        area = screen.query_one("#description", LimitedTextArea)
        area.focus()
        area.post_message(_paste("Trou profond.\rDevant l'école.\r"))
        await settle(app, pilot)
        assert area.text == "Trou profond.\nDevant l'école.\n"
        assert shown(screen.query_one("#message-description", Static)) == ""
