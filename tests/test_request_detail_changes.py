"""The request detail when the request changes elsewhere, and its newer dialogs.

Two consoles on one database file: a save refused because the other console saved first
keeps what was typed, says what changed and saves on the new version; the detail follows
changes made elsewhere through the change feed. Also: requalifying by keys, the
acknowledgement's default, a reopened request's old answer, the cancel dialog's words.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from conftest import ALL_BACKENDS, lamp_request
from pilot_helpers import notifications, open_detail, shown_in
from pilot_helpers import settle_twice as settle
from textual.widgets import OptionList, Select, Static, TextArea

from allo_tui.app import AlloApp
from allo_tui.data.store import Store
from allo_tui.domain.records import ContactPreference, EventKind, NewCaller, Status
from allo_tui.domain.workflow import Action
from allo_tui.screens.action_dialogs import ChoiceDialog, TextPromptDialog
from allo_tui.screens.requalify_dialog import RequalifyDialog
from allo_tui.screens.request_detail import RequestDetailScreen

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""


async def test_a_refused_answer_is_kept_shown_with_what_changed_and_saved_on_the_new_version(
    store, operator, supervisor, db_path, clock
):
    request = lamp_request(store, operator)
    console_a = Store(db_path, clock=clock)
    app_a = AlloApp(store=console_a, operator=supervisor, console="a")
    app_b = AlloApp(store=store, operator=operator, console="b")
    async with app_a.run_test(size=(120, 40)) as pilot_a:
        async with app_b.run_test(size=(120, 40)) as pilot_b:
            screen_b = await open_detail(app_b, pilot_b, request.id)
            await open_detail(app_a, pilot_a, request.id)
            app_b.requests_watch.check()  # B's change feed: its starting point
            # B starts typing the answer; meanwhile A acknowledges (by letter).
            await pilot_b.press("d", "1")  # Réparé
            await settle(app_b, pilot_b)
            await pilot_b.press(*"Lampe changée")
            await pilot_a.press("a", "2")
            await settle(app_a, pilot_a)
            assert console_a.get_request(request.id).status is Status.ACKNOWLEDGED
            await asyncio.to_thread(app_b.requests_watch.check)  # B hears of it, dialog open
            await settle(app_b, pilot_b)
            await pilot_b.press("ctrl+s")
            await settle(app_b, pilot_b)
            dialog = app_b.screen
            assert isinstance(dialog, ChoiceDialog), "asked again, not dropped"
            assert dialog.query_one(OptionList).highlighted == 0, "the outcome kept"
            notice = str(dialog.query_one("#dialog-notice", Static).render())
            assert "Chef Superviseur" in notice
            assert "Statut : Nouvelle → Accusée" in notice
            assert "Accusé de réception : — → courrier" in notice
            assert any("rien n'a été écrasé" in text for text in notifications(app_b))
            await pilot_b.press("enter")
            await settle(app_b, pilot_b)
            dialog = app_b.screen
            assert isinstance(dialog, TextPromptDialog)
            assert dialog.query_one("#dialog-text", TextArea).text == "Lampe changée"
            await pilot_b.press(*" ce matin", "ctrl+s")
            await settle(app_b, pilot_b)
            assert app_b.screen is screen_b
            assert "Terminée" in shown_in(screen_b, "#detail-title")
    console_a.close()
    saved = store.get_request(request.id)
    assert (saved.status, saved.outcome_code, saved.answer, saved.acknowledged_how) == (
        Status.DONE,
        "REPARE",
        "Lampe changée ce matin",
        "letter",
    )


async def test_a_refused_answer_whose_action_is_gone_can_be_kept_as_a_note(
    store, operator, supervisor, db_path, clock
):
    request = lamp_request(store, operator)
    app = AlloApp(store=store, operator=operator, console="b")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_detail(app, pilot, request.id)
        await pilot.press("d", "1")
        await settle(app, pilot)
        await pilot.press(*"Lampe changée")
        other = Store(db_path, clock=clock)
        other.apply(supervisor, request.id, Action.CANCEL, expected_version=1, text="Erreur")
        other.close()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, TextPromptDialog)
        assert dialog.query_one("#dialog-text", TextArea).text == "Lampe changée"
        notice = str(dialog.query_one("#dialog-notice", Static).render())
        assert "« Terminer » n'est plus possible" in notice
        assert "comme note" in notice
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    saved = store.get_request(request.id)
    assert saved.status is Status.CANCELLED and saved.answer == ""
    last = store.events(request.id)[-1]
    assert (last.kind, last.note) == (EventKind.NOTE, "Lampe changée")


async def test_the_detail_follows_a_change_made_by_another_console(
    store, operator, supervisor, db_path, clock
):
    request = lamp_request(store, operator)
    app = AlloApp(store=store, operator=operator, console="b")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        app.requests_watch.check()  # the feed's starting point
        other = Store(db_path, clock=clock)
        other.apply(supervisor, request.id, Action.ACKNOWLEDGE, expected_version=1, how="email")
        other.close()
        await asyncio.to_thread(app.requests_watch.check)
        await settle(app, pilot)
        assert "Accusée" in shown_in(screen, "#detail-title")
        assert screen.request.version == 2
        assert any(
            "modifiée par Chef Superviseur" in text and "courriel" in text
            for text in notifications(app)
        )


async def test_the_acknowledgement_defaults_to_the_callers_contact_preference(store, operator):
    caller = store.create_caller(
        operator,
        NewCaller(surname="Durand", contact_preference=ContactPreference.EMAIL),
    )
    request = lamp_request(store, operator, caller_id=caller.id)
    letter = lamp_request(store, operator, caller_id=None, channel="letter")
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_detail(app, pilot, request.id)
        await pilot.press("a")
        assert isinstance(app.screen, ChoiceDialog)
        assert app.screen.query_one(OptionList).highlighted == 2  # courriel
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("escape")
        await open_detail(app, pilot, letter.id)
        await pilot.press("a", "enter")  # anonymous, came by letter: answered by letter
        await settle(app, pilot)
    assert store.get_request(request.id).acknowledged_how == "email"
    assert store.get_request(letter.id).acknowledged_how == "letter"


async def test_a_reopened_requests_answer_reads_as_the_previous_one(store, supervisor):
    request = lamp_request(store, supervisor)
    store.apply(
        supervisor,
        request.id,
        Action.DONE,
        outcome_code="REPARE",
        expected_version=1,
        text="Lampe changée",
    )
    store.apply(supervisor, request.id, Action.REOPEN, expected_version=2)
    app = AlloApp(store=store, operator=supervisor, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        fields = shown_in(screen, "#detail-fields")
        assert "Réponse précédente" in fields and "Lampe changée" in fields
        assert "Réponse au demandeur" not in fields
        assert "version" not in fields, "no version number for the hostess"


async def test_the_cancel_dialog_says_cancel_the_request_and_esc_changes_nothing(store, supervisor):
    request = lamp_request(store, supervisor)
    app = AlloApp(store=store, operator=supervisor, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_detail(app, pilot, request.id)
        await pilot.press("x")
        dialog = app.screen
        assert isinstance(dialog, TextPromptDialog)
        assert str(dialog.query_one("#dialog-title").render()).startswith("Annuler la demande")
        hint = str(dialog.query_one("#dialog-hint", Static).render())
        assert "annuler" not in hint.lower() and "Échap retour sans rien changer" in hint
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
    assert store.get_request(request.id).status is Status.NEW


async def test_q_requalifies_the_urgency_and_the_timeline_shows_old_and_new(store, operator, clock):
    request = lamp_request(store, operator)
    clock.advance(hours=2)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        await pilot.press("q")
        dialog = app.screen
        assert isinstance(dialog, RequalifyDialog)
        await pilot.press("ctrl+s")
        assert "Rien à changer" in str(dialog.query_one("#dialog-error", Static).render())
        await pilot.press("tab", "tab")  # category, service, then the urgency
        assert dialog.focused is dialog.query_one("#requalify-urgency", Select)
        await pilot.press("enter", "up", "up", "enter")  # 3 → 1
        await pilot.pause()
        assert dialog.query_one("#requalify-urgency", Select).value == 1
        due = str(dialog.query_one("#requalify-due", Static).render())
        assert "à partir de maintenant" in due and "mardi 24/11/2026 à 13:00" in due
        await pilot.press("tab", *"danger", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        timeline = shown_in(screen, "#detail-timeline")
        assert "Urgence : 3 (Normale) → 1 (Immédiate)" in timeline
        assert "1 — Immédiate" in shown_in(screen, "#detail-fields")
    saved = store.get_request(request.id)
    assert saved.urgency == 1
    assert saved.intervention_due_at == clock.now() + timedelta(hours=1)
    assert saved.ack_due_at == request.ack_due_at
    assert store.events(request.id)[-1].note == "danger"


async def test_an_operator_cannot_requalify_an_assigned_request_a_supervisor_can(
    store, operator, supervisor
):
    request = lamp_request(store, operator)
    store.apply(
        operator, request.id, Action.ASSIGN, expected_version=1, service_id=request.service_id
    )
    for who, offered in ((operator, False), (supervisor, True)):
        app = AlloApp(store=store, operator=who, console="test")
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_detail(app, pilot, request.id)
            assert ("q" in screen.active_bindings) is offered
            await pilot.press("q")
            await pilot.pause()
            assert isinstance(app.screen, RequalifyDialog) is offered
            if not offered:
                assert any("Requalification après affectation" in t for t in notifications(app))


def test_the_request_view_calls_a_reopened_requests_answer_the_previous_one(store, supervisor):
    from allo_tui.screens.request_view import request_fields

    request = lamp_request(store, supervisor)
    store.apply(
        supervisor,
        request.id,
        Action.DONE,
        outcome_code="REPARE",
        expected_version=1,
        text="Lampe changée",
    )
    done = request_fields(store.get_request(request.id)).plain
    assert "Réponse au demandeur" in done and "Lampe changée" in done
    store.apply(supervisor, request.id, Action.REOPEN, expected_version=2)
    fields = request_fields(store.get_request(request.id)).plain
    assert "Réponse précédente" in fields and "Réponse au demandeur" not in fields


async def test_the_requalify_dialog_opens_on_a_category_no_longer_offered(store, operator, db_path):
    from store_helpers import execute

    request = lamp_request(store, operator)
    execute(db_path, "UPDATE categories SET active = FALSE WHERE code = 'ECLAIRAGE'")
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_detail(app, pilot, request.id)
        await pilot.press("q")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RequalifyDialog)
        assert dialog.query_one("#requalify-category", Select).value == request.category_id


async def test_an_acknowledgement_by_email_to_a_reachable_caller_is_queued_not_recorded(
    store, operator
):
    caller = store.create_caller(
        operator,
        NewCaller(
            surname="Durand",
            email="durand@example.fr",
            contact_preference=ContactPreference.EMAIL,
        ),
    )
    request = lamp_request(store, operator, caller_id=caller.id)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_detail(app, pilot, request.id)
        await pilot.press("a")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")  # courriel, the caller's preference
        await settle(app, pilot)
        assert any("prochain envoi des courriels" in text for text in notifications(app))
        await pilot.press("a", "up", "up", "enter")  # téléphone: a call made, recorded now
        await settle(app, pilot)
    saved = store.get_request(request.id)
    assert saved.acknowledged_how == "phone"
