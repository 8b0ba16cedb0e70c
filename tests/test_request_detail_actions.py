"""The request detail: every workflow action driven through its keys. An operator acknowledges,
assigns, starts and marks done (done needs an answer), is offered only their actions and told
why others are refused; a supervisor rejects with a reason, reopens, closes and cancels; anyone
adds a note; a request changed by another console is refused and reloaded.

Each test presses the keys an operator or a supervisor would, and checks both what the screen
shows and what the database holds.
"""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import ALL_BACKENDS, lamp_request
from pilot_helpers import enabled, listed, notifications, open_detail, shown_in
from pilot_helpers import settle_twice as settle
from textual.widgets import TextArea

from allo_tui.app import AlloApp
from allo_tui.data.store import Store
from allo_tui.domain.records import EventKind, Status
from allo_tui.domain.workflow import Action
from allo_tui.screens.action_dialogs import ChoiceDialog, TextPromptDialog
from allo_tui.screens.confirm import ConfirmDialog

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


async def test_operator_acknowledges_assigns_starts_and_marks_done_by_keys(store, operator):
    request = lamp_request(store, operator, service_id=store.services()[1].id)
    lighting = next(s for s in store.services() if s.name == "Éclairage public")
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        await pilot.press("a")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("2")  # letter
        await settle(app, pilot)
        await pilot.press("g")
        assert isinstance(app.screen, ChoiceDialog)
        services = [s.id for s in store.services()]
        await pilot.press(str(services.index(lighting.id) + 1))
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("d")
        assert isinstance(app.screen, ChoiceDialog), "done asks the coded outcome first"
        await pilot.press("4")  # Remplacé
        await settle(app, pilot)
        assert isinstance(app.screen, TextPromptDialog), "then the answer"
        await pilot.press(*"Lampe changée [ok]")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        timeline = shown_in(screen, "#detail-timeline")
        for text in ("par courrier", "Voirie → Éclairage public", "Affectée → En cours"):
            assert text in timeline, text
        assert "Remplacé — Lampe changée [ok]" in timeline
        assert "Terminée" in shown_in(screen, "#detail-title")
    saved = store.get_request(request.id)
    assert (
        saved.status,
        saved.service_id,
        saved.outcome_code,
        saved.answer,
        saved.acknowledged_how,
    ) == (Status.DONE, lighting.id, "REMPLACE", "Lampe changée [ok]", "letter")
    events = store.events(request.id)
    assert [event.kind for event in events] == [
        EventKind.CREATED,
        EventKind.ACKNOWLEDGEMENT,
        EventKind.STATUS,
        EventKind.ASSIGNMENT,
        EventKind.STATUS,
        EventKind.STATUS,
        EventKind.STATUS,
    ]
    assert {event.operator for event in events[1:]} == {"Anne Hôtesse"}


async def test_done_needs_a_coded_outcome_and_takes_a_blank_answer(store, operator):
    request = lamp_request(store, operator)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        await pilot.press("d")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen, "no outcome chosen: nothing asked further"
        assert store.get_request(request.id).status is Status.NEW
        assert len(store.events(request.id)) == 1
        await pilot.press("d", "1")  # Réparé
        await settle(app, pilot)
        await pilot.press("escape")  # leaving the answer goes back to the list, kept
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("ctrl+s")  # the free answer is optional
        await settle(app, pilot)
        assert "Réparé" in shown_in(screen, "#detail-fields")
    saved = store.get_request(request.id)
    assert (saved.status, saved.outcome_code, saved.answer) == (Status.DONE, "REPARE", "")


async def test_operator_is_offered_only_their_actions_and_told_why_others_are_refused(
    store, operator
):
    request = lamp_request(store, operator)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        for key in ("a", "g", "s", "d", "u", "n", "q"):
            assert enabled(screen, key), key
        for key in ("c", "r", "x", "o"):
            assert not listed(screen, key), key
        keys_line = shown_in(screen, "#detail-keys")
        assert "Accuser" in keys_line and "Requalifier" in keys_line
        for label in ("Clôturer", "Rejeter", "Annuler", "Rouvrir"):
            assert label not in keys_line, label
        await pilot.press("r")
        await settle(app, pilot)
        assert app.screen is screen, "no dialog for a refused action"
        assert any("réservée aux superviseurs" in text for text in notifications(app))
        await pilot.press("c")
        await settle(app, pilot)
        assert any("Clôturer" in text for text in notifications(app))
    assert store.get_request(request.id).status is Status.NEW


async def test_supervisor_rejects_with_a_reason_then_reopens(store, operator, supervisor):
    request = lamp_request(store, operator)
    app = AlloApp(store=store, operator=supervisor, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        assert not enabled(screen, "o"), "an open request cannot be reopened"
        await pilot.press("r")
        assert isinstance(app.screen, ChoiceDialog), "the coded reason first"
        await pilot.press("2")  # Domaine privé
        await settle(app, pilot)
        assert isinstance(app.screen, TextPromptDialog)
        await pilot.press(*"Hors domaine public")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Sans suite" in shown_in(screen, "#detail-title")
        assert "Sans suite — Domaine privé" in shown_in(screen, "#detail-fields")
        assert enabled(screen, "o") and not enabled(screen, "r")
        await pilot.press("o")
        await pilot.press("ctrl+s")  # the reason of a reopening is optional
        await settle(app, pilot)
        assert "Nouvelle" in shown_in(screen, "#detail-title")
    events = store.events(request.id)
    assert [(e.old_value, e.new_value, e.note) for e in events[1:]] == [
        ("new", "rejected", "Domaine privé — Hors domaine public"),
        ("rejected", "new", ""),
    ]


async def test_supervisor_closes_a_done_request_and_cancels_another(store, supervisor):
    done = lamp_request(store, supervisor)
    store.apply(
        supervisor, done.id, Action.DONE, outcome_code="REPARE", expected_version=1, text="Réparé"
    )
    other = lamp_request(store, supervisor)
    app = AlloApp(store=store, operator=supervisor, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, done.id)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog), "closing asks first"
        await pilot.press("n")
        await settle(app, pilot)
        assert store.get_request(done.id).status is Status.DONE, "no: nothing closed"
        await pilot.press("c")
        await pilot.press("o")
        await settle(app, pilot)
        assert app.screen is screen
        assert not listed(screen, "s"), "a closed request offers no start"
        assert listed(screen, "o") and listed(screen, "n")
        await pilot.press("escape")
        await open_detail(app, pilot, other.id)
        await pilot.press("x")
        await pilot.press(*"Doublon d'appel", "ctrl+s")
        await settle(app, pilot)
    assert store.get_request(done.id).status is Status.CLOSED
    assert store.get_request(other.id).status is Status.CANCELLED


async def test_a_note_is_added_to_any_request(store, operator, supervisor):
    request = lamp_request(store, operator)
    store.apply(supervisor, request.id, Action.CANCEL, expected_version=1)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        await pilot.press("n")
        area = app.screen.query_one("#dialog-text", TextArea)
        area.insert("Rappelé le demandeur\n\x1b[31mrouge[/]")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Rappelé le demandeur" in shown_in(screen, "#detail-timeline")
    assert store.events(request.id)[-1].note == "Rappelé le demandeur\n\x1b[31mrouge[/]"


async def test_a_request_changed_by_another_console_is_refused_and_reloaded(
    store, operator, supervisor, db_path, clock
):
    request = lamp_request(store, operator)
    other_console = Store(db_path, clock=clock)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        clock.set(datetime(2026, 11, 24, 9, 42, tzinfo=UTC))
        other_console.apply(supervisor, request.id, Action.START, expected_version=1)
        await pilot.press("g")
        await pilot.press("enter")
        await settle(app, pilot)
        assert any(
            "modifiée par Chef Superviseur à 10:42" in text and "rien n'a été écrasé" in text
            for text in notifications(app)
        )
        assert screen.request.version == 2, "the detail reloaded"
        assert "En cours" in shown_in(screen, "#detail-title")
        # A note never conflicts: it changes no field of the request.
        other_console.apply(supervisor, request.id, Action.ACKNOWLEDGE, expected_version=2)
        await pilot.press("n", *"vu", "ctrl+s")
        await settle(app, pilot)
    other_console.close()
    saved = store.get_request(request.id)
    assert (saved.status, saved.service_id) == (Status.IN_PROGRESS, request.service_id)
    assert [event.kind for event in store.events(request.id)][-1] is EventKind.NOTE
