"""An administrator's change reaches the other consoles without a restart: a category added
on one PC is offered at the next call on another; the site calendar is read again within
`CALENDAR_FRESH_FOR`.
"""

from __future__ import annotations

import json

from conftest import ALL_BACKENDS
from pilot_helpers import open_form, settle, type_text

from allo_tui.app import AlloApp
from allo_tui.data.store import Store, admin_catalogue
from allo_tui.data.store.core import CALENDAR_FRESH_FOR
from allo_tui.data.store.site_settings import set_setting
from allo_tui.domain.calendar import SiteCalendar
from allo_tui.widgets.typeahead import TypeAhead

BACKENDS = ALL_BACKENDS
"""Each test runs on SQLite and on PostgreSQL."""


def test_a_calendar_changed_on_another_pc_is_used_within_the_freshness_delay(
    store, admin, db_path, clock
):
    assert store.calendar().ack_working_days == 2
    other = Store(db_path, clock=clock)
    try:
        changed = SiteCalendar(ack_working_days=3).to_dict()
        set_setting(other, other.resolve_operator("admin"), "calendar", json.dumps(changed))
    finally:
        other.close()
    assert store.calendar().ack_working_days == 2  # still the calendar read a moment ago
    clock.advance(seconds=CALENDAR_FRESH_FOR.total_seconds() + 1)
    assert store.calendar().ack_working_days == 3


async def test_a_category_added_on_another_pc_is_offered_at_the_next_call(
    store, admin, db_path, clock
) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        other = Store(db_path, clock=clock)
        try:
            admin_catalogue.add_category(
                other, other.resolve_operator("admin"), "CHUTE", "Chute d'arbre", "EMI", 1
            )
        finally:
            other.close()
        screen = await open_form(app, pilot)
        await settle(app, pilot)
        box = screen.query_one("#category", TypeAhead)
        box.focus()
        await type_text(pilot, "chute")
        await settle(app, pilot)
        assert [s.text for s in box.suggestions] == ["Chute d'arbre"]
