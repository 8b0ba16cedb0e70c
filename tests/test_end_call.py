"""F10: a call that ends without a request is logged with its outcome (calls ≠ requests)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import ALL_BACKENDS
from pilot_helpers import settle_timers as settle
from textual.widgets import Static

from allo_tui.app import AlloApp
from allo_tui.domain.records import CallOutcome, NewCaller
from allo_tui.screens.end_call import EndCallScreen, format_duration
from allo_tui.screens.lookup import LookupScreen
from allo_tui.screens.new_request import NewRequestScreen
from allo_tui.widgets.typeahead import TypeAhead

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

pytestmark = pytest.mark.usefixtures("quick_timers")


async def test_f10_on_the_form_logs_the_call_and_drops_the_typed_request(
    store, admin, clock
) -> None:
    caller = store.create_caller(
        admin, NewCaller(surname="Zébulon", given_name="Éléonore", phones=("03 86 12 34 56",))
    )
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.start_request(caller)
        await settle(app, pilot)
        await pilot.press(*"tag")
        await settle(app, pilot)
        assert store.load_draft(admin, "test") is not None
        clock.advance(minutes=2, seconds=5)
        await pilot.press("f10")
        modal = app.screen
        assert isinstance(modal, EndCallScreen)
        assert "abandonnée" in str(modal.query_one("#abandon", Static).render())
        await pilot.press("3")  # wrong number
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        assert app.call.started_at is None
        await pilot.press("f3")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, NewRequestScreen)
        assert form.query_one("#category", TypeAhead).text == ""
    calls = store.calls()
    assert len(calls) == 1
    call = calls[0]
    assert call.outcome is CallOutcome.WRONG_NUMBER
    assert (call.caller_id, call.phone, call.request_id) == (caller.id, "03 86 12 34 56", None)
    assert call.ended_at - call.started_at == timedelta(minutes=2, seconds=5)
    assert store.latest_requests() == []
    assert store.load_draft(admin, "test") is None


async def test_f10_from_the_lookup_logs_information_given(store, admin, clock) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        await pilot.press(*"dupont")
        clock.advance(seconds=45)
        await pilot.press("f10")
        assert isinstance(app.screen, EndCallScreen)
        await pilot.press("enter")  # the first outcome is highlighted: information given
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
    calls = store.calls()
    assert [c.outcome for c in calls] == [CallOutcome.INFORMATION]
    assert calls[0].ended_at - calls[0].started_at == timedelta(seconds=45)


@pytest.mark.parametrize(
    ("key", "outcome"),
    [
        ("1", CallOutcome.INFORMATION),
        ("2", CallOutcome.TRANSFERRED),
        ("3", CallOutcome.WRONG_NUMBER),
        ("4", CallOutcome.HUNG_UP),
    ],
)
async def test_each_outcome_has_its_key(store, admin, key, outcome) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f10", key)
        await settle(app, pilot)
    assert [c.outcome for c in store.calls()] == [outcome]


async def test_escape_in_the_end_call_dialog_goes_back_to_the_call(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press(*"0612")
        await pilot.press("f10", "escape")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, NewRequestScreen)
        assert form.query_one("#phone", TypeAhead).text == "0612"
        assert app.call.started_at is not None
    assert store.calls() == []


def test_durations_read_in_minutes_and_seconds() -> None:
    assert format_duration(timedelta(minutes=2, seconds=5)) == "2 min 05 s"
    assert format_duration(timedelta(seconds=45)) == "45 s"
