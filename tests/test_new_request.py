"""F3, the new-request form, driven from the keyboard on a real temp database (Pilot): a whole
call typed and stored, the type-ahead boxes (category, street and its number), the Tab order,
and leaving the form (Escape asks before dropping typed text).

Other aspects of the form live beside it: test_new_request_validation, _callers_duplicates,
_pastes, _typed_ahead, _caller and _keys.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import ALL_BACKENDS, ZEBULON, category
from pilot_helpers import open_form, shown, type_text
from pilot_helpers import settle_timers as settle
from textual.widgets import Static

from allo_tui.app import AlloApp
from allo_tui.domain.records import (
    CallOutcome,
    EventKind,
    Kind,
    NewRequest,
    Status,
)
from allo_tui.screens.confirm import ConfirmDialog
from allo_tui.screens.lookup import LookupScreen
from allo_tui.screens.new_request import NewRequestScreen, split_leading_number, target_phrase
from allo_tui.widgets.text_area_field import LimitedTextArea
from allo_tui.widgets.text_fields import SafeInput
from allo_tui.widgets.typeahead import TypeAhead
from allo_tui.widgets.urgency import UrgencyPicker

BACKENDS = ALL_BACKENDS
"""Each test that opens a database runs on SQLite and on PostgreSQL."""

pytestmark = pytest.mark.usefixtures("quick_timers")


async def test_a_whole_call_typed_from_the_keyboard_is_stored(store, admin, clock) -> None:
    caller = store.create_caller(admin, ZEBULON)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        assert app.focused is screen.query_one("#phone", TypeAhead).input
        await type_text(pilot, "0386123456")
        await settle(app, pilot)
        await pilot.press("enter")  # the exact phone match is highlighted: Enter takes it
        await settle(app, pilot)
        assert "ZÉBULON Éléonore" in shown(screen.query_one("#caller-status", Static))
        assert app.focused is screen.query_one("#category", TypeAhead).input
        await type_text(pilot, "nid")
        await settle(app, pilot)
        await pilot.press("enter")
        await type_text(pilot, "12")
        await pilot.press("enter")
        await type_text(pilot, "rue du temple")
        await settle(app, pilot)
        await pilot.press("enter")  # picks "Rue du Temple" from the referential
        await pilot.press("enter")  # landmark left empty: urgency and service are pre-set
        assert app.focused is screen.query_one("#description", LimitedTextArea)
        assert screen.query_one("#urgency", UrgencyPicker).value == 3
        assert screen.query_one("#service", TypeAhead).text == "Voirie"
        await type_text(pilot, "nid-de-poule")
        clock.advance(minutes=3)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Demande n° 2026-00001" in shown(screen.query_one("#reference", Static))
        promise = shown(screen.query_one("#promise", Static))
        assert "jeudi 26/11/2026 à 18:00" in promise, "acknowledgement: 2nd working day, 18:00"
        assert "vendredi 04/12/2026 à 10:03" in promise, "intervention: 10 days after the call"

    saved = store.get_request_by_reference("2026-00001")
    assert saved is not None
    voirie = category(store, "VOIRIE")
    assert (saved.category_id, saved.service_id, saved.service_name) == (
        voirie.id,
        voirie.service_id,
        "Voirie",
    )
    assert (saved.urgency, saved.status, saved.kind) == (3, Status.NEW, Kind.INTERVENTION)
    assert (saved.street_number, saved.street, saved.description) == (
        "12",
        "Rue du Temple",
        "nid-de-poule",
    )
    assert saved.caller_id == caller.id
    now = clock.now()
    due = store.calendar().due_dates(now, 3)
    assert saved.created_at == now
    assert saved.ack_due_at == due.ack_due_at == datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    assert saved.intervention_due_at == due.intervention_due_at == now + timedelta(days=10)
    events = store.events(saved.id)
    assert [e.kind for e in events] == [EventKind.CREATED]
    calls = store.calls()
    assert len(calls) == 1
    call = calls[0]
    assert (call.request_id, call.caller_id, call.outcome) == (
        saved.id,
        caller.id,
        CallOutcome.REQUEST_CREATED,
    )
    assert call.ended_at - call.started_at == timedelta(minutes=3)
    assert call.phone == "03 86 12 34 56"
    assert store.operator_drafts(admin) == [], "a saved call leaves no draft"


async def test_category_type_ahead_finds_words_inside_labels(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        box = screen.query_one("#category", TypeAhead)
        box.focus()
        await type_text(pilot, "nid")
        await settle(app, pilot)
        assert [s.text for s in box.suggestions] == ["Voirie (nid-de-poule, trottoir, chaussée)"]
        box.set_text("")
        box.focus()
        await type_text(pilot, "arbre")
        await settle(app, pilot)
        assert sorted(s.text for s in box.suggestions) == [
            "Arbre tombé / branche dangereuse",
            "Espaces verts (arbres, tonte, massifs)",
        ]
        await pilot.press("down", "enter")
        await settle(app, pilot)
        chosen = category(store, "ESPVERTS")
        assert box.value == chosen.id or box.value == category(store, "ARBRE").id


async def test_choosing_a_category_presets_urgency_service_and_the_target_shown(
    store, admin
) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#category", TypeAhead).focus()
        await type_text(pilot, "arbre tombe")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        urgency = screen.query_one("#urgency", UrgencyPicker)
        assert urgency.value == 1
        assert "sur place sous 1 h" in urgency.render().plain
        assert screen.query_one("#service", TypeAhead).text == "Équipe mobile d'intervention"
        urgency.focus()
        await pilot.press("down")
        assert urgency.value == 2 and "sous 24 h" in urgency.render().plain
        await pilot.press("ctrl+g", "4")
        assert urgency.value == 4 and "sans intervention" in urgency.render().plain
        await pilot.press("up", "up")
        assert urgency.value == 2
        await pilot.press("ctrl+g", "3")
        assert "sous 10 jours" in urgency.render().plain


def test_target_phrases_follow_the_site_targets() -> None:
    assert target_phrase(1, timedelta(hours=1)) == "sur place sous 1 h"
    assert target_phrase(1, timedelta(minutes=30)) == "sur place sous 30 min"
    assert target_phrase(2, timedelta(hours=24)) == "sous 24 h"
    assert target_phrase(3, timedelta(days=10)) == "sous 10 jours"
    assert target_phrase(4, None).startswith("sans intervention")


async def test_street_type_ahead_ignores_accents_and_marks_streets_outside_the_list(
    store, admin
) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        street = screen.query_one("#street", TypeAhead)
        street.focus()
        await type_text(pilot, "rue de l eglise")
        await settle(app, pilot)
        assert "Rue de l'Église - Vaux" in [s.text for s in street.suggestions]
        await pilot.press("escape")  # closes the list, keeps what was typed
        assert not street.is_open and isinstance(app.screen, NewRequestScreen)
        street.set_text("")
        street.focus()
        await type_text(pilot, "chemin des reves")
        await settle(app, pilot)
        if street.is_open:
            await pilot.press("escape")
        await pilot.press("enter")
        await settle(app, pilot)
        assert street.text == "chemin des reves"
        message = shown(screen.query_one("#message-street", Static))
        assert "hors référentiel" in message
        assert app.focused is screen.query_one("#landmark", SafeInput)


async def test_a_number_typed_with_the_street_goes_to_the_number_box(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#street", TypeAhead).focus()
        await type_text(pilot, "12 bis rue du temple")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.query_one("#street", TypeAhead).text == "Rue du Temple"
        assert screen.query_one("#street_number", SafeInput).value == "12 bis"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12 rue du Temple", ("12", "rue du Temple")),
        ("12bis, rue X", ("12bis", "rue X")),
        ("3 ter place Y", ("3 ter", "place Y")),
        ("rue du 8 Mai", ("", "rue du 8 Mai")),
        ("12", ("", "12")),
    ],
)
def test_a_leading_street_number_is_split_off(typed: str, expected: tuple[str, str]) -> None:
    assert split_leading_number(typed) == expected


async def test_a_street_already_used_in_a_request_is_suggested(store, admin) -> None:
    store.create_request(
        admin,
        NewRequest(
            category_id=category(store, "AUTRE").id,
            description="x",
            street="Impasse des Hirondelles Bleues",
        ),
    )
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        street = screen.query_one("#street", TypeAhead)
        street.focus()
        await type_text(pilot, "hirondelles")
        await settle(app, pilot)
        assert "Impasse des Hirondelles Bleues" in [s.text for s in street.suggestions]


async def test_tab_and_shift_tab_follow_the_call_order(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        order = []
        for _ in range(11):
            focused = app.focused
            order.append(focused.parent.id if isinstance(focused.parent, TypeAhead) else focused.id)
            await pilot.press("tab")
        assert order == [
            "phone",
            "name",
            "category",
            "street_number",
            "street",
            "landmark",
            "urgency",
            "service",
            "description",
            "channel",
            "kind",
        ]
        screen.query_one("#description", LimitedTextArea).focus()
        await pilot.press("shift+tab")
        assert app.focused is screen.query_one("#service", TypeAhead).input


# -- leaving the form -------------------------------------------------------------------------


async def test_escape_asks_before_dropping_typed_text(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#landmark", SafeInput).focus()
        await type_text(pilot, "devant la poste")
        await settle(app, pilot)
        assert store.load_draft(admin, "test") is not None
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert app.screen is screen
        assert screen.query_one("#landmark", SafeInput).value == "devant la poste"
        await pilot.press("escape")
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        assert store.load_draft(admin, "test") is None
        await pilot.press("f3")
        await settle(app, pilot)
        assert screen.query_one("#landmark", SafeInput).value == ""


async def test_escape_on_an_empty_form_goes_back_without_asking(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)


async def test_escape_after_saving_starts_the_next_call(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#category", TypeAhead).focus()
        await type_text(pilot, "autre")
        await settle(app, pilot)
        await pilot.press("enter")
        screen.query_one("#description", LimitedTextArea).focus()
        await type_text(pilot, "merci")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen.confirmed
        assert app.call.started_at is None, "the call ended with the save"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        await pilot.press("f3")
        await settle(app, pilot)
        assert not screen.confirmed
        assert screen.query_one("#description", LimitedTextArea).text == ""
        assert app.focused is screen.query_one("#phone", TypeAhead).input
