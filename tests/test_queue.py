"""F7, "Ma file": a service's queue of open requests — late first, then by due time — for the
agent's own services; supervisors see every service's; hostesses have none. Live: a request
assigned to the service appears when the watch sees it. Enter opens the detail."""

from __future__ import annotations

import asyncio

from conftest import ALL_BACKENDS
from pilot_helpers import painted_lines, settle, settle_timers
from store_helpers import request_for

from allo_tui.app import console_app
from allo_tui.data.store import Store
from allo_tui.domain.records import Role
from allo_tui.screens.queue import QueueScreen
from allo_tui.screens.request_detail import RequestDetailScreen

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


def queue_references(app) -> list[str]:
    table = app.screen.table
    return [str(table.get_row_at(i)[2]) for i in range(table.row_count)]


def test_the_queue_puts_late_requests_first_then_by_due_time(store: Store, operator, clock):
    voirie = store.find_category("VOIRIE").service_id
    soon = store.create_request(operator, request_for(store, "VOIRIE", "Trottoir", urgency=2))
    later = store.create_request(operator, request_for(store, "VOIRIE", "Nid de poule"))
    clock.advance(days=4)
    oldest_urgent = store.create_request(
        operator, request_for(store, "VOIRIE", "Plaque", urgency=2)
    )
    lamp = store.create_request(operator, request_for(store, "ECLAIRAGE", "Lampadaire"))
    clock.advance(days=1)  # the first urgency-2 one (due within 3 days) is now late

    queue = store.service_queue((voirie,))
    late = store.service_queue((voirie,), late_only=True)
    everyone = store.service_queue()

    assert [r.reference for r in queue] == [
        soon.reference,
        oldest_urgent.reference,
        later.reference,
    ]
    assert [r.reference for r in late] == [soon.reference]
    assert lamp.reference in {r.reference for r in everyone}


async def test_an_agent_opens_on_their_queue_and_a_new_request_for_them_appears(
    store: Store, operator
):
    agent = store.add_operator("voirie1", Role.SERVICE, "Agent Voirie", ["VOIRIE"])
    first = store.create_request(operator, request_for(store, "VOIRIE", "Nid de poule"))
    store.create_request(operator, request_for(store, "ECLAIRAGE", "Lampadaire éteint"))
    app = console_app(store, agent, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_timers(app, pilot)
        await settle(app, pilot, rounds=3, pause=0.2)
        assert isinstance(app.screen, QueueScreen)
        assert queue_references(app) == [first.reference]
        assert "Voirie — 1 demande(s) ouverte(s), dont 0 en retard" in "\n".join(painted_lines(app))

        await asyncio.to_thread(app.requests_watch.check)  # the watch's starting point
        second = store.create_request(operator, request_for(store, "VOIRIE", "Trottoir"))
        await asyncio.to_thread(app.requests_watch.check)  # the watch sees the change
        await settle(app, pilot, rounds=3, pause=0.2)
        assert second.reference in queue_references(app)

        await pilot.press("enter")
        await settle(app, pilot, rounds=2, pause=0.2)
        assert isinstance(app.screen, RequestDetailScreen)


async def test_a_supervisor_sees_every_services_queue_and_a_hostess_has_none(
    store: Store, operator, supervisor
):
    pothole = store.create_request(operator, request_for(store, "VOIRIE", "Nid de poule"))
    lamp = store.create_request(operator, request_for(store, "ECLAIRAGE", "Lampadaire"))
    chief = console_app(store, supervisor, console="chief")
    async with chief.run_test(size=(120, 40)) as pilot:
        await settle_timers(chief, pilot)
        await pilot.press("f7")
        await settle(chief, pilot, rounds=3, pause=0.2)
        assert isinstance(chief.screen, QueueScreen)
        assert set(queue_references(chief)) == {pothole.reference, lamp.reference}
    hostess = console_app(store, operator, console="hostess")
    async with hostess.run_test(size=(120, 40)) as pilot:
        await settle_timers(hostess, pilot)
        await pilot.press("f7")
        await settle(hostess, pilot)
        assert not isinstance(hostess.screen, QueueScreen)
        assert hostess.check_action("go", ("queue",)) is False


def test_the_queue_drops_done_requests(store: Store, operator, clock):
    from allo_tui.domain.workflow import Action

    voirie = store.find_category("VOIRIE").service_id
    request = store.create_request(operator, request_for(store, "VOIRIE", "Nid de poule"))
    store.apply(
        operator,
        request.id,
        Action.DONE,
        outcome_code="REPARE",
        expected_version=1,
        text="Rebouché",
    )
    clock.advance(minutes=1)

    assert store.service_queue((voirie,)) == []
