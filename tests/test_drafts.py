"""A call is never lost: the form's draft lives in the database and comes back after a crash."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from conftest import ALL_BACKENDS, ZEBULON
from pilot_helpers import settle_timers as settle
from pilot_helpers import type_text
from textual.widgets import Static

from allo_tui.app import AlloApp
from allo_tui.domain.records import DraftRecord
from allo_tui.screens.confirm import ConfirmDialog
from allo_tui.screens.new_request import NewRequestScreen
from allo_tui.screens.restore_draft import (
    RestoreDraftScreen,
    draft_is_orphan,
    process_identity,
    process_is_gone,
)
from allo_tui.widgets.text_area_field import LimitedTextArea
from allo_tui.widgets.text_fields import SafeInput
from allo_tui.widgets.typeahead import TypeAhead
from allo_tui.widgets.urgency import UrgencyPicker

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

pytestmark = pytest.mark.usefixtures("quick_heartbeat")


def dead_process() -> dict:
    """The identity of a process of this host that has finished (and was reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return {"host": socket.gethostname(), "pid": child.pid, "start": "1"}


def draft_fields(store, caller_id: int, **overrides) -> dict:
    voirie = next(c for c in store.categories() if c.code == "VOIRIE")
    fields = {
        "version": 1,
        "phone": "03 86 12 34 56",
        "name": "ZÉBULON Éléonore",
        "caller_id": caller_id,
        "anonymous": False,
        "category_id": voirie.id,
        "category_text": voirie.label,
        "street_number": "12",
        "street": "Rue du Temple",
        "landmark": "[b]devant[/b] la boulangerie",
        "urgency": 2,
        "service_id": voirie.service_id,
        "service_text": "Voirie",
        "description": "nid-de-poule\nprofond",
        "channel": "counter",
        "kind": "complaint",
        "call_started_at": "2026-11-24T08:55:00+00:00",
        "process": dead_process(),
    }
    fields.update(overrides)
    return fields


# -- the draft row while typing ----------------------------------------------------------------


async def test_the_draft_row_exists_while_the_app_is_still_running(store, admin, clock) -> None:
    app = AlloApp(store=store, operator=admin, console="console-1")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, NewRequestScreen)
        await type_text(pilot, "0612345678")
        screen.query_one("#description", LimitedTextArea).focus()
        await type_text(pilot, "arbre couché")
        await settle(app, pilot)
        draft = store.load_draft(admin, "console-1")
        assert draft is not None, "written while the app runs, not at shutdown"
        assert draft.fields["phone"] == "0612345678"
        assert draft.fields["description"] == "arbre couché"
        assert draft.fields["process"] == process_identity()
        await pilot.press("f2")  # looking something up mid-call: the form still beats
        clock.advance(seconds=15)
        await pilot.pause(0.2)  # a few heartbeat intervals (shortened by the fixture)
        await settle(app, pilot)
        beat = store.load_draft(admin, "console-1")
        assert beat is not None and beat.heartbeat_at == clock.now()
        await pilot.press("f3")
        await settle(app, pilot)
        # Emptying the form removes the draft: nothing to restore.
        screen.query_one("#description", LimitedTextArea).load_text("")
        screen.query_one("#phone", TypeAhead).input.value = ""
        await settle(app, pilot)
        assert store.load_draft(admin, "console-1") is None


async def test_ctrl_q_asks_and_keeps_the_draft(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="console-1")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await type_text(pilot, "0612")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert app.is_running and isinstance(app.screen, NewRequestScreen)
        await pilot.press("ctrl+q", "o")
        await settle(app, pilot)
        assert not app.is_running
    draft = store.load_draft(admin, "console-1")
    assert draft is not None and draft.fields["phone"] == "0612"


async def test_ctrl_q_on_an_empty_form_quits_at_once(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="console-1")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert not app.is_running


# -- restoring at start ------------------------------------------------------------------------


async def test_a_dead_consoles_draft_is_offered_at_start_with_every_field(store, admin) -> None:
    caller = store.create_caller(admin, ZEBULON)
    fields = draft_fields(store, caller.id)
    store.save_draft(admin, "dead-console", fields)  # fresh heartbeat, but its process is gone
    app = AlloApp(store=store, operator=admin, console="console-2")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        offer = app.screen
        assert isinstance(offer, RestoreDraftScreen)
        summary = str(offer.query_one("#summary", Static).render())
        assert "nid-de-poule" in summary and "ZÉBULON Éléonore" in summary
        assert "Rue du Temple" in summary
        await pilot.press("r")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, NewRequestScreen)
        assert screen.query_one("#phone", TypeAhead).text == "03 86 12 34 56"
        assert screen.query_one("#name", TypeAhead).text == "ZÉBULON Éléonore"
        assert screen._caller is not None and screen._caller.id == caller.id
        assert screen.query_one("#category", TypeAhead).value == fields["category_id"]
        assert screen.query_one("#street_number", SafeInput).value == "12"
        assert screen.query_one("#street", TypeAhead).text == "Rue du Temple"
        assert screen.query_one("#landmark", SafeInput).value == "[b]devant[/b] la boulangerie"
        assert screen.query_one("#urgency", UrgencyPicker).value == 2
        assert screen.query_one("#service", TypeAhead).value == fields["service_id"]
        assert screen.query_one("#description", LimitedTextArea).text == "nid-de-poule\nprofond"
        assert app.call.started_at is not None and app.call.started_at.isoformat() == (
            "2026-11-24T08:55:00+00:00"
        )
        assert store.load_draft(admin, "dead-console") is None, "claimed by this console"
        assert store.load_draft(admin, "console-2") is not None
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    saved = store.latest_requests()[0]
    assert (saved.street, saved.urgency, saved.channel.value, saved.kind.value) == (
        "Rue du Temple",
        2,
        "counter",
        "complaint",
    )
    assert saved.landmark == "[b]devant[/b] la boulangerie"
    assert saved.caller_id == caller.id
    assert store.operator_drafts(admin) == []


async def test_a_draft_of_a_console_alive_elsewhere_is_not_offered(store, admin) -> None:
    caller = store.create_caller(admin, ZEBULON)
    alive_elsewhere = {"host": "another-host", "pid": 1, "start": "1"}
    store.save_draft(
        admin, "other-console", draft_fields(store, caller.id, process=alive_elsewhere)
    )
    app = AlloApp(store=store, operator=admin, console="console-2")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert not isinstance(app.screen, RestoreDraftScreen)
    assert store.load_draft(admin, "other-console") is not None


async def test_a_stale_heartbeat_offers_the_draft_and_later_keeps_it(store, admin, clock) -> None:
    caller = store.create_caller(admin, ZEBULON)
    alive_elsewhere = {"host": "another-host", "pid": 1, "start": "1"}
    store.save_draft(
        admin, "other-console", draft_fields(store, caller.id, process=alive_elsewhere)
    )
    clock.advance(seconds=31)
    app = AlloApp(store=store, operator=admin, console="console-2")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, RestoreDraftScreen)
        await pilot.press("p")  # plus tard
        await settle(app, pilot)
        assert not isinstance(app.screen, RestoreDraftScreen)
    assert store.load_draft(admin, "other-console") is not None


async def test_discarding_an_offered_draft_asks_then_deletes_it(store, admin) -> None:
    caller = store.create_caller(admin, ZEBULON)
    store.save_draft(admin, "dead-console", draft_fields(store, caller.id))
    app = AlloApp(store=store, operator=admin, console="console-2")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, RestoreDraftScreen)
        await pilot.press("s")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        assert isinstance(app.screen, RestoreDraftScreen), "no: back to the offer"
        await pilot.press("s", "o")
        await settle(app, pilot)
        assert not isinstance(app.screen, (RestoreDraftScreen, ConfirmDialog))
    assert store.operator_drafts(admin) == []


async def test_another_operators_draft_is_never_offered(store, admin, operator) -> None:
    caller = store.create_caller(admin, ZEBULON)
    store.save_draft(operator, "dead-console", draft_fields(store, caller.id))
    app = AlloApp(store=store, operator=admin, console="console-2")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert not isinstance(app.screen, RestoreDraftScreen)


# -- which drafts are orphans ------------------------------------------------------------------


def _draft(console: str, heartbeat_age: timedelta, process: dict | None, now) -> DraftRecord:
    return DraftRecord(
        id=1,
        operator_id=1,
        console=console,
        fields={"process": process} if process else {},
        updated_at=now - heartbeat_age,
        heartbeat_at=now - heartbeat_age,
    )


def test_orphan_rules(clock) -> None:
    now = clock.now()
    here = socket.gethostname()
    gone = {"host": here, "pid": 123, "start": "1"}
    rules = dict(console="mine", now=now, host=here, is_gone=lambda identity: True)
    alive = dict(rules, is_gone=lambda identity: False)
    fresh = timedelta(seconds=5)
    assert draft_is_orphan(_draft("mine", fresh, None, now), **alive), "this console's own"
    assert draft_is_orphan(_draft("other", timedelta(seconds=31), None, now), **alive)
    assert draft_is_orphan(_draft("other", fresh, gone, now), **rules), "its process died"
    assert not draft_is_orphan(_draft("other", fresh, gone, now), **alive)
    elsewhere = {"host": "elsewhere", "pid": 123, "start": "1"}
    assert not draft_is_orphan(_draft("other", fresh, elsewhere, now), **rules)


def test_process_is_gone_tells_running_from_finished_processes() -> None:
    assert not process_is_gone(process_identity())
    assert process_is_gone(dead_process())
    reused = dict(process_identity(), start="0")
    assert process_is_gone(reused) or reused["start"] == process_identity()["start"]
