"""F3, the new-request form, driven from the keyboard on a real temp database (Pilot)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pilot_helpers import settle_timers as settle
from rich.text import Text
from textual.widgets import Digits, OptionList, Static

from allo_tui.app import AlloApp
from allo_tui.domain.records import (
    CallOutcome,
    EventKind,
    Kind,
    NewCaller,
    NewRequest,
    Status,
)
from allo_tui.screens import draft_keeper
from allo_tui.screens import new_request as new_request_module
from allo_tui.screens.confirm import ConfirmDialog
from allo_tui.screens.lookup import LookupScreen
from allo_tui.screens.new_request import NewRequestScreen, split_leading_number, target_phrase
from allo_tui.widgets.text_fields import LimitedTextArea, SafeInput
from allo_tui.widgets.typeahead import TypeAhead, TypeAheadInput
from allo_tui.widgets.urgency import UrgencyPicker

ZEBULON = NewCaller(surname="Zébulon", given_name="Éléonore", phones=("03 86 12 34 56",))


@pytest.fixture(autouse=True)
def quick_timers(monkeypatch):
    """Drafts and duplicate look-ups wait a little before writing; tests need not wait a second."""
    monkeypatch.setattr(draft_keeper, "DRAFT_DELAY", 0.01)
    monkeypatch.setattr(new_request_module, "DUPLICATE_DELAY", 0.01)


def shown(widget: Static) -> str:
    rendered = widget.render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def form(app: AlloApp) -> NewRequestScreen:
    screen = app.screen
    assert isinstance(screen, NewRequestScreen)
    return screen


def category(store, code: str):
    return next(c for c in store.categories() if c.code == code)


async def open_form(app: AlloApp, pilot) -> NewRequestScreen:
    await pilot.press("f3")
    await settle(app, pilot)
    return form(app)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


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


# -- validation -------------------------------------------------------------------------------


async def test_saving_without_category_says_so_beside_the_field(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#description", LimitedTextArea).focus()
        await type_text(pilot, "un trou")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "catégorie" in shown(screen.query_one("#message-category", Static))
        assert app.focused is screen.query_one("#category", TypeAhead).input
    assert store.latest_requests() == []


async def test_a_blank_description_is_refused_with_focus_on_it(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#category", TypeAhead).focus()
        await type_text(pilot, "tags")
        await settle(app, pilot)
        await pilot.press("enter")
        screen.query_one("#description", LimitedTextArea).focus()
        await pilot.press("space", "space", "enter", "space")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "obligatoire" in shown(screen.query_one("#message-description", Static))
        assert app.focused is screen.query_one("#description", LimitedTextArea)
        assert not screen.query_one("#message-category", Static).has_class("-error")
    assert store.latest_requests() == []


async def test_a_description_over_the_limit_is_refused_and_the_counter_shows_it(
    store, admin
) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#category", TypeAhead).set_text(
            "Tags / graffitis", category(store, "TAGS").id
        )
        area = screen.query_one("#description", LimitedTextArea)
        area.load_text("x" * 4000)
        area.focus()
        area.move_cursor(area.document.end)
        await pilot.press("y")
        await settle(app, pilot)
        counter = screen.query_one("#counter", Static)
        assert shown(counter) == "4\u202f001 / 4\u202f000" and counter.has_class("-over")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "dépasse" in shown(screen.query_one("#message-description", Static))
        assert app.focused is area
        await pilot.press("backspace")
        await settle(app, pilot)
        assert counter.has_class("-near") and not counter.has_class("-over")
    assert store.latest_requests() == []


# -- callers ----------------------------------------------------------------------------------


async def test_a_new_caller_typed_in_the_form_is_created_with_the_request(store, admin) -> None:
    store.create_caller(admin, ZEBULON)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        await type_text(pilot, "0612345678")
        await settle(app, pilot)
        await pilot.press("enter")
        assert app.focused is screen.query_one("#name", TypeAhead).input
        await type_text(pilot, "ZEBULON Paul")
        await settle(app, pilot)
        await pilot.press("ctrl+n")  # not the Éléonore the list may show: a new caller
        assert "Nouveau demandeur" in shown(screen.query_one("#caller-status", Static))
        assert app.focused is screen.query_one("#category", TypeAhead).input
        await type_text(pilot, "depot")
        await settle(app, pilot)
        await pilot.press("enter")
        screen.query_one("#description", LimitedTextArea).focus()
        await type_text(pilot, "matelas")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    saved = store.latest_requests()[0]
    caller = store.get_caller(saved.caller_id)
    assert (caller.surname, caller.given_name) == ("Zebulon", "Paul")
    assert [p.number for p in caller.phones] == ["+33612345678"]


async def test_an_anonymous_call_keeps_the_phone_in_the_call_log_only(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        await type_text(pilot, "0612345678")
        await pilot.press("f6")
        assert "anonyme" in shown(screen.query_one("#caller-status", Static))
        assert app.focused is screen.query_one("#category", TypeAhead).input
        await type_text(pilot, "autre")
        await settle(app, pilot)
        await pilot.press("enter")
        screen.query_one("#description", LimitedTextArea).focus()
        await type_text(pilot, "remarque")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    saved = store.latest_requests()[0]
    assert saved.caller_id is None
    assert store.calls()[0].phone == "0612345678"


async def test_a_caller_chosen_on_f2_prefills_the_form(store, admin) -> None:
    caller = store.create_caller(admin, ZEBULON)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.start_request(caller)
        await settle(app, pilot)
        screen = form(app)
        assert screen.query_one("#name", TypeAhead).text == "ZÉBULON Éléonore"
        assert screen.query_one("#phone", TypeAhead).text == "03 86 12 34 56"
        assert app.focused is screen.query_one("#category", TypeAhead).input


# -- duplicates -------------------------------------------------------------------------------


async def test_possible_duplicates_are_listed_and_ctrl_d_links_the_call(
    store, admin, clock
) -> None:
    voirie = category(store, "VOIRIE")
    store.create_request(
        admin, NewRequest(category_id=voirie.id, description="old", street="Rue du Temple")
    )
    clock.advance(days=40)
    original = store.create_request(
        admin,
        NewRequest(
            category_id=voirie.id,
            description="Trou [bold]profond[/bold] devant le 12 \x1b[31m",  # written by a script
            street="Rue du Temple",
            street_number="12",
        ),
    )
    store.create_request(
        admin,
        NewRequest(
            category_id=category(store, "TAGS").id, description="tag", street="Rue du Temple"
        ),
    )
    caller = store.create_caller(admin, ZEBULON)
    clock.advance(hours=2)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        app.start_request(caller)
        await settle(app, pilot)
        assert not screen.query_one("#side").has_class("-has-duplicates")
        await type_text(pilot, "nid")
        await settle(app, pilot)
        await pilot.press("enter", "tab")
        await type_text(pilot, "rue du temple")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        duplicates = screen.query_one("#duplicates", OptionList)
        assert screen.query_one("#side").has_class("-has-duplicates")
        assert duplicates.option_count == 1, "same category, same street, open, last 30 days"
        prompt = duplicates.get_option_at_index(0).prompt
        assert isinstance(prompt, Text)
        assert original.reference in prompt.plain
        assert "Trou [bold]profond[/bold]" in prompt.plain, "typed markup shows literally"
        assert "␛[31m" in prompt.plain and "\x1b" not in prompt.plain, "ESC made visible"
        await pilot.press("ctrl+d")
        await settle(app, pilot)
        assert shown(screen.query_one("#reference", Static)) == f"Demande n° {original.reference}"
        assert screen.query_one("#reference-digits", Digits).value == original.reference
        assert "doublon" in shown(screen.query_one("#promise", Static))
    copy = store.latest_requests()[0]
    assert copy.id != original.id
    assert (copy.status, copy.duplicate_of_id) == (Status.DUPLICATE, original.id)
    assert copy.caller_id == caller.id
    reported = [e for e in store.events(original.id) if e.kind is EventKind.REPORTED_AGAIN]
    assert len(reported) == 1
    assert reported[0].note == (
        f"signalé à nouveau par ZÉBULON Éléonore (demande {copy.reference})"
    )
    assert store.get_request(original.id).status is Status.NEW


async def test_ctrl_d_without_duplicates_deletes_a_character_as_usual(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        await type_text(pilot, "0386")
        await pilot.press("home", "ctrl+d")
        assert screen.query_one("#phone", TypeAhead).text == "386"
    assert store.latest_requests() == []


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


# -- text is data -----------------------------------------------------------------------------

HOSTILE = "[bold]gras[/bold] [@click=app.quit]q[/] \x1b[31mrouge\x00 🚧 שלום\tfin\nligne 2"
HOSTILE_STORED = "[bold]gras[/bold] [@click=app.quit]q[/] [31mrouge 🚧 שלום\tfin\nligne 2"


async def test_markup_ansi_and_control_characters_round_trip_literally(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#category", TypeAhead).focus()
        await type_text(pilot, "autre")
        await settle(app, pilot)
        await pilot.press("enter")
        screen.query_one("#landmark", SafeInput).focus()
        screen.query_one("#landmark", SafeInput).post_message(
            _paste("[i]devant[/i]\nl'\x07école\n")
        )
        await settle(app, pilot)
        assert screen.query_one("#landmark", SafeInput).value == "[i]devant[/i] l'école"
        landmark_message = shown(screen.query_one("#message-landmark", Static))
        assert "lignes jointes" in landmark_message and "1 caractère" in landmark_message
        area = screen.query_one("#description", LimitedTextArea)
        area.focus()
        area.post_message(_paste(HOSTILE))
        await settle(app, pilot)
        assert area.text == HOSTILE_STORED
        assert "2 caractère(s) de contrôle" in shown(
            screen.query_one("#message-description", Static)
        )
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.is_running, "[@click=app.quit] did nothing"
        assert screen.confirmed
    saved = store.latest_requests()[0]
    assert saved.description == HOSTILE_STORED
    assert saved.landmark == "[i]devant[/i] l'école"


async def test_a_one_megabyte_paste_is_cut_at_the_limit_before_the_text_area(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        area = screen.query_one("#description", LimitedTextArea)
        area.focus()
        await type_text(pilot, "debut ")
        area.post_message(_paste("é" * 1_048_576))
        await settle(app, pilot)
        assert len(area.text) == 4000
        assert area.text.startswith("debut éé")
        message = shown(screen.query_one("#message-description", Static))
        assert "1\u202f048\u202f576 caractères reçus, 3\u202f994 gardés" in message
        assert shown(screen.query_one("#counter", Static)) == "4\u202f000 / 4\u202f000"
        await pilot.press("a")
        assert len(area.text) == 4001, "the form is still usable"


def _paste(text: str):
    from textual.events import Paste

    return Paste(text)


async def test_enter_typed_before_the_catalogue_arrives_still_picks_the_category(
    store, admin, monkeypatch
) -> None:
    """A fast typist outruns the first load of the catalogue and the streets: "nid" + Enter and
    "rue du temple" + Enter typed while they load still pick "Voirie" and "Rue du Temple"."""
    import threading

    gate, street_gate = threading.Event(), threading.Event()

    def held(reader, until: threading.Event):
        def wait_then_read(*args, **kwargs):
            until.wait(10)
            return reader(*args, **kwargs)

        return wait_then_read

    # However long the loading takes: the wait for an answer is not the wait for the list.
    monkeypatch.setattr(TypeAheadInput, "ENTER_WAIT", 0.05)
    monkeypatch.setattr(store, "categories", held(store.categories, gate))
    monkeypatch.setattr(store, "known_streets", held(store.known_streets, street_gate))
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        screen = form(app)
        screen.query_one("#category", TypeAhead).focus()
        await type_text(pilot, "nid")
        await pilot.press("enter")  # the catalogue is not there yet: this Enter waits for it
        await pilot.pause(0.3)
        assert app.focused is screen.query_one("#category", TypeAhead).input
        gate.set()  # (not `settle`: that would wait for the streets, still held)
        for _ in range(100):
            await pilot.pause(0.02)
            if screen.query_one("#category", TypeAhead).value is not None:
                break
        assert screen.query_one("#category", TypeAhead).text.startswith("Voirie")
        assert app.focused is screen.query_one("#street_number", SafeInput)
        await pilot.press("enter")
        await type_text(pilot, "rue du temple")
        await pilot.press("enter")  # the streets are not there yet either
        await pilot.pause(0.3)
        assert app.focused is screen.query_one("#street", TypeAhead).input
        street_gate.set()
        await settle(app, pilot)
        assert screen.query_one("#street", TypeAhead).text == "Rue du Temple"
        assert app.focused is screen.query_one("#landmark", SafeInput)


# -- keys typed ahead of the screen -----------------------------------------------------------


def type_ahead(app: AlloApp, *keys: str) -> None:
    """Keys typed faster than the app reads them: all queued before it handles the first
    (Pilot's `press` waits for each key to be handled, a hostess does not)."""
    from textual import events

    for key in keys:
        character = " " if key == "space" else key if len(key) == 1 else None
        event = events.Key(key, character)
        event.set_sender(app)
        app.post_message(event)


async def settle_typed_ahead(app: AlloApp, pilot) -> None:
    """`settle` after keys typed at once: each key's search replaces the one before it (an
    exclusive worker is cancelled, which `wait_for_complete` reports): wait again."""
    from textual.worker import WorkerCancelled

    for _ in range(10):
        try:
            await settle(app, pilot)
        except WorkerCancelled:
            continue
        return


def lookup_box(app: AlloApp) -> SafeInput:
    return app.get_screen_stack("lookup")[0].query_one("#query", SafeInput)


async def test_keys_typed_right_after_the_first_f3_land_in_the_form(store, admin) -> None:
    """The first F3 of a session builds the form: the digits typed meanwhile wait for it."""
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        type_ahead(app, "f3", *"0386")
        await settle_typed_ahead(app, pilot)
        screen = form(app)
        assert screen.query_one("#phone", TypeAhead).text == "0386"
        assert lookup_box(app).value == "", "nothing reached the lookup left behind"


async def test_quick_f2_f3_f2_switches_lose_no_key(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        type_ahead(app, "d", "u", "f3", *"0386", "f2", "p", "o", "f3", *"12", "f2", "n")
        await settle_typed_ahead(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        assert lookup_box(app).value == "dupon"
        screen = app.get_screen_stack("new_request")[0]
        assert screen.query_one("#phone", TypeAhead).text == "038612"


async def test_f3_on_a_highlighted_caller_then_typing_fills_the_category(store, admin) -> None:
    store.create_caller(admin, ZEBULON)
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await type_text(pilot, "zebulon")
        await settle(app, pilot)
        type_ahead(app, "f3", *"nid")
        await settle_typed_ahead(app, pilot)
        screen = form(app)
        assert screen.query_one("#name", TypeAhead).text == "ZÉBULON Éléonore"
        assert screen.query_one("#category", TypeAhead).text == "nid"
        assert lookup_box(app).value == "zebulon"


async def test_a_name_typed_right_after_ctrl_n_goes_to_the_name_box(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        await type_text(pilot, "0612345678")
        await settle(app, pilot)
        type_ahead(app, "ctrl+n", *"MARTIN")
        await settle_typed_ahead(app, pilot)
        assert screen.query_one("#phone", TypeAhead).text == "0612345678"
        assert screen.query_one("#name", TypeAhead).text == "MARTIN"


async def test_keys_typed_right_after_tab_or_shift_tab_go_to_the_field_they_lead_to(
    store, admin
) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#street_number", SafeInput).focus()
        await pilot.pause()
        type_ahead(app, "1", "2", "tab", *"rue", "shift+tab")
        await settle_typed_ahead(app, pilot)
        assert screen.query_one("#street_number", SafeInput).value == "12"
        assert screen.query_one("#street", TypeAhead).text == "rue"
        assert app.focused is screen.query_one("#street_number", SafeInput)


async def test_f10_then_its_outcome_key_typed_at_once_ends_the_call(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        await type_text(pilot, "0612345678")
        type_ahead(app, "f10", "3")
        await settle_typed_ahead(app, pilot)
        assert screen.query_one("#phone", TypeAhead).text == "", "the 3 was not typed in the box"
    assert [call.outcome for call in store.calls()] == [CallOutcome.WRONG_NUMBER]


# -- big pastes ---------------------------------------------------------------------------------

TERMINAL_PASTE = "Nid-de-poule devant le 12 rue du Temple\r" * 30_000
"""What a terminal sends for pasted lines: each line break is a carriage return."""


async def test_a_one_megabyte_paste_into_one_line_boxes_is_joined_and_cut(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        street = screen.query_one("#street", TypeAhead).input
        street.focus()
        street.post_message(_paste(TERMINAL_PASTE))
        await settle(app, pilot)
        joined = " ".join(["Nid-de-poule devant le 12 rue du Temple"] * 6)
        assert street.value == joined[:200]
        message = shown(screen.query_one("#message-street", Static))
        assert "Collage coupé" in message and "200 gardés (limite 200)" in message
        assert "lignes jointes par des espaces" in message
        assert "voie hors référentiel" in message, "the street status is still said"
        await pilot.press("backspace", "x")
        await settle(app, pilot)
        assert "Collage coupé" not in shown(screen.query_one("#message-street", Static))
        landmark = screen.query_one("#landmark", SafeInput)
        landmark.focus()
        landmark.post_message(_paste(TERMINAL_PASTE))
        await settle(app, pilot)
        assert landmark.value == joined[:200]
        assert "lignes jointes" in shown(screen.query_one("#message-landmark", Static))
        await pilot.press("tab")
        assert app.focused is screen.query_one("#urgency", UrgencyPicker), "usable at once"


async def test_pasted_lines_stay_lines_in_the_description(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        area = screen.query_one("#description", LimitedTextArea)
        area.focus()
        area.post_message(_paste("Trou profond.\rDevant l'école.\r"))
        await settle(app, pilot)
        assert area.text == "Trou profond.\nDevant l'école.\n"
        assert shown(screen.query_one("#message-description", Static)) == ""


# -- validation of the service --------------------------------------------------------------


async def test_an_unknown_service_is_refused_beside_the_field(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(app, pilot)
        screen.query_one("#category", TypeAhead).focus()
        await type_text(pilot, "nid")
        await settle(app, pilot)
        await pilot.press("enter")
        service = screen.query_one("#service", TypeAhead)
        service.set_text("Service des fêtes")
        screen.query_one("#description", LimitedTextArea).focus()
        await type_text(pilot, "trou")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not screen.confirmed
        assert "Service inconnu" in shown(screen.query_one("#message-service", Static))
        assert app.focused is service.input
    assert store.latest_requests() == []


async def test_a_picked_category_longer_than_its_box_shows_its_start(store, admin) -> None:
    app = AlloApp(store=store, operator=admin, console="test")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_form(app, pilot)
        box = screen.query_one("#category", TypeAhead)
        box.focus()
        await type_text(pilot, "nid")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert box.text == "Voirie (nid-de-poule, trottoir, chaussée)"
        assert box.input.content_region.width < len(box.text), "the label is wider than its box"
        assert box.input.scroll_offset.x == 0
        assert box.input.render_line(0).text.startswith("Voirie (nid")
