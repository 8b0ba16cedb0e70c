"""An administrator's change reaches the other consoles without a restart: a category added
on one PC is offered at the next call on another; a settings change moves the change feed and
a console reads the calendar again at once (a process with no watcher within
`CALENDAR_FRESH_FOR`).
"""

from __future__ import annotations

import json
import time

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


def _change_ack_delay(db_path, clock, days: int) -> None:
    other = Store(db_path, clock=clock)
    try:
        changed = SiteCalendar(ack_working_days=days).to_dict()
        set_setting(other, other.resolve_operator("admin"), "calendar", json.dumps(changed))
    finally:
        other.close()


def test_a_settings_change_moves_the_feed_and_the_calendar_is_read_again_at_once(
    store, admin, db_path, clock
):
    assert store.calendar().ack_working_days == 2
    feed = store.change_feed()
    try:
        feed.changed()  # the starting point
        _change_ack_delay(db_path, clock, 3)
        deadline = time.monotonic() + 5
        while not feed.changed():
            assert time.monotonic() < deadline, "the feed never moved"
            time.sleep(0.02)
    finally:
        feed.close()
    assert store.refresh_settings() is True
    assert store.calendar().ack_working_days == 3
    assert store.refresh_settings() is False, "nothing changed since"


async def test_a_console_uses_a_calendar_changed_on_another_pc_without_waiting(
    store, admin, db_path, clock
):
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        watch = app.requests_watch
        watch.poll_seconds = 0.05
        watch.start(force=True)  # the real polling thread, as in a terminal
        try:
            assert app.store.calendar().ack_working_days == 2
            await pilot.pause(0.3)  # the watch has read its starting point
            _change_ack_delay(db_path, clock, 4)
            deadline = time.monotonic() + 10  # bounded wait for the thread (not a speed check)
            while app.store.calendar().ack_working_days != 4:
                assert time.monotonic() < deadline, "the console kept the old calendar"
                await pilot.pause(0.05)
        finally:
            watch.stop()


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
