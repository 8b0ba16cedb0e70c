"""F2: a request reference typed in the box opens that request and logs the call as a follow-up
(a cancelled follow-up writes nothing; an unknown reference is just a search).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import ALL_BACKENDS
from pilot_helpers import count_line, make_app, names, rows, search_for, settle
from textual.widgets import Input

from allo_tui.domain.records import CallOutcome, EventKind, NewRequest
from allo_tui.screens.lookup import LookupScreen
from allo_tui.screens.request_view import FollowUpDialog, RequestViewScreen

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

# -- a reference typed in the box --------------------------------------------------------------------------


@pytest.fixture
def request_of_zebulon(store, operator, directory, clock):
    voirie = next(c for c in store.categories() if c.code == "VOIRIE")
    request = store.create_request(
        operator,
        NewRequest(
            category_id=voirie.id,
            description="Nid-de-poule devant le 12",
            caller_id=directory["zebulon"],
            street="rue du Temple",
        ),
    )
    clock.advance(days=2)  # the caller rings back two days later
    return request


@pytest.mark.parametrize("typed", ["2026-00001", "00001", "2026-1"])
async def test_a_reference_opens_the_request_and_logs_a_follow_up(
    store, operator, request_of_zebulon, clock, typed
) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, typed)
        assert names(app)[0] == "▶ Demande 2026-00001  ZÉBULON Éléonore"
        assert count_line(app).startswith("Demande 2026-00001 trouvée.")
        assert "Entrée : ouvrir la demande et noter un rappel" in count_line(app)
        started = app.call.started_at
        assert started == clock.now()
        clock.advance(minutes=3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestViewScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, FollowUpDialog)
        await pilot.press(*"demande des nouvelles")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestViewScreen)
        assert app.call.started_at is None, "the follow-up ends the call"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#query", Input).value == "", "ready for the next call"

    (call,) = store.calls()
    assert call.outcome is CallOutcome.FOLLOW_UP
    assert (call.request_id, call.caller_id) == (
        request_of_zebulon.id,
        request_of_zebulon.caller_id,
    )
    assert (call.started_at, call.ended_at) == (started, started + timedelta(minutes=3))
    assert call.phone == ""
    note = store.events(request_of_zebulon.id)[-1]
    assert (note.kind, note.note) == (EventKind.NOTE, "demande des nouvelles")
    # No new request was created.
    assert store.get_request_by_reference("2026-00002") is None


async def test_a_cancelled_follow_up_writes_nothing(store, operator, request_of_zebulon) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "2026-00001")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("n", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestViewScreen)
        assert app.call.started_at is not None
    assert store.calls() == []


async def test_an_unknown_reference_is_just_a_search(store, operator, directory) -> None:
    app = make_app(store, operator)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(app, pilot, "2026-00999")
        assert rows(app) == []
        assert "Aucun demandeur" in count_line(app)
