"""The hostess side of the administration (Pilot): a category added by an administrator is
offered on the next F3 form, and its procedure is shown when she picks it; on both backends."""

from __future__ import annotations

import pytest
from conftest import ALL_BACKENDS
from pilot_helpers import open_form, type_text
from pilot_helpers import settle_timers as settle
from textual.widgets import Static

from allo_tui.app import AlloApp
from allo_tui.data.store import admin_catalogue
from allo_tui.widgets.typeahead import TypeAhead

BACKENDS = ALL_BACKENDS

pytestmark = pytest.mark.usefixtures("quick_timers")

PROCEDURE = "Danger : demander si quelqu'un est blessé ; prévenir l'équipe mobile [radio]"


async def test_a_new_category_and_its_procedure_reach_the_form(store, admin, operator) -> None:
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        # Added while the console runs: the next form offers it.
        admin_catalogue.add_category(
            store, admin, "CHUTE", "Chute de pierres", "VOIRIE", 1, PROCEDURE
        )
        screen = await open_form(app, pilot)
        procedure = screen.query_one("#procedure", Static)
        assert not procedure.display
        screen.query_one("#category", TypeAhead).focus()
        await type_text(pilot, "chute de pier")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.query_one("#category", TypeAhead).text == "Chute de pierres"
        assert procedure.display
        assert str(procedure.render()) == PROCEDURE  # markup-like text kept as typed
