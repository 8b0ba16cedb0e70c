"""The history's street filter (F4, `v`): the street register is read off the event loop."""

from __future__ import annotations

import threading

from conftest import ALL_BACKENDS
from pilot_helpers import chip_texts
from pilot_helpers import settle_thrice as settle

from allo_tui.app import AlloApp
from allo_tui.domain.records import NewRequest
from allo_tui.screens.action_dialogs import SearchChoiceDialog
from allo_tui.screens.history import HistoryScreen

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


async def test_the_street_filter_reads_the_register_only_in_worker_threads(
    store, operator, monkeypatch
):
    category = store.find_category("VOIRIE")
    store.create_request(
        operator, NewRequest(category_id=category.id, description="Trou", street="Rue du Temple")
    )
    read_streets = store.streets
    on_event_loop: list[bool] = []

    def streets():
        on_event_loop.append(threading.current_thread() is threading.main_thread())
        return read_streets()

    monkeypatch.setattr(store, "streets", streets)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("down", "v")
        assert isinstance(app.screen, SearchChoiceDialog)
        await pilot.press(*"temple")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert chip_texts(app) == ["Rue du Temple ✕"], "the register's name was suggested"
    assert on_event_loop, "the register was read"
    assert not any(on_event_loop), "never on the event loop"
