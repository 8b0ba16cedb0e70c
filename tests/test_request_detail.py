"""The request detail driven through its keys: fields, timeline, every workflow action.

Each test opens the detail on a real temp database, presses the keys an operator or a
supervisor would, and checks both what the screen shows and what the database holds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pilot_helpers import settle_twice as settle
from textual.geometry import Region
from textual.widgets import Input, OptionList, Static, TextArea

from allo_tui.app import AlloApp
from allo_tui.data.store import Store
from allo_tui.domain.records import EventKind, NewCaller, NewRequest, Status
from allo_tui.domain.workflow import Action
from allo_tui.screens.action_dialogs import ChoiceDialog, TextPromptDialog
from allo_tui.screens.confirm import ConfirmDialog
from allo_tui.screens.request_detail import RequestDetailScreen, format_span


def lamp_request(store: Store, who, **changes):
    """A lighting request from a caller, on Rue du Temple."""
    category = store.find_category("ECLAIRAGE")
    caller = store.create_caller(who, NewCaller(surname="Zébulon", given_name="Éléonore"))
    fields = dict(
        category_id=category.id,
        description="Lampadaire éteint [bold]depuis[/bold] hier",
        caller_id=caller.id,
        street_number="12",
        street="Rue du Temple",
        landmark="devant l'école",
    )
    fields.update(changes)
    return store.create_request(who, NewRequest(**fields))


def shown(screen, selector: str) -> str:
    """The text a widget shows on screen, its lines joined (trailing blanks removed)."""
    widget = screen.query_one(selector)
    lines = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join(line.text.rstrip() for line in lines)


def link_texts(screen) -> list[str]:
    links = screen.query_one("#detail-links", OptionList)
    return [str(links.get_option_at_index(i).prompt) for i in range(links.option_count)]


def notifications(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def open_detail(app, pilot, request_id: int) -> RequestDetailScreen:
    app.push_screen(RequestDetailScreen(request_id))
    await settle(app, pilot)
    assert isinstance(app.screen, RequestDetailScreen)
    return app.screen


def enabled(screen, key: str) -> bool:
    """True when the key is listed (footer, palette) and works now."""
    active = screen.active_bindings.get(key)
    return active is not None and active.enabled


def listed(screen, key: str) -> bool:
    return key in screen.active_bindings


async def test_detail_shows_every_field_the_due_dates_and_text_literally(store, operator):
    request = lamp_request(store, operator)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        fields = shown(screen, "#detail-fields")
        for text in (
            "Éclairage public",
            "12 Rue du Temple (devant l'école)",
            "ZÉBULON Éléonore",
            "Lampadaire éteint [bold]depuis[/bold] hier",
            "3 — Normale",
            "Nouvelle",
            "jeudi 26/11/2026 à 18:00 — reste 2 j 8 h",  # acknowledgement due
            "vendredi 04/12/2026 à 10:00 — reste 10 j",  # intervention due
        ):
            assert text in fields, text
        assert "Demande 2026-00001" in shown(screen, "#detail-title")
        assert "Création" in shown(screen, "#detail-timeline")


async def test_a_late_request_says_by_how_much(store, operator, clock):
    request = lamp_request(store, operator)
    clock.advance(days=12)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        assert "en retard de 2 j" in shown(screen, "#detail-fields")


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
        assert isinstance(app.screen, TextPromptDialog)
        await pilot.press(*"Lampe changée [ok]")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        timeline = shown(screen, "#detail-timeline")
        for text in ("par courrier", "Voirie → Éclairage public", "Affectée → En cours"):
            assert text in timeline, text
        assert "Lampe changée [ok]" in timeline
        assert "Terminée" in shown(screen, "#detail-title")
    saved = store.get_request(request.id)
    assert (saved.status, saved.service_id, saved.answer, saved.acknowledged_how) == (
        Status.DONE,
        lighting.id,
        "Lampe changée [ok]",
        "letter",
    )
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


async def test_done_without_an_answer_is_refused_in_the_dialog(store, operator):
    request = lamp_request(store, operator)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_detail(app, pilot, request.id)
        await pilot.press("d")
        dialog = app.screen
        await pilot.press(" ", "ctrl+s")
        await pilot.pause()
        assert app.screen is dialog, "a blank answer keeps the dialog open"
        assert "obligatoire" in str(dialog.query_one("#dialog-error", Static).render())
        await pilot.press("escape")
        await settle(app, pilot)
    assert store.get_request(request.id).status is Status.NEW
    assert len(store.events(request.id)) == 1


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
        keys_line = shown(screen, "#detail-keys")
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


async def test_the_key_line_breaks_between_two_actions_never_inside_one_at_80_columns(
    store, supervisor
):
    request = lamp_request(store, supervisor)
    app = AlloApp(store=store, operator=supervisor, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        keys_line = shown(screen, "#detail-keys")
        lines = keys_line.splitlines()
        assert len(lines) >= 2, keys_line
        for label in ("a Accuser", "x Annuler", "q Requalifier"):
            assert any(label in line for line in lines), (label, keys_line)
        for line in lines:
            assert not line.rstrip().endswith((" a", " x", " q", "·")), keys_line


async def test_supervisor_rejects_with_a_reason_then_reopens(store, operator, supervisor):
    request = lamp_request(store, operator)
    app = AlloApp(store=store, operator=supervisor, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        assert not enabled(screen, "o"), "an open request cannot be reopened"
        await pilot.press("r")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TextPromptDialog), "the reason is required"
        await pilot.press(*"Hors domaine public")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Sans suite" in shown(screen, "#detail-title")
        assert enabled(screen, "o") and not enabled(screen, "r")
        await pilot.press("o")
        await pilot.press("ctrl+s")  # the reason of a reopening is optional
        await settle(app, pilot)
        assert "Nouvelle" in shown(screen, "#detail-title")
    events = store.events(request.id)
    assert [(e.old_value, e.new_value, e.note) for e in events[1:]] == [
        ("new", "rejected", "Hors domaine public"),
        ("rejected", "new", ""),
    ]


async def test_supervisor_closes_a_done_request_and_cancels_another(store, supervisor):
    done = lamp_request(store, supervisor)
    store.apply(supervisor, done.id, Action.DONE, expected_version=1, text="Réparé")
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


async def test_a_duplicate_names_its_original_and_both_details_link(store, operator):
    original = lamp_request(store, operator)
    copy = lamp_request(store, operator)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, copy.id)
        await pilot.press("u")
        await pilot.press(*"2026-99999", "enter")
        await settle(app, pilot)
        assert any("introuvable" in text for text in notifications(app))
        assert store.get_request(copy.id).status is Status.NEW
        await pilot.press("u")
        await pilot.press(*"00001", "enter")  # this year's 2026-00001
        await settle(app, pilot)
        assert re.search(r"Doublon de\s+2026-00001", shown(screen, "#detail-fields"))
        assert link_texts(screen)[1].startswith("Doublon de 2026-00001")
        links = screen.query_one("#detail-links", OptionList)
        links.focus()
        links.highlighted = 1
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
        assert app.screen.request_id == original.id
        assert link_texts(app.screen)[1].startswith("Doublon : 2026-00002")
    saved = store.get_request(copy.id)
    assert (saved.status, saved.duplicate_of_id) == (Status.DUPLICATE, original.id)


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
        assert "Rappelé le demandeur" in shown(screen, "#detail-timeline")
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
        assert "En cours" in shown(screen, "#detail-title")
        # A note never conflicts: it changes no field of the request.
        other_console.apply(supervisor, request.id, Action.ACKNOWLEDGE, expected_version=2)
        await pilot.press("n", *"vu", "ctrl+s")
        await settle(app, pilot)
    other_console.close()
    saved = store.get_request(request.id)
    assert (saved.status, saved.service_id) == (Status.IN_PROGRESS, request.service_id)
    assert [event.kind for event in store.events(request.id)][-1] is EventKind.NOTE


async def test_enter_opens_the_caller_card(store, operator):
    request = lamp_request(store, operator)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        opened: list[int] = []
        app.open_caller_card = opened.append  # the card belongs to the lookup screen
        await pilot.press("enter")
        assert opened == [request.caller_id]
        assert app.screen is screen


async def test_the_reference_dialog_is_a_one_line_input(store, operator):
    request = lamp_request(store, operator)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(app, pilot, request.id)
        await pilot.press("u")
        assert isinstance(app.screen.query_one("#dialog-text"), Input)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)


def test_spans_read_like_a_hostess_says_them():
    from datetime import timedelta

    assert format_span(timedelta(minutes=12)) == "12 min"
    assert format_span(timedelta(hours=3, minutes=5)) == "3 h 05"
    assert format_span(timedelta(days=2, hours=4)) == "2 j 4 h"
    assert format_span(timedelta(days=10)) == "10 j"


def test_timeline_details_read_in_french_whatever_wrote_the_event():
    from allo_tui.domain.records import EventRecord
    from allo_tui.screens.request_detail import event_detail

    def detail(kind, old="", new="", note=""):
        event = EventRecord(1, 1, datetime(2026, 11, 24, tzinfo=UTC), "x", kind, old, new, note)
        return event_detail(event).plain

    assert detail(EventKind.ACKNOWLEDGEMENT, new="letter") == "par courrier"
    assert detail(EventKind.ACKNOWLEDGEMENT, "new", "acknowledged") == "Nouvelle → Accusée"
    assert detail(EventKind.STATUS, "done", "closed", "ok") == "Terminée → Clôturée\nok"
    assert detail(EventKind.ASSIGNMENT, "Voirie", "Voirie") == "Voirie"
    assert detail(EventKind.ASSIGNMENT, "acknowledged", "assigned", "Voirie") == (
        "Accusée → Affectée\nVoirie"
    )
    assert detail(EventKind.NOTE, note="[bold]x") == "[bold]x"


async def test_the_command_palette_offers_the_possible_actions(store, operator):
    from textual.command import CommandList, CommandPalette

    request = lamp_request(store, operator)
    app = AlloApp(store=store, operator=operator, console="test")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, request.id)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"marrer")  # Démarrer
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        await pilot.press("ctrl+p")
        await pilot.press(*"rejeter")
        await pilot.pause(0.5)
        offered = app.screen.query_one(CommandList)
        prompts = [str(offered.get_option_at_index(i).prompt) for i in range(offered.option_count)]
        assert not any("Rejeter" in prompt for prompt in prompts), "not for an operator"
        await pilot.press(*["backspace"] * 7, *"note")
        await pilot.pause(0.5)
        prompts = [str(offered.get_option_at_index(i).prompt) for i in range(offered.option_count)]
        assert any("Note" in prompt for prompt in prompts), "an allowed action is offered"
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen
    assert store.get_request(request.id).status is Status.IN_PROGRESS
